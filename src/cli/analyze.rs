//! `guard analyze`: flags to a snapshot (from the cluster or a directory),
//! then the library's analysis and the same report as `guard check`.

use super::check::{ReportFlags, RuleFlags, emit};
use super::print_diagnostic;
use guard::analyze::{Scope, analyze, logs_wanted};
use guard::cluster::{ANALYZED, Cluster, ConnectOptions, Namespaces, Progress, Resource, Snapshot};
use guard::core::Diagnostic;
use guard::engine::{BlueprintInput, ConfigChoice, Guard, Options, PolicyOptions, Settings};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(clap::Args)]
#[command(group = clap::ArgGroup::new("source").required(true).args(["cluster", "snapshot"]))]
pub struct AnalyzeArgs {
    /// Read the live cluster of the kubeconfig's current context (read-only:
    /// only GET requests, never a write or a dry-run).
    #[arg(long)]
    cluster: bool,
    /// Read a directory of `kubectl get -o json` output, or what `kubectl
    /// cluster-info dump --output-directory` wrote, instead of a cluster.
    #[arg(long, value_name = "DIR")]
    snapshot: Option<PathBuf>,
    /// Kubeconfig file [default: $KUBECONFIG, ~/.kube/config, then in-cluster].
    #[arg(long, value_name = "FILE")]
    kubeconfig: Option<PathBuf>,
    /// Kubeconfig context to use instead of the current one.
    #[arg(long, value_name = "NAME")]
    context: Option<String>,
    /// Analyse one namespace [default: the context's namespace with
    /// --cluster, every namespace with --snapshot].
    #[arg(
        long,
        short = 'n',
        value_name = "NS",
        conflicts_with = "all_namespaces"
    )]
    namespace: Option<String>,
    /// Analyse every namespace.
    #[arg(long, short = 'A')]
    all_namespaces: bool,
    /// Seconds to wait for each request to the API server.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    request_timeout: u64,
    /// Objects per list page, as kubectl's --chunk-size: smaller pages put
    /// less load on the API server per request.
    #[arg(long, value_name = "N", default_value_t = 500)]
    chunk_size: u32,
    #[command(flatten)]
    report: ReportFlags,
    #[command(flatten)]
    rules: RuleFlags,
    /// Only the analyzers (health, resource use, drift): no policy audit of
    /// the live objects, which costs the most on a large cluster.
    #[arg(long)]
    no_audit: bool,
    /// A directory (or file) of conftest Rego policies or Gatekeeper
    /// ConstraintTemplates and Constraints to audit the cluster with; repeatable.
    #[arg(long, short = 'p', value_name = "DIR")]
    policy: Vec<PathBuf>,
    /// JSON/YAML files merged into `data` for the policies; repeatable.
    #[arg(long, short = 'd', value_name = "DIR")]
    data: Vec<PathBuf>,
}

impl AnalyzeArgs {
    fn options(&self) -> Options {
        Options {
            base_dir: PathBuf::from("."),
            config: self
                .rules
                .config
                .clone()
                .map_or(ConfigChoice::Discover, ConfigChoice::File),
            profile: self.rules.profile,
            fail_on: self.report.fail_on,
            blueprint: self.rules.blueprint.clone().map(BlueprintInput::File),
            kubernetes_version: self.rules.kubernetes_version.clone(),
            no_bundled: false,
            policies: PolicyOptions {
                paths: self.policy.clone(),
                data: self.data.clone(),
                ..PolicyOptions::default()
            },
        }
    }
}

pub fn run(args: AnalyzeArgs) -> u8 {
    // The policies compile on this thread while the cluster is listed.
    let options = args.options();
    let (guard, snapshot) = std::thread::scope(|scope| {
        let compiled = scope.spawn(|| Settings::resolve(&options).and_then(Guard::new));
        let snapshot = read_snapshot(&args);
        let guard = compiled.join().unwrap_or_else(|_| {
            Err(Diagnostic::new(
                guard::core::Code::EvaluationFailed,
                "compiling the policies failed",
            ))
        });
        (guard, snapshot)
    });
    let (guard, (snapshot, scope)) = match (guard, snapshot) {
        (Ok(guard), Ok(snapshot)) => (guard, snapshot),
        (Err(error), _) | (_, Err(error)) => return print_diagnostic(&error),
    };
    let report = analyze(&guard, &snapshot, &scope);
    emit(&report, &args.report)
}

fn read_snapshot(args: &AnalyzeArgs) -> Result<(Snapshot, Scope), Diagnostic> {
    if let Some(dir) = &args.snapshot {
        let scope = Scope {
            namespace: args.namespace.clone(),
            no_audit: args.no_audit,
        };
        return Ok((Snapshot::load_dir(dir)?, scope));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| {
            Diagnostic::new(
                guard::core::Code::ClusterUnreachable,
                format!("cannot start the client: {e}"),
            )
        })?;
    runtime.block_on(async {
        let cluster = Cluster::connect(&ConnectOptions {
            kubeconfig: args.kubeconfig.clone(),
            context: args.context.clone(),
            timeout: Duration::from_secs(args.request_timeout.max(1)),
            page_size: args.chunk_size,
        })
        .await?;
        let namespaces = match (&args.namespace, args.all_namespaces) {
            (_, true) => Namespaces::All,
            (Some(ns), false) => Namespaces::One(ns.clone()),
            (None, false) => Namespaces::One(cluster.default_namespace().to_string()),
        };
        let scope = Scope {
            namespace: match &namespaces {
                Namespaces::One(ns) => Some(ns.clone()),
                Namespaces::All => None,
            },
            no_audit: args.no_audit,
        };
        let progress: Option<Arc<dyn Progress>> = std::io::stderr()
            .is_terminal()
            .then(|| Arc::new(Stderr) as Arc<dyn Progress>);
        let mut snapshot = cluster.snapshot(ANALYZED, &namespaces, progress).await?;
        let keys = logs_wanted(&snapshot, &scope);
        cluster.read_logs(&mut snapshot, keys).await;
        Ok((snapshot, scope))
    })
}

/// Progress on a terminal: one line per listed resource.
struct Stderr;

impl Progress for Stderr {
    fn listed(&self, resource: &Resource, count: usize) {
        eprintln!("listed {count} {}", resource.rbac_name());
    }
}
