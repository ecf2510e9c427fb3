//! The `guard` command: a thin layer over the library (see `cli`).

mod cli;

fn main() -> std::process::ExitCode {
    // SAFETY: the first thing the process does, before any thread exists.
    unsafe { guard::process::init() };
    std::process::ExitCode::from(cli::run())
}
