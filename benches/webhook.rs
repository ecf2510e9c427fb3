//! `cargo bench --bench webhook [-- --seconds 60] [--connections 16]`:
//! the release `guard webhook` with every bundled rule and the shop
//! Blueprint, loaded over HTTPS on loopback by wrk (Debian's `wrk`), with
//! the reviews of testdata/webhook in turn. Prints wrk's report (throughput,
//! latency percentiles, errors) and the server's RSS every 5 seconds, to
//! show memory stays flat; never asserts.

use rcgen::{CertificateParams, KeyPair};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

const GUARD: &str = env!("CARGO_BIN_EXE_guard");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const FIXTURES: &[&str] = &[
    "pod-create.json",
    "pod-create-dry-run.json",
    "deployment-update.json",
    "deployment-scale.json",
    "pod-delete.json",
];

fn flag(args: &[String], name: &str, default: u64) -> u64 {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A wrk script that posts each fixture in turn.
fn script() -> String {
    let mut lua = String::from("local bodies = {\n");
    for fixture in FIXTURES {
        let body = std::fs::read_to_string(Path::new(ROOT).join("testdata/webhook").join(fixture))
            .expect("fixture");
        let compact: Value = serde_json::from_str(&body).expect("fixture is JSON");
        lua.push_str(&format!("  [==[{compact}]==],\n"));
    }
    lua.push_str(
        "}\nlocal next = 0\nrequest = function()\n  next = next % #bodies + 1\n  \
         return wrk.format(\"POST\", \"/validate\", {[\"Content-Type\"] = \"application/json\"}, bodies[next])\nend\n",
    );
    lua
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let seconds = flag(&args, "--seconds", 60);
    let connections = flag(&args, "--connections", 16);
    let dir = std::env::temp_dir().join(format!("guard-webhook-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let key = KeyPair::generate().expect("key");
    let cert = CertificateParams::new(vec!["127.0.0.1".to_string()])
        .and_then(|params| params.self_signed(&key))
        .expect("certificate");
    std::fs::write(dir.join("tls.crt"), cert.pem()).expect("write cert");
    std::fs::write(dir.join("tls.key"), key.serialize_pem()).expect("write key");
    std::fs::write(dir.join("reviews.lua"), script()).expect("write script");

    let mut server = Command::new(GUARD)
        .current_dir(ROOT)
        .args(["webhook", "--addr", "127.0.0.1:0", "--profile", "all"])
        .args(["--blueprint", "testdata/blueprint/shop/blueprint.yaml"])
        .arg("--tls-cert")
        .arg(dir.join("tls.crt"))
        .arg("--tls-key")
        .arg(dir.join("tls.key"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("guard webhook starts");
    let stdout = server.stdout.take().expect("stdout");
    let (events, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let Ok(entry) = serde_json::from_str::<Value>(&line) else {
                continue;
            };
            match entry["msg"].as_str() {
                Some("listening") => {
                    let _ = events.send(entry["addr"].as_str().unwrap_or_default().to_string());
                }
                Some("policies loaded") => {
                    let _ = events.send(String::new());
                }
                _ => {}
            }
        }
    });
    let addr = received
        .recv_timeout(Duration::from_secs(120))
        .expect("guard listens");
    received
        .recv_timeout(Duration::from_secs(120))
        .expect("guard compiles its policies");

    let pid = server.id();
    let running = Arc::new(AtomicBool::new(true));
    let sampling = Arc::clone(&running);
    let sampler = std::thread::spawn(move || {
        let mut samples = Vec::new();
        while sampling.load(Ordering::SeqCst) {
            samples.extend(rss_kib(pid));
            std::thread::sleep(Duration::from_secs(5));
        }
        samples
    });
    let wrk = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "--latency",
        ])
        .arg("-s")
        .arg(dir.join("reviews.lua"))
        .arg(format!("https://{addr}/validate"))
        .output();
    running.store(false, Ordering::SeqCst);
    let samples = sampler.join().unwrap_or_default();
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);
    match wrk {
        Ok(output) => {
            println!(
                "wrk -t2 -c{connections} -d{seconds}s --latency, {} reviews in turn, every bundled rule and the shop Blueprint:",
                FIXTURES.len()
            );
            print!("{}", String::from_utf8_lossy(&output.stdout));
            eprint!("{}", String::from_utf8_lossy(&output.stderr));
        }
        Err(error) => println!("wrk did not run ({error}); apt-get install wrk"),
    }
    let mib: Vec<String> = samples
        .iter()
        .map(|kib| format!("{:.1}", *kib as f64 / 1024.0))
        .collect();
    println!("server RSS every 5 s (MiB): {}", mib.join(" "));
}
