//! Faults a test can inject: a Status error for requests to a path prefix or
//! a resource, once, a few times or always.

use super::status::{self, Failure, Target};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultStatus {
    Forbidden,
    NotFound,
    /// 410 Expired, worded as for a stale continue token.
    Gone,
    TooManyRequests {
        retry_after: u64,
    },
    InternalError,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Scope {
    PathPrefix(String),
    /// A resource's plural name (`pods`), in any group, any namespace.
    Resource(String),
}

/// One injected fault. Build with a status constructor, aim it with
/// `at_path` or `for_resource`, and bound it with `times`.
#[derive(Debug, Clone)]
pub struct Fault {
    status: FaultStatus,
    scope: Scope,
    /// How many more requests it hits; None for always.
    remaining: Option<u32>,
    /// Whether it hits only the later pages of a list (requests carrying a
    /// continue token), as an expired token does.
    continued_only: bool,
}

impl Fault {
    fn new(status: FaultStatus) -> Fault {
        Fault {
            status,
            scope: Scope::PathPrefix("/".to_string()),
            remaining: None,
            continued_only: false,
        }
    }

    pub fn forbidden() -> Fault {
        Fault::new(FaultStatus::Forbidden)
    }

    pub fn not_found() -> Fault {
        Fault::new(FaultStatus::NotFound)
    }

    pub fn gone() -> Fault {
        Fault::new(FaultStatus::Gone)
    }

    pub fn too_many_requests(retry_after: u64) -> Fault {
        Fault::new(FaultStatus::TooManyRequests { retry_after })
    }

    pub fn internal_error() -> Fault {
        Fault::new(FaultStatus::InternalError)
    }

    /// Requests whose path (without the query) starts with `prefix`.
    pub fn at_path(mut self, prefix: &str) -> Fault {
        self.scope = Scope::PathPrefix(prefix.to_string());
        self
    }

    /// Requests for a resource, by plural name, wherever it is.
    pub fn for_resource(mut self, plural: &str) -> Fault {
        self.scope = Scope::Resource(plural.to_string());
        self
    }

    /// Hits only requests for a list's later pages.
    pub fn on_continued_pages(mut self) -> Fault {
        self.continued_only = true;
        self
    }

    pub fn once(self) -> Fault {
        self.times(1)
    }

    pub fn times(mut self, count: u32) -> Fault {
        self.remaining = Some(count);
        self
    }

    fn applies(&self, path: &str, target: Option<&Target>, continued: bool) -> bool {
        let scoped = match &self.scope {
            Scope::PathPrefix(prefix) => path.starts_with(prefix.as_str()),
            Scope::Resource(plural) => target.is_some_and(|t| &t.plural == plural),
        };
        scoped && self.remaining != Some(0) && (continued || !self.continued_only)
    }

    fn failure(&self, target: &Target, user: &str, verb: &str) -> Failure {
        match self.status {
            FaultStatus::Forbidden => status::forbidden(target, user, verb),
            FaultStatus::NotFound => status::not_found(target),
            FaultStatus::Gone => status::expired_continue(),
            FaultStatus::TooManyRequests { retry_after } => status::too_many_requests(retry_after),
            FaultStatus::InternalError => status::internal_error("etcdserver: request timed out"),
        }
    }
}

/// The first fault that hits this request, used up by one if it is bounded.
pub fn take(
    faults: &mut [Fault],
    path: &str,
    target: Option<&Target>,
    user: &str,
    verb: &str,
    continued: bool,
) -> Option<Failure> {
    let fault = faults
        .iter_mut()
        .find(|f| f.applies(path, target, continued))?;
    if let Some(remaining) = &mut fault.remaining {
        *remaining -= 1;
    }
    let fallback = Target {
        qualified: path.to_string(),
        ..Target::default()
    };
    Some(fault.failure(target.unwrap_or(&fallback), user, verb))
}
