//! Process-wide tuning, in one place for every entry point (the `guard`
//! binary, benches and tests link the same allocator and call [`init`]).

// Evaluation allocates and frees small values at a high rate (regorus builds
// scopes, paths and values per rule); mimalloc's thread-local free lists cut
// that cost by about 15% against glibc's malloc on the corpus.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Sets up the process before anything else runs.
///
/// regorus reports some lookups to itself as `anyhow` errors it then
/// discards, and with `RUST_BACKTRACE=1` (common in developer shells and CI)
/// `anyhow` captures a backtrace for each: on the shared corpus that doubled
/// the time of `guard check`. `RUST_LIB_BACKTRACE=0` turns that capture off
/// for library errors and leaves panic backtraces as the user asked.
///
/// # Safety
///
/// Call it first thing in `main`, before any thread exists: it sets an
/// environment variable, which must not race with another thread reading
/// the environment.
pub unsafe fn init() {
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        // SAFETY: the caller guarantees no other thread exists.
        unsafe { std::env::set_var("RUST_LIB_BACKTRACE", "0") };
    }
}

/// Frees `value` on a worker thread: freeing thousands of parsed objects and
/// their position trees takes milliseconds the caller need not wait for.
pub fn drop_later<T: Send + 'static>(value: T) {
    rayon::spawn(move || drop(value));
}
