//! The webhook's Prometheus metrics, kept in memory and rendered in the
//! text exposition format on `/metrics`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the latency histogram, in seconds: fine below 10 ms,
/// where reviews should land, and up to the API server's 10 s default timeout.
const BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Counters by a pair of labels.
#[derive(Default)]
struct Labelled(Mutex<BTreeMap<(String, String), u64>>);

impl Labelled {
    fn add(&self, first: &str, second: &str) {
        if let Ok(mut counts) = self.0.lock() {
            *counts
                .entry((first.to_string(), second.to_string()))
                .or_default() += 1;
        }
    }

    fn render(&self, out: &mut String, name: &str, help: &str, labels: (&str, &str)) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
        if let Ok(counts) = self.0.lock() {
            for ((first, second), count) in counts.iter() {
                let _ = writeln!(
                    out,
                    "{name}{{{}=\"{}\",{}=\"{}\"}} {count}",
                    labels.0,
                    escape(first),
                    labels.1,
                    escape(second)
                );
            }
        }
    }
}

/// Everything `/metrics` shows.
pub struct Metrics {
    requests: Labelled,
    decisions: Labelled,
    rejected: Labelled,
    reloads: Labelled,
    evaluation_errors: AtomicU64,
    evaluation_timeouts: AtomicU64,
    latency_buckets: Vec<AtomicU64>,
    latency_count: AtomicU64,
    latency_sum_micros: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics {
            requests: Labelled::default(),
            decisions: Labelled::default(),
            rejected: Labelled::default(),
            reloads: Labelled::default(),
            evaluation_errors: AtomicU64::new(0),
            evaluation_timeouts: AtomicU64::new(0),
            latency_buckets: BUCKETS.iter().map(|_| AtomicU64::new(0)).collect(),
            latency_count: AtomicU64::new(0),
            latency_sum_micros: AtomicU64::new(0),
        }
    }
}

impl Metrics {
    /// An AdmissionReview received, by operation and the kind it is about.
    pub fn request(&self, operation: &str, kind: &str) {
        self.requests.add(operation, kind);
    }

    /// One rule's finding and what was done about it (deny, warn), or a
    /// request's outcome without findings under the rule `none`.
    pub fn decision(&self, rule: &str, action: &str) {
        self.decisions.add(rule, action);
    }

    /// A request refused before review: too large, malformed, busy.
    pub fn rejected(&self, reason: &str) {
        self.rejected.add(reason, "");
    }

    /// A reload of `what` (policies, certificate), and whether it took.
    pub fn reload(&self, what: &str, result: &str) {
        self.reloads.add(what, result);
    }

    pub fn evaluation_error(&self, timed_out: bool) {
        self.evaluation_errors.fetch_add(1, Ordering::Relaxed);
        if timed_out {
            self.evaluation_timeouts.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// How long a review took, from its first byte read to its answer.
    pub fn latency(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        if let Some(bucket) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            self.latency_buckets[bucket].fetch_add(1, Ordering::Relaxed);
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.latency_sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// The Prometheus text exposition format (version 0.0.4).
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.requests.render(
            &mut out,
            "guard_webhook_requests_total",
            "AdmissionReviews received, by operation and kind.",
            ("operation", "kind"),
        );
        self.decisions.render(
            &mut out,
            "guard_webhook_decisions_total",
            "Findings by rule and the action taken on them (deny, warn); rule none for requests without findings, by outcome.",
            ("rule", "action"),
        );
        let _ = writeln!(
            out,
            "# HELP guard_webhook_rejected_total Requests refused before review, by reason.\n# TYPE guard_webhook_rejected_total counter"
        );
        if let Ok(counts) = self.rejected.0.lock() {
            for ((reason, _), count) in counts.iter() {
                let _ = writeln!(
                    out,
                    "guard_webhook_rejected_total{{reason=\"{}\"}} {count}",
                    escape(reason)
                );
            }
        }
        self.reloads.render(
            &mut out,
            "guard_webhook_reloads_total",
            "Reloads of policies and certificates, by result.",
            ("target", "result"),
        );
        for (name, help, value) in [
            (
                "guard_webhook_evaluation_errors_total",
                "Evaluations that failed, time-outs included.",
                &self.evaluation_errors,
            ),
            (
                "guard_webhook_evaluation_timeouts_total",
                "Evaluations stopped at the time limit.",
                &self.evaluation_timeouts,
            ),
        ] {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                value.load(Ordering::Relaxed)
            );
        }
        let name = "guard_webhook_request_duration_seconds";
        let _ = writeln!(
            out,
            "# HELP {name} Time from reading a review to answering it.\n# TYPE {name} histogram"
        );
        let mut cumulative = 0;
        for (bound, count) in BUCKETS.iter().zip(&self.latency_buckets) {
            cumulative += count.load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        let count = self.latency_count.load(Ordering::Relaxed);
        let sum = self.latency_sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(
            out,
            "{name}_bucket{{le=\"+Inf\"}} {count}\n{name}_sum {sum}\n{name}_count {count}"
        );
        out
    }
}

/// A label value as the exposition format writes it.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_a_cumulative_histogram() {
        let metrics = Metrics::default();
        metrics.request("CREATE", "Pod");
        metrics.request("CREATE", "Pod");
        metrics.decision("GRD101", "deny");
        metrics.rejected("too_large");
        metrics.evaluation_error(true);
        metrics.latency(Duration::from_micros(1500));
        metrics.latency(Duration::from_secs(60));
        let text = metrics.render();
        assert!(text.contains("guard_webhook_requests_total{operation=\"CREATE\",kind=\"Pod\"} 2"));
        assert!(text.contains("guard_webhook_decisions_total{rule=\"GRD101\",action=\"deny\"} 1"));
        assert!(text.contains("guard_webhook_rejected_total{reason=\"too_large\"} 1"));
        assert!(text.contains("guard_webhook_evaluation_timeouts_total 1"));
        assert!(text.contains("guard_webhook_request_duration_seconds_bucket{le=\"0.001\"} 0"));
        assert!(text.contains("guard_webhook_request_duration_seconds_bucket{le=\"0.002\"} 1"));
        assert!(text.contains("guard_webhook_request_duration_seconds_bucket{le=\"+Inf\"} 2"));
        assert_eq!(escape("a\"b"), "a\\\"b");
    }
}
