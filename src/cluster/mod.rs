//! The one cluster layer: a read-only client ([`Cluster`]), what it lists
//! ([`ANALYZED`]), and the [`Snapshot`] every live front end reads, whether
//! it came from the API server or from a directory of `kubectl get -o json`
//! output.
//!
//! Requests are GETs only: discovery once, then one paginated list per
//! resource (never one call per object), and logs only for what the
//! analysis found broken.

mod client;
mod list;
mod resources;
mod snapshot;

pub use client::{Cluster, ConnectOptions};
pub use list::{Namespaces, Progress};
pub use resources::{ANALYZED, Resource};
pub use snapshot::{LogKey, Snapshot, event_time, live_object, remove_metadata, unix_seconds};

/// Lines of a log kept as evidence, and the bytes asked for at most.
pub const LOG_LINES: u32 = 20;
const LOG_BYTES: u32 = 64 * 1024;

impl Cluster {
    /// Reads the logs `keys` name into `snapshot`. A log that cannot be
    /// read (the previous instance is gone, say) is left out: logs are
    /// evidence, not what the analysis stands on.
    pub async fn read_logs(&self, snapshot: &mut Snapshot, keys: Vec<LogKey>) {
        let mut tasks = tokio::task::JoinSet::new();
        for key in keys {
            let cluster = self.clone();
            tasks.spawn(async move {
                let text = cluster.log(&key, LOG_LINES, LOG_BYTES).await;
                (key, text)
            });
        }
        while let Some(done) = tasks.join_next().await {
            if let Ok((key, Ok(text))) = done {
                snapshot.add_log(key, text);
            }
        }
    }
}
