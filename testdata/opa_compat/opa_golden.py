"""What OPA itself gives for the rules beside this file: writes opa.golden.json,
which tests/opa_compat.rs holds guard to.

    python3 opa_golden.py OPA_BINDINGS_DIR > opa.golden.json

OPA_BINDINGS_DIR holds `opa_bindings` from the `opa-golib-python-bindings`
wheel (OPA v1.20.2 as a Go c-shared library; see
../conftest/differential/opa_conftest.py for how to get it).

Each `NAME.rego` is loaded alone, with `NAME.input.json` as input. Every rule
whose name starts with `t_` at the start of a line is evaluated; the golden
records, per file, the values of the defined ones and the names of the
undefined ones.
"""

import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    sys.path.insert(0, sys.argv[1])
    from opa_bindings import OpaEngine
    from opa_bindings.engine import OpaUndefinedError

    golden = {}
    for name in sorted(os.listdir(HERE)):
        if not name.endswith(".rego"):
            continue
        with open(os.path.join(HERE, name), encoding="utf-8") as f:
            source = f.read()
        package = re.search(r"^package\s+([\w.]+)", source, re.M).group(1)
        rules = sorted(set(re.findall(r"^(t_\w+)", source, re.M)))
        input_path = os.path.join(HERE, name[: -len(".rego")] + ".input.json")
        document = None
        if os.path.exists(input_path):
            with open(input_path, encoding="utf-8") as f:
                document = json.load(f)
        engine = OpaEngine()
        engine.add_policy(name, source)
        defined, undefined = {}, []
        for rule in rules:
            try:
                defined[rule] = engine.eval_document(f"{package}.{rule}", input=document)
            except OpaUndefinedError:
                undefined.append(rule)
        engine.close()
        golden[name] = {"package": package, "defined": defined, "undefined": undefined}
    json.dump(golden, sys.stdout, indent=1, ensure_ascii=False, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
