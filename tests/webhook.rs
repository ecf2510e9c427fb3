//! `guard webhook` end to end: the built binary on 127.0.0.1:0 with a
//! certificate from a throwaway CA, real AdmissionReviews from
//! testdata/webhook over real HTTPS (HTTP/1.1 and HTTP/2), and the answers.

mod support;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use support::{GUARD, ROOT, guard};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::{self, pki_types::CertificateDer, pki_types::ServerName};

/// A CA and the serving certificates it signs.
struct Authority {
    ca_der: CertificateDer<'static>,
    issuer: Issuer<'static, KeyPair>,
}

impl Authority {
    fn new() -> Authority {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let cert = params.self_signed(&key).unwrap();
        Authority {
            ca_der: cert.der().clone(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A certificate for 127.0.0.1 written to `dir` as tls.crt and tls.key;
    /// returns its DER.
    fn issue(&self, dir: &Path) -> Vec<u8> {
        let key = KeyPair::generate().unwrap();
        let params = CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        // Written beside, then renamed: a reader never sees half a file.
        std::fs::write(dir.join("tls.key.new"), key.serialize_pem()).unwrap();
        std::fs::write(dir.join("tls.crt.new"), cert.pem()).unwrap();
        std::fs::rename(dir.join("tls.key.new"), dir.join("tls.key")).unwrap();
        std::fs::rename(dir.join("tls.crt.new"), dir.join("tls.crt")).unwrap();
        cert.der().to_vec()
    }
}

fn scratch_dir() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "guard-webhook-test-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A running `guard webhook`, killed when dropped.
struct Webhook {
    child: Child,
    addr: String,
    authority: Authority,
    dir: PathBuf,
    log: Arc<std::sync::Mutex<Vec<String>>>,
}

impl Drop for Webhook {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Webhook {
    /// Starts guard with `args` and waits until `/readyz` says ready.
    async fn start(args: &[&str]) -> Webhook {
        let dir = scratch_dir();
        let authority = Authority::new();
        authority.issue(&dir);
        let cert = dir.join("tls.crt").display().to_string();
        let key = dir.join("tls.key").display().to_string();
        let mut child = Command::new(GUARD)
            .current_dir(ROOT)
            .args([
                "webhook",
                "--addr",
                "127.0.0.1:0",
                "--tls-cert",
                &cert,
                "--tls-key",
                &key,
            ])
            .args(["--reload-interval", "1"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("guard starts");
        let stdout = child.stdout.take().unwrap();
        let log = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let lines = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Ok(entry) = serde_json::from_str::<Value>(&line)
                    && entry["msg"] == "listening"
                {
                    let _ = addr_tx.send(entry["addr"].as_str().unwrap_or_default().to_string());
                }
                lines.lock().unwrap().push(line);
            }
        });
        let addr = addr_rx
            .recv_timeout(Duration::from_secs(120))
            .expect("guard logs the address it listens on");
        let webhook = Webhook {
            child,
            addr,
            authority,
            dir,
            log,
        };
        for _ in 0..1200 {
            if webhook.get("/readyz").await.0 == 200 {
                return webhook;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "guard never became ready:\n{}",
            webhook.log.lock().unwrap().join("\n")
        );
    }

    fn connector(&self, alpn: &[u8]) -> TlsConnector {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(self.authority.ca_der.clone()).unwrap();
        let mut config = rustls::ClientConfig::builder()
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = vec![alpn.to_vec()];
        TlsConnector::from(Arc::new(config))
    }

    async fn tls(&self, alpn: &[u8]) -> tokio_rustls::client::TlsStream<TcpStream> {
        let tcp = TcpStream::connect(&self.addr).await.unwrap();
        let name = ServerName::try_from("127.0.0.1").unwrap();
        self.connector(alpn).connect(name, tcp).await.unwrap()
    }

    /// One HTTP/1.1 request on a fresh connection: status and body.
    async fn request(&self, method: &str, path: &str, body: Vec<u8>) -> (u16, String) {
        let stream = hyper_util::rt::TokioIo::new(self.tls(b"http/1.1").await);
        let (mut sender, connection) = hyper::client::conn::http1::handshake(stream).await.unwrap();
        tokio::spawn(connection);
        let request = hyper::Request::builder()
            .method(method)
            .uri(path)
            .header("host", "127.0.0.1")
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body)))
            .unwrap();
        let response = sender.send_request(request).await.unwrap();
        let status = response.status().as_u16();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Announces a body one byte over the API server's limit and sends
    /// none of it: the answer must come from the header alone.
    async fn oversized(&self) -> String {
        let mut stream = self.tls(b"http/1.1").await;
        let head = format!(
            "POST /validate HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            3 * 1024 * 1024 + 1
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut answer = vec![0; 64];
        let read = stream.read(&mut answer).await.unwrap();
        String::from_utf8_lossy(&answer[..read]).into_owned()
    }

    async fn get(&self, path: &str) -> (u16, String) {
        self.request("GET", path, Vec::new()).await
    }

    /// Posts a fixture of testdata/webhook and returns the `response`.
    async fn review(&self, fixture: &str) -> Value {
        let body = std::fs::read(Path::new(ROOT).join("testdata/webhook").join(fixture)).unwrap();
        let (status, text) = self.request("POST", "/validate", body).await;
        assert_eq!(status, 200, "{text}");
        let review: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(review["apiVersion"], "admission.k8s.io/v1");
        assert_eq!(review["kind"], "AdmissionReview");
        review["response"].clone()
    }

    fn decisions(&self) -> Vec<Value> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .filter(|entry| entry["msg"] == "decision")
            .collect()
    }
}

fn uid_of(fixture: &str) -> Value {
    let text =
        std::fs::read_to_string(Path::new(ROOT).join("testdata/webhook").join(fixture)).unwrap();
    serde_json::from_str::<Value>(&text).unwrap()["request"]["uid"].clone()
}

const BLUEPRINT: &str = "testdata/blueprint/shop/blueprint.yaml";
const TEMPLATE: &str = "testdata/gatekeeper/policies/templates/protectedowner.yaml";
const CONSTRAINT: &str = "testdata/gatekeeper/policies/constraints/owner-is-stable.yaml";

async fn shop() -> Webhook {
    Webhook::start(&["--blueprint", BLUEPRINT, "-p", TEMPLATE, "-p", CONSTRAINT]).await
}

#[tokio::test(flavor = "multi_thread")]
async fn admission_semantics_over_https() {
    let webhook = shop().await;

    // A privileged Pod is refused, with each rule, its field and its fix.
    let create = webhook.review("pod-create.json").await;
    assert_eq!(create["uid"], uid_of("pod-create.json"));
    assert_eq!(create["allowed"], false);
    assert_eq!(create["status"]["code"], 403);
    let message = create["status"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("guard denied Pod shop/debug: "),
        "{message}"
    );
    assert!(
        message.contains("spec.containers[0].securityContext.privileged"),
        "{message}"
    );
    assert!(message.contains("(fix: "), "{message}");

    // dryRun is answered exactly as the real request.
    let dry = webhook.review("pod-create-dry-run.json").await;
    assert_eq!(dry["uid"], uid_of("pod-create-dry-run.json"));
    assert_eq!(dry["status"], create["status"]);

    // Deleting the same Pod is allowed: the bundled rules judge objects, not removals.
    let delete = webhook.review("pod-delete.json").await;
    assert_eq!(delete["allowed"], true, "{delete}");

    // A Gatekeeper constraint sees operation, userInfo and oldObject.
    let update = webhook.review("deployment-update.json").await;
    assert_eq!(update["allowed"], false, "{update}");
    let message = update["status"]["message"].as_str().unwrap();
    assert!(
        message.contains(
            "owner label changed from \"team-shop\" to \"team-growth\" by bob@example.com"
        ),
        "{message}"
    );

    // DELETE with only oldObject: the constraint sees the old object as the object.
    let protected = webhook.review("deployment-delete.json").await;
    assert_eq!(protected["allowed"], false, "{protected}");
    assert!(
        protected["status"]["message"]
            .as_str()
            .unwrap()
            .contains("is protected; bob@example.com may not delete it"),
        "{protected}"
    );

    // kubectl scale below the Blueprint's replicas, with the Blueprint's line.
    let scale = webhook.review("deployment-scale.json").await;
    assert_eq!(scale["allowed"], false, "{scale}");
    let message = scale["status"]["message"].as_str().unwrap();
    assert!(message.contains("GRD603 at spec.replicas"), "{message}");
    assert!(
        message.contains("scaled to 1 replica(s); component \"backend\" asks for 2"),
        "{message}"
    );
    assert!(
        message.contains(&format!("(Blueprint {BLUEPRINT}:10:5)")),
        "{message}"
    );
    assert!(message.contains("(fix: Set `spec.replicas`"), "{message}");

    // One JSON line a decision, without the object's data.
    let decisions = webhook.decisions();
    assert_eq!(decisions.len(), 6, "{decisions:?}");
    let first = &decisions[0];
    assert_eq!(first["uid"], uid_of("pod-create.json"));
    assert_eq!(first["decision"], "deny");
    assert_eq!(first["kind"], "Pod");
    assert!(
        first["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "GRD101"),
        "{first}"
    );
    assert!(first["latency_ms"].is_number());
    assert!(!first.to_string().contains("busybox"));

    let (status, metrics) = webhook.get("/metrics").await;
    assert_eq!(status, 200);
    assert!(
        metrics.contains("guard_webhook_requests_total{operation=\"CREATE\",kind=\"Pod\"} 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("guard_webhook_decisions_total{rule=\"GRD603\",action=\"deny\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("guard_webhook_request_duration_seconds_count 6"),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn exemptions_and_audit_mode() {
    let webhook = Webhook::start(&[
        "--enforcement",
        "warn",
        "--exempt-namespace",
        "shop-tools",
        "--exempt-group",
        "platform-admins",
    ])
    .await;
    let create = webhook.review("pod-create.json").await;
    assert_eq!(create["allowed"], true, "{create}");
    let warnings: Vec<&str> = create["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("GRD101 at spec.containers[0].securityContext.privileged")),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().all(|w| w.chars().count() <= 120),
        "{warnings:?}"
    );

    let mut exempt: Value = serde_json::from_slice(
        &std::fs::read(Path::new(ROOT).join("testdata/webhook/pod-create.json")).unwrap(),
    )
    .unwrap();
    exempt["request"]["userInfo"]["groups"] = serde_json::json!(["platform-admins"]);
    let (status, text) = webhook
        .request("POST", "/validate", serde_json::to_vec(&exempt).unwrap())
        .await;
    assert_eq!(status, 200);
    let answer: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(answer["response"]["allowed"], true);
    assert!(answer["response"].get("warnings").is_none(), "{answer}");
    let (_, metrics) = webhook.get("/metrics").await;
    assert!(
        metrics.contains("guard_webhook_decisions_total{rule=\"GRD101\",action=\"warn\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("guard_webhook_decisions_total{rule=\"none\",action=\"exempt\"} 1"),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_bodies_get_clear_refusals() {
    let webhook = Webhook::start(&[]).await;
    let (status, text) = webhook
        .request("POST", "/validate", b"{\"kind\":".to_vec())
        .await;
    assert_eq!(status, 400);
    assert!(text.contains("not JSON"), "{text}");
    let (status, text) = webhook
        .request(
            "POST",
            "/validate",
            br#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}"#.to_vec(),
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        text.contains("expected apiVersion admission.k8s.io/v1 and kind AdmissionReview"),
        "{text}"
    );
    assert!(webhook.oversized().await.starts_with("HTTP/1.1 413 "));
    let (status, _) = webhook.get("/validate").await;
    assert_eq!(status, 405);
    let (status, _) = webhook.get("/nothing").await;
    assert_eq!(status, 404);
    assert_eq!(webhook.get("/healthz").await.0, 200);
    // Still serving after all that.
    assert_eq!(webhook.review("pod-create.json").await["allowed"], false);
    let (_, metrics) = webhook.get("/metrics").await;
    assert!(
        metrics.contains("guard_webhook_rejected_total{reason=\"malformed\"} 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("guard_webhook_rejected_total{reason=\"too_large\"} 1"),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slow_policy_is_stopped_and_the_failure_policy_answers() {
    let slow = "testdata/webhook/slow";
    // The Deployment passes every bundled rule: only the slow policy is in doubt.
    for (policy, allowed) in [("fail", false), ("ignore", true)] {
        let webhook = Webhook::start(&[
            "-p",
            slow,
            "--evaluation-timeout-ms",
            "500",
            "--failure-policy",
            policy,
        ])
        .await;
        let answer = webhook.review("deployment-update.json").await;
        assert_eq!(answer["allowed"], allowed, "{answer}");
        let text = answer.to_string();
        assert!(
            text.contains("exceeded") && text.contains("time limit"),
            "{text}"
        );
        let (_, metrics) = webhook.get("/metrics").await;
        assert!(
            metrics.contains("guard_webhook_evaluation_timeouts_total 1"),
            "{metrics}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn reviews_past_the_bounds_are_turned_away() {
    let webhook = Arc::new(
        Webhook::start(&[
            "-p",
            "testdata/webhook/slow",
            "--evaluation-timeout-ms",
            "5000",
            "--max-concurrent",
            "1",
            "--max-queued",
            "0",
        ])
        .await,
    );
    // Two slow reviews at once with one slot and no queue: whichever comes
    // second is turned away while the first is evaluated, in either order.
    let body =
        std::fs::read(Path::new(ROOT).join("testdata/webhook/deployment-update.json")).unwrap();
    let send = |webhook: Arc<Webhook>, body: Vec<u8>| {
        tokio::spawn(async move { webhook.request("POST", "/validate", body).await })
    };
    let one = send(Arc::clone(&webhook), body.clone());
    let two = send(Arc::clone(&webhook), body);
    let mut answers = vec![one.await.unwrap(), two.await.unwrap()];
    answers.sort_by_key(|(status, _)| *status);
    let [(evaluated, review), (refused, text)] = answers.as_slice() else {
        unreachable!("two requests were sent");
    };
    assert_eq!((*evaluated, *refused), (200, 503), "{review}\n{text}");
    assert!(text.contains("limit of queued reviews"), "{text}");
    let review: Value = serde_json::from_str(review).unwrap();
    assert_eq!(
        review["response"]["status"]["code"], 500,
        "the slow policy timed out: {review}"
    );
    let (_, metrics) = webhook.get("/metrics").await;
    assert!(
        metrics.contains("guard_webhook_rejected_total{reason=\"busy\"}"),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn http2_and_certificate_rotation() {
    let webhook = Webhook::start(&[]).await;
    let stream = hyper_util::rt::TokioIo::new(webhook.tls(b"h2").await);
    let (mut sender, connection) =
        hyper::client::conn::http2::handshake(hyper_util::rt::TokioExecutor::new(), stream)
            .await
            .unwrap();
    tokio::spawn(connection);
    let body = std::fs::read(Path::new(ROOT).join("testdata/webhook/pod-create.json")).unwrap();
    let request = hyper::Request::builder()
        .method("POST")
        .uri(format!("https://{}/validate", webhook.addr))
        .body(Full::new(Bytes::from(body)))
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    assert_eq!(response.version(), hyper::Version::HTTP_2);
    assert_eq!(response.status(), 200);

    let rotated = webhook.authority.issue(&webhook.dir);
    let mut served = Vec::new();
    for _ in 0..300 {
        let stream = webhook.tls(b"http/1.1").await;
        served = stream.get_ref().1.peer_certificates().unwrap()[0].to_vec();
        if served == rotated {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(served, rotated, "the rotated certificate is served");
    assert_eq!(webhook.review("pod-create.json").await["allowed"], false);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_policy_change_keeps_the_last_good_set() {
    let dir = scratch_dir();
    let policy = dir.join("policy.rego");
    std::fs::write(
        &policy,
        "package main\n\ndeny contains \"no pods\" if input.kind == \"Pod\"\n",
    )
    .unwrap();
    let path = policy.display().to_string();
    let webhook = Webhook::start(&["-p", &path]).await;
    let before = webhook.review("pod-create.json").await;
    assert!(
        before["status"]["message"]
            .as_str()
            .unwrap()
            .contains("no pods")
    );

    std::fs::write(&policy, "package main\n\ndeny contains \"broken\" if {\n").unwrap();
    let mut logged = false;
    for _ in 0..300 {
        logged = webhook
            .log
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.contains("policies failed to load") && l.contains("policy.rego:"));
        if logged {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(logged, "the bad change is logged with its position");
    let during = webhook.review("pod-create.json").await;
    assert!(
        during["status"]["message"]
            .as_str()
            .unwrap()
            .contains("no pods"),
        "{during}"
    );

    std::fs::write(
        &policy,
        "package main\n\ndeny contains \"still no pods\" if input.kind == \"Pod\"\n",
    )
    .unwrap();
    let mut message = String::new();
    for _ in 0..300 {
        message = webhook.review("pod-create.json").await["status"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if message.contains("still no pods") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(message.contains("still no pods"), "{message}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_stops_gracefully() {
    let mut webhook = Webhook::start(&[]).await;
    let pid = webhook.child.id().to_string();
    let status = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(status.success());
    let exit = webhook.child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    let log = webhook.log.lock().unwrap().join("\n");
    assert!(log.contains("\"in_flight_finished\":true"), "{log}");
}

#[test]
fn the_manifests_pass_guard_check() {
    for flags in [
        &[][..],
        &["--cert-manager", "--failure-policy", "ignore"][..],
    ] {
        let manifests = guard(&[&["webhook", "manifests"][..], flags].concat());
        manifests.expect_code(0);
        let dir = scratch_dir();
        let file = dir.join("guard.yaml");
        std::fs::write(&file, &manifests.stdout).unwrap();
        let check = guard(&[
            "check",
            "--profile",
            "all",
            "--format",
            "json",
            &file.display().to_string(),
        ]);
        check.expect_code(0);
        assert_eq!(check.json()["summary"]["findings"], 0, "{}", check.stdout);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
