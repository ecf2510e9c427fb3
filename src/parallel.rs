//! Parallel maps over uneven work.
//!
//! rayon splits a slice into a few large pieces and splits further only when
//! a thread runs out of work, so one piece holding several costly items (the
//! five 600–800 KB CRDs of a monitoring stack, a namespace of Deployments)
//! leaves a core idle while the other finishes it. One item per task lets
//! either core take the next item; state that is costly to make (a cloned
//! engine) is then kept per thread rather than made per task.

use rayon::prelude::*;
use std::sync::{Mutex, TryLockError};

/// `f` over `items` in parallel, results in input order. Each worker thread
/// makes its `state` with `init` the first time it takes an item, and keeps
/// it for every item it takes after.
pub fn map_per_thread<T, S, R>(
    items: &[T],
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<R>
where
    T: Sync,
    S: Send,
    R: Send,
{
    // One slot per worker of the pool the items run in.
    let slots: Vec<Mutex<Option<S>>> = (0..rayon::current_num_threads())
        .map(|_| Mutex::new(None))
        .collect();
    items
        .par_iter()
        .with_max_len(1)
        .map(|item| {
            // Items always run on a worker, so the index is there.
            let slot = rayon::current_thread_index().unwrap_or(0);
            // Only this thread locks its slot. It finds the slot taken only
            // when `f` itself waits on rayon and this thread takes another
            // item meanwhile; that item gets a state of its own.
            match slots[slot].try_lock() {
                Ok(mut state) => f(state.get_or_insert_with(&init), item),
                Err(TryLockError::Poisoned(poisoned)) => {
                    f(poisoned.into_inner().get_or_insert_with(&init), item)
                }
                Err(TryLockError::WouldBlock) => f(&mut init(), item),
            }
        })
        .collect()
}

/// `f` over `items` in parallel, one item per task, results in input order.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    items.par_iter().with_max_len(1).map(f).collect()
}
