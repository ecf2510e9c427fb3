//! Drift from the Blueprint in what runs: ready replicas and running
//! images. What the objects declare (replicas, images, ports, exposure,
//! storage) is held to the Blueprint by the spec rules in the policy audit,
//! as `guard check --blueprint` does; these read the status, which only a
//! live cluster has.

use super::fields::{int, labels, list, text};
use super::{Analyzer, Context};
use crate::blueprint::{Blueprint, Component, ComponentType, split_image};
use crate::core::{Finding, Location, Object, Related, Severity};

/// The workloads that run `component`: the serving kinds named by it, or
/// whose pods carry its name as `app.kubernetes.io/name` or `app`.
fn workloads_of<'a>(
    context: &Context<'a>,
    blueprint: &Blueprint,
    component: &Component,
) -> Vec<&'a Object> {
    let namespace = blueprint.facts().namespace.as_deref();
    let mut found = Vec::new();
    for kind in ["Deployment", "StatefulSet"] {
        for object in context.objects(kind) {
            if namespace.is_some_and(|ns| object.id.namespace.as_deref() != Some(ns)) {
                continue;
            }
            let named = object.id.name.as_deref() == Some(component.name.as_str());
            let labelled = [
                &object.value["metadata"],
                &object.value["spec"]["template"]["metadata"],
            ]
            .into_iter()
            .flat_map(labels)
            .any(|(k, v)| (k == "app.kubernetes.io/name" || k == "app") && v == component.name);
            if named || labelled {
                found.push(object);
            }
        }
    }
    found
}

/// Where the Blueprint states `fact` of `component`.
fn spec_location(blueprint: &Blueprint, component: &Component, fact: &str) -> Option<Location> {
    let path = component.source.get(fact)?;
    let segments = path.segments();
    let pos = blueprint.position(&segments);
    Some(Location {
        file: blueprint.file().clone(),
        line: pos.line,
        column: pos.column,
        path: crate::source::DottedPath(&segments).to_string(),
    })
}

fn serving(component: &Component) -> bool {
    component.kind != ComponentType::Job
}

pub static REPLICAS_BELOW_SPEC: Analyzer = Analyzer {
    id: "GRD780",
    title: "Fewer ready replicas than the Blueprint states",
    severity: Severity::Error,
    category: "drift",
    rationale: "The Blueprint states how many replicas a component runs; the cluster has fewer of them ready (scaled down by hand, a rollout that stalled, pods that crash). The system runs below the capacity and availability the spec promises.",
    fix: "Scale the workload to the Blueprint's replicas (`kubectl scale`), or fix the pods that are not ready (their findings are in this report); change the Blueprint if the number should change.",
    kinds: &["Deployment", "StatefulSet"],
    only_unexplained: false,
    run: |context, analyzer| {
        let Some(blueprint) = context.blueprint else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for component in blueprint.facts().components.iter().filter(|c| serving(c)) {
            let Some(stated) = component.replicas else {
                continue;
            };
            let stated = i64::try_from(stated).unwrap_or(i64::MAX);
            for workload in workloads_of(context, blueprint, component) {
                let desired = int(&workload.value["spec"]["replicas"]).unwrap_or(1);
                let ready = int(&workload.value["status"]["readyReplicas"]).unwrap_or(0);
                // A workload that asks for fewer is the spec rules' finding
                // (GRD603, in the audit); this one is about what runs.
                if ready >= stated || desired < stated {
                    continue;
                }
                let mut finding = context.finding(
                    analyzer,
                    workload,
                    format!(
                        "component {:?}: {ready} ready of {desired} desired replicas, the Blueprint states {stated}",
                        component.name
                    ),
                );
                finding.path = "spec.replicas".to_string();
                finding.spec_location = spec_location(blueprint, component, "replicas");
                out.push(finding);
            }
        }
        out
    },
};

pub static IMAGE_DIFFERS: Analyzer = Analyzer {
    id: "GRD781",
    title: "Running image differs from the Blueprint",
    severity: Severity::Warning,
    category: "drift",
    rationale: "The component's pods run an image other than the one the Blueprint names: a rollout to the stated image has not finished, or someone set the image by hand (`kubectl set image`).",
    fix: "Roll the workload out with the Blueprint's image (`guard pipeline --apply`), or change the Blueprint if the running image is the right one.",
    kinds: &["Deployment", "StatefulSet"],
    only_unexplained: false,
    run: |context, analyzer| {
        let Some(blueprint) = context.blueprint else {
            return Vec::new();
        };
        // Pods by their top owner, in one pass.
        let mut pods: std::collections::HashMap<&crate::core::ObjectRef, Vec<&Object>> =
            Default::default();
        for pod in context.objects("Pod") {
            pods.entry(&context.top_owner(pod).id)
                .or_default()
                .push(pod);
        }
        let mut out = Vec::new();
        for component in blueprint.facts().components.iter().filter(|c| serving(c)) {
            let Some(stated) = &component.image else {
                continue;
            };
            for workload in workloads_of(context, blueprint, component) {
                let mut differing: Vec<Related> = Vec::new();
                for pod in pods.get(&workload.id).into_iter().flatten() {
                    for status in list(&pod.value["status"]["containerStatuses"]) {
                        let Some(running) = text(&status["image"]) else {
                            continue;
                        };
                        let image = split_image(running);
                        let same_repository = image.repository == stated.repository;
                        if same_repository && (stated.tag.is_none() || image.tag == stated.tag) {
                            continue;
                        }
                        // A sidecar of another repository is not the component's image.
                        if !same_repository
                            && list(&pod.value["status"]["containerStatuses"]).len() > 1
                        {
                            continue;
                        }
                        differing.push(Related {
                            object: pod.id.clone(),
                            state: format!(
                                "container {} runs {running}",
                                text(&status["name"]).unwrap_or("?")
                            ),
                        });
                    }
                }
                if differing.is_empty() {
                    continue;
                }
                let mut finding: Finding = context.finding(
                    analyzer,
                    workload,
                    format!(
                        "component {:?}: {} pod(s) run another image than the Blueprint's {}",
                        component.name,
                        differing.len(),
                        stated.reference
                    ),
                );
                finding.spec_location = spec_location(blueprint, component, "image");
                if let Some(evidence) = finding.evidence.as_mut() {
                    evidence.related = differing;
                }
                out.push(finding);
            }
        }
        out
    },
};
