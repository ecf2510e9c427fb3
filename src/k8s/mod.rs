//! What guard knows about Kubernetes itself, in one place: which kinds make
//! pods and where they keep the pod spec ([`workload`]), which kinds have no
//! namespace ([`scope`]), how label selectors pick objects ([`selector`]),
//! and the runtimes and engines a Blueprint names ([`runtime`]). The rules,
//! the Gatekeeper matcher, the Blueprint and the generator all read these,
//! so they cannot disagree.

pub mod runtime;
pub mod scope;
pub mod selector;
pub mod workload;
