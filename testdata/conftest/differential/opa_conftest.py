"""conftest's evaluation, on OPA itself: writes opa.golden, what OPA gives for
the policy set beside this file over a corpus, for tests/conftest.rs to hold
guard to.

    python3 opa_conftest.py OPA_BINDINGS_DIR CORPUS_DIR > opa.golden

OPA_BINDINGS_DIR holds `opa_bindings` from the `opa-golib-python-bindings`
wheel (OPA v1.20.2 as a Go c-shared library; the wheel says Python 3.14, but
its ctypes layer runs on 3.11): `pip download opa-golib-python-bindings
--python-version 3.14 --only-binary=:all: --no-deps` and unzip it.

It does what conftest's engine does (policy/engine.go, `check`): every
`.rego` file below policy/ except tests, data/ merged into `data`, every
namespace (`--all-namespaces`), each YAML document one input, per file
`data.conftest.file.{name,dir}`; per rule first the exception query
`data.<ns>.exception[_][_] == "<name>"` (each binding one exception, the
rule's results then dropped), else the rule's results, strings or objects
with `msg`. YAML is read as conftest reads it (YAML 1.1 scalars; timestamps
stay strings). Output: one sorted line per result,
`file<TAB>kind/name<TAB>rule<TAB>severity<TAB>message`, then
`exceptions<TAB>N`.
"""

import json
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
FAILURE = re.compile(r"^(deny|violation)(_[a-zA-Z0-9]+)*$")
WARNING = re.compile(r"^warn(_[a-zA-Z0-9]+)*$")


class Loader(yaml.SafeLoader):
    """YAML 1.1 as go-yaml reads it into JSON: timestamps are strings."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def files_below(root, extensions):
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if not name.startswith(".") and name.rsplit(".", 1)[-1] in extensions:
                found.append(os.path.join(dirpath, name))
    return sorted(found)


def documents(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if path.endswith(".json"):
        return [json.loads(text)]
    return [doc for doc in yaml.load_all(text, Loader=Loader) if doc is not None]


def rules_by_namespace(policies):
    """conftest reads rule names from the parsed modules; heads start a line."""
    namespaces = {}
    for path in policies:
        with open(path, encoding="utf-8") as f:
            source = f.read()
        package = re.search(r"^package\s+([\w.]+)", source, re.M).group(1)
        names = namespaces.setdefault(package, [])
        for name in re.findall(r"^([a-z_][a-zA-Z0-9_]*)\b", source, re.M):
            if name not in names and name not in ("package", "import"):
                names.append(name)
    return namespaces


def exception_name(rule):
    if rule in ("deny", "violation", "warn"):
        return ""
    return re.sub(r"^(violation_|deny_|warn_)", "", rule)


def main():
    sys.path.insert(0, sys.argv[1])
    from opa_bindings import OpaEngine
    from opa_bindings.engine import OpaUndefinedError

    corpus = sys.argv[2]
    policies = files_below(os.path.join(HERE, "policy"), {"rego"})
    namespaces = rules_by_namespace(policies)
    data = {}
    for path in files_below(os.path.join(HERE, "data"), {"yaml", "yml", "json"}):
        for doc in documents(path):
            data.update(doc)

    lines = []
    exceptions = 0
    for path in files_below(corpus, {"yaml", "yml", "json"}):
        absolute = os.path.abspath(path)
        engine = OpaEngine()
        for policy in policies:
            with open(policy, encoding="utf-8") as f:
                engine.add_policy(policy, f.read())
        engine.add_data(data)
        engine.add_data(
            {"file": {"name": os.path.basename(absolute), "dir": os.path.dirname(absolute)}},
            "conftest",
        )
        relative = os.path.relpath(path, corpus)
        for doc in documents(path):
            meta = doc.get("metadata") if isinstance(doc, dict) else None
            meta = meta if isinstance(meta, dict) else {}
            kind = doc.get("kind", "") if isinstance(doc, dict) else ""
            name = meta.get("name") or meta.get("generateName") or ""
            for namespace, names in namespaces.items():
                for rule in names:
                    if FAILURE.match(rule):
                        severity = "error"
                    elif WARNING.match(rule):
                        severity = "warning"
                    else:
                        continue
                    query = f'data.{namespace}.exception[_][_] == "{exception_name(rule)}"'
                    exempt = len(engine.eval_query(query, input=doc))
                    if exempt:
                        exceptions += exempt
                        continue
                    try:
                        results = engine.eval_document(f"{namespace}.{rule}", input=doc)
                    except OpaUndefinedError:
                        continue
                    for result in results if isinstance(results, list) else []:
                        message = result.get("msg") if isinstance(result, dict) else result
                        if isinstance(message, str):
                            lines.append(
                                f"{relative}\t{kind}/{name}\t{namespace}.{rule}\t{severity}\t{message}"
                            )
        engine.close()
    for line in sorted(lines):
        print(line)
    print(f"exceptions\t{exceptions}")


if __name__ == "__main__":
    main()
