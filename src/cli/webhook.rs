//! `guard webhook`: flags to the library's webhook options, and the tokio
//! runtime, built here only so no other command waits on one.

use super::check::RuleFlags;
use super::{print_diagnostic, print_out, usage};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use guard::engine::{BlueprintInput, ConfigChoice, Guard, Options, PolicyOptions, Settings};
use guard::webhook::manifests::{self, ManifestOptions};
use guard::webhook::server::Loader;
use guard::webhook::{Admission, Enforcement, FailurePolicy};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct WebhookArgs {
    #[command(subcommand)]
    command: Option<WebhookCommand>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(clap::Subcommand)]
enum WebhookCommand {
    /// Print what a cluster needs to run the webhook: Namespace,
    /// ServiceAccount, Deployment, PodDisruptionBudget, Service and
    /// ValidatingWebhookConfiguration (and cert-manager's Issuer and
    /// Certificate with --cert-manager); they pass `guard check`.
    Manifests(ManifestArgs),
}

#[derive(clap::Args)]
struct ManifestArgs {
    /// The namespace guard runs in (exempt from its own review).
    #[arg(long, default_value = "guard-system")]
    namespace: String,
    /// Add a cert-manager self-signed Issuer and a Certificate for the
    /// Service, and have cert-manager inject its CA into the webhook configuration.
    #[arg(long)]
    cert_manager: bool,
    /// The guard image to run.
    #[arg(long, default_value = manifests::DEFAULT_IMAGE)]
    image: String,
    #[command(flatten)]
    admission: AdmissionFlags,
}

#[derive(clap::Args)]
struct AdmissionFlags {
    /// `deny`: error findings refuse the request; `warn`: audit only, every
    /// finding becomes a warning and is counted, nothing is refused.
    #[arg(long, default_value = "deny", value_parser = PossibleValuesParser::new(["deny", "warn"]).map(|v| if v == "warn" { Enforcement::Warn } else { Enforcement::Deny }))]
    enforcement: Enforcement,
    /// What a request whose evaluation fails or times out gets: `fail`
    /// refuses it (status 500), `ignore` allows it with a warning. The
    /// generated webhook configuration's failurePolicy says the same.
    #[arg(long, default_value = "fail", value_parser = PossibleValuesParser::new(["fail", "ignore"]).map(|v| if v == "ignore" { FailurePolicy::Ignore } else { FailurePolicy::Fail }))]
    failure_policy: FailurePolicy,
}

#[derive(clap::Args)]
struct ServeArgs {
    /// The serving certificate chain, PEM; reloaded when it changes.
    #[arg(long, value_name = "FILE")]
    tls_cert: Option<PathBuf>,
    /// The certificate's private key, PEM; reloaded with it.
    #[arg(long, value_name = "FILE")]
    tls_key: Option<PathBuf>,
    #[arg(long, default_value = "0.0.0.0:8443")]
    addr: SocketAddr,
    /// A directory (or file) of conftest Rego policies and Gatekeeper
    /// objects; repeatable; reloaded on change.
    #[arg(long, short = 'p', value_name = "DIR")]
    policy: Vec<PathBuf>,
    /// JSON/YAML files merged into `data` for the policies; repeatable.
    #[arg(long, short = 'd', value_name = "DIR")]
    data: Vec<PathBuf>,
    #[command(flatten)]
    rules: RuleFlags,
    #[command(flatten)]
    admission: AdmissionFlags,
    /// Namespaces never reviewed; repeatable [default: kube-system guard-system].
    #[arg(long, value_name = "NS")]
    exempt_namespace: Vec<String>,
    /// Users never reviewed (as the API server names them); repeatable.
    #[arg(long, value_name = "USER")]
    exempt_user: Vec<String>,
    /// Groups whose members are never reviewed; repeatable.
    #[arg(long, value_name = "GROUP")]
    exempt_group: Vec<String>,
    /// The longest one review's evaluation may run, in milliseconds; past
    /// it, --failure-policy answers.
    #[arg(long, default_value_t = 1000, value_name = "MS")]
    evaluation_timeout_ms: u64,
    /// Reviews evaluated at once [default: twice the cores].
    #[arg(long, value_name = "N")]
    max_concurrent: Option<usize>,
    /// Reviews that may wait for a free slot; more are answered 503.
    #[arg(long, default_value_t = 256, value_name = "N")]
    max_queued: usize,
    /// How often certificate and policy files are checked for changes, in seconds.
    #[arg(long, default_value_t = 5, value_name = "SECONDS")]
    reload_interval: u64,
    /// How long requests in flight may take after SIGTERM, in seconds.
    #[arg(long, default_value_t = 20, value_name = "SECONDS")]
    shutdown_grace: u64,
}

pub fn run(args: WebhookArgs) -> u8 {
    match args.command {
        Some(WebhookCommand::Manifests(manifest)) => {
            let options = ManifestOptions {
                namespace: manifest.namespace,
                cert_manager: manifest.cert_manager,
                image: manifest.image,
                failure_policy: manifest.admission.failure_policy,
                enforcement: manifest.admission.enforcement,
            };
            print_out(&manifests::render(&options))
        }
        None => serve(args.serve),
    }
}

fn serve(args: ServeArgs) -> u8 {
    let (Some(tls_cert), Some(tls_key)) = (args.tls_cert.clone(), args.tls_key.clone()) else {
        return usage("guard webhook needs --tls-cert FILE and --tls-key FILE");
    };
    let options = policy_options(&args);
    // A bad start is reported at once; later bad changes keep the last good set.
    if let Err(error) = Settings::resolve(&options).and_then(Guard::new) {
        return print_diagnostic(&error);
    }
    let loader: Loader = Arc::new(move || Settings::resolve(&options).and_then(Guard::new));
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    let max_concurrent = args.max_concurrent.unwrap_or(cores * 2).max(1);
    let mut watched: Vec<PathBuf> = args.policy.iter().chain(&args.data).cloned().collect();
    watched.extend(args.rules.blueprint.iter().cloned());
    watched.extend(args.rules.config.iter().cloned());
    let exempt_namespaces = if args.exempt_namespace.is_empty() {
        vec!["kube-system".to_string(), "guard-system".to_string()]
    } else {
        args.exempt_namespace
    };
    let server = guard::webhook::Options {
        addr: args.addr,
        tls_cert,
        tls_key,
        admission: Admission {
            enforcement: args.admission.enforcement,
            failure_policy: args.admission.failure_policy,
            exempt_namespaces,
            exempt_users: args.exempt_user,
            exempt_groups: args.exempt_group,
        },
        evaluation_timeout: Duration::from_millis(args.evaluation_timeout_ms.max(1)),
        max_concurrent,
        max_queued: args.max_queued,
        reload_interval: Duration::from_secs(args.reload_interval.max(1)),
        watched,
        shutdown_grace: Duration::from_secs(args.shutdown_grace),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores)
        .max_blocking_threads(max_concurrent + 4)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return usage(format_args!("cannot start the runtime: {error}")),
    };
    match runtime.block_on(guard::webhook::serve(server, loader, terminated())) {
        Ok(()) => super::exit::OK,
        Err(error) => usage(error),
    }
}

/// SIGTERM (what the kubelet sends) or Ctrl-C.
async fn terminated() {
    let interrupt = tokio::signal::ctrl_c();
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = interrupt => {}
            }
        }
        Err(_) => {
            let _ = interrupt.await;
        }
    }
}

fn policy_options(args: &ServeArgs) -> Options {
    let rules = &args.rules;
    Options {
        base_dir: PathBuf::from("."),
        config: rules
            .config
            .clone()
            .map_or(ConfigChoice::Discover, ConfigChoice::File),
        profile: rules.profile,
        blueprint: rules.blueprint.clone().map(BlueprintInput::File),
        kubernetes_version: rules.kubernetes_version.clone(),
        policies: PolicyOptions {
            paths: args.policy.clone(),
            data: args.data.clone(),
            ..PolicyOptions::default()
        },
        ..Options::default()
    }
}
