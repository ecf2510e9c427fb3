//! `cargo bench --bench corpus [-- DIR] [--per-rule]`: guard check over a
//! realistic corpus (default `../shared/corpus/real`), phase by phase (load,
//! compile, check, JSON report). Reports wall times and loader throughput;
//! never asserts on them. `--per-rule` also shows what each bundled rule adds
//! to evaluation, costliest first.

use guard::check::check;
use guard::config::Config;
use guard::policy::registry::ProfileSelection;
use guard::policy::{PolicySet, Selection};
use guard::report::{Format, RenderOptions, render};
use guard::source::Input;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const RUNS: usize = 10;

// As the guard binary allocates.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    // As the guard binary does (see `quiet_library_backtraces` there).
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        // SAFETY: no other thread exists yet.
        unsafe { std::env::set_var("RUST_LIB_BACKTRACE", "0") };
    }
    let dir = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/corpus/real"));
    if !dir.is_dir() {
        eprintln!("no corpus at {}; pass a directory", dir.display());
        return;
    }
    let paths = vec![dir.clone()];
    let bytes: usize = Input::load_paths(&paths)
        .sources
        .iter()
        .map(|s| s.text.len())
        .sum();

    let mut load = Vec::new();
    let mut compile = Vec::new();
    let mut evaluate = Vec::new();
    let mut json = Vec::new();
    let mut findings = 0;
    let mut documents = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        let input = Input::load_paths(&paths);
        load.push(start.elapsed());
        documents = input.documents.len();

        let start = Instant::now();
        let policies = PolicySet::bundled(&Selection::default()).unwrap();
        compile.push(start.elapsed());

        let start = Instant::now();
        let report = check(&policies, &Config::default(), input).unwrap();
        evaluate.push(start.elapsed());
        findings = report.findings.len();

        let start = Instant::now();
        let mut out = Vec::new();
        render(&report, Format::Json, RenderOptions::default(), &mut out).unwrap();
        json.push(start.elapsed());
    }
    let load = median(load);
    println!(
        "corpus: {} ({} bytes, {documents} objects)",
        dir.display(),
        bytes
    );
    println!(
        "load (read + parse): {:>8.1} ms  {:.1} MB/s",
        load.as_secs_f64() * 1e3,
        bytes as f64 / 1e6 / load.as_secs_f64()
    );
    println!(
        "compile policies:    {:>8.1} ms",
        median(compile).as_secs_f64() * 1e3
    );
    println!(
        "check (evaluate):    {:>8.1} ms  {findings} findings",
        median(evaluate).as_secs_f64() * 1e3
    );
    println!(
        "JSON report:         {:>8.1} ms",
        median(json).as_secs_f64() * 1e3
    );
    if std::env::args().any(|a| a == "--per-rule") {
        per_rule(&paths);
    }
}

/// What each rule adds to evaluation: the time with every rule, less the
/// time with every rule but that one. Rules share library values (a pod's
/// containers, its security contexts) that whichever rule runs first pays
/// for, so a rule timed alone would be charged for them; this charges each
/// rule only for its own work.
fn per_rule(paths: &[PathBuf]) {
    let all = PolicySet::bundled(&Selection::default()).unwrap();
    let ids: Vec<String> = all.rules().iter().map(|r| r.id.clone()).collect();
    let time_without = |disabled: Option<&str>| {
        let selection = Selection {
            profile: ProfileSelection::All,
            disabled: disabled.into_iter().map(str::to_string).collect(),
            ..Selection::default()
        };
        let policies = PolicySet::bundled(&selection).unwrap();
        let samples = (0..5)
            .map(|_| {
                let input = Input::load_paths(paths);
                let start = Instant::now();
                check(&policies, &Config::default(), input).unwrap();
                start.elapsed()
            })
            .collect();
        median(samples)
    };
    let full = time_without(None);
    println!("every rule:          {:>8.1} ms", full.as_secs_f64() * 1e3);
    let mut costs: Vec<(Duration, &str)> = ids
        .iter()
        .map(|id| (full.saturating_sub(time_without(Some(id))), id.as_str()))
        .collect();
    costs.sort_by(|a, b| b.cmp(a));
    for (cost, id) in costs {
        println!("{id:<8} {:>8.1} ms", cost.as_secs_f64() * 1e3);
    }
}
