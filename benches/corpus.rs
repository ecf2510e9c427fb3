//! `cargo bench --bench corpus [-- DIR] [--per-rule]`: guard check over a
//! realistic corpus (default `../shared/corpus/real`), phase by phase (load,
//! compile, check, JSON report) and the YAML loader alone. Reports wall
//! times and loader throughput; never asserts on them. `--per-rule` also shows what each bundled rule adds
//! to evaluation, costliest first.

use guard::engine::{ConfigChoice, Guard, Options, Settings};
use guard::report::{Format, RenderOptions, render};
use guard::source::{Input, Source, parse_stream};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const RUNS: usize = 10;

/// Every bundled rule, no config file: what `guard check DIR` runs.
fn settings() -> Settings {
    Settings::resolve(&Options {
        base_dir: PathBuf::from("."),
        config: ConfigChoice::None,
        ..Options::default()
    })
    .expect("default settings resolve")
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    // SAFETY: the first thing the bench does, before any thread exists.
    unsafe { guard::process::init() };
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
    let sources = Input::load_paths(&paths).sources;
    let bytes: usize = sources.iter().map(|s| s.text.len()).sum();

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
        documents = input.objects.len();

        let start = Instant::now();
        let guard = Guard::new(settings()).unwrap();
        compile.push(start.elapsed());

        let start = Instant::now();
        let report = guard.check_input(input).unwrap();
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
    let parse_only = parse_alone(&sources);
    println!(
        "YAML loader alone:   {:>8.1} ms  {:.1} MB/s on one thread",
        parse_only.as_secs_f64() * 1e3,
        bytes as f64 / 1e6 / parse_only.as_secs_f64()
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
    single_object();
    if std::env::args().any(|a| a == "--per-rule") {
        per_rule(&paths);
    }
}

/// The YAML loader by itself (values and positions, no file reading, no
/// object building), one file after another on this thread.
fn parse_alone(sources: &[Source]) -> Duration {
    let samples = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            for source in sources {
                std::hint::black_box(parse_stream(&source.text));
            }
            start.elapsed()
        })
        .collect();
    median(samples)
}

/// What a front end that checks one object at a time (the webhook, an
/// agent's tool call) pays per object on a compiled engine: the shop
/// example's Deployment, checked alone, as `check` and as an admission
/// request.
fn single_object() {
    let guard = Guard::new(settings()).unwrap();
    let input = Input::load_paths(&[PathBuf::from("testdata/examples/shop/backend.yaml")]);
    let Some(deployment) = input.objects.iter().find(|o| o.id.kind == "Deployment") else {
        eprintln!("no Deployment in testdata/examples/shop/backend.yaml");
        return;
    };
    let evaluation = guard.evaluation(&[]).unwrap();
    let request = regorus::Value::from(serde_json::json!({
        "uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
        "operation": "CREATE",
        "namespace": "shop",
        "userInfo": {"username": "agent"},
    }));
    let time = |f: &dyn Fn()| {
        let samples = (0..500)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect();
        median(samples)
    };
    let check = time(&|| {
        evaluation.check(&[deployment]);
    });
    let admission = time(&|| {
        evaluation.check_request(deployment, &request);
    });
    println!(
        "one Deployment:      {:>8.3} ms check, {:.3} ms as an admission request",
        check.as_secs_f64() * 1e3,
        admission.as_secs_f64() * 1e3
    );
}

/// What each rule adds to evaluation: the time with every rule, less the
/// time with every rule but that one. Rules share library values (a pod's
/// containers, its security contexts) that whichever rule runs first pays
/// for, so a rule timed alone would be charged for them; this charges each
/// rule only for its own work.
fn per_rule(paths: &[PathBuf]) {
    let all = Guard::new(settings()).unwrap();
    let ids: Vec<String> = all.rules().iter().map(|r| r.id.clone()).collect();
    let time_without = |disabled: Option<&str>| {
        let mut settings = settings();
        settings
            .selection
            .disabled
            .extend(disabled.map(str::to_string));
        let guard = Guard::new(settings).unwrap();
        let samples = (0..5)
            .map(|_| {
                let input = Input::load_paths(paths);
                let start = Instant::now();
                guard.check_input(input).unwrap();
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
