#!/usr/bin/env python3
"""What libyaml reads from YAML streams, as kubectl would load them.

The reference side of tests/yaml_libyaml.rs. Parsing is PyYAML's CSafeLoader,
which is libyaml (the C library that kubectl's go-yaml was ported from).
PyYAML's own scalar resolution and construction differ from go-yaml v2 and
sigs.k8s.io/yaml, which decide what kubectl loads; each difference is undone
below, where it is handled, so that what remains to compare is libyaml's
reading of the text.

Input (stdin): JSON {"texts": {name: text}, "paths": [path]}.
Output (stdout): JSON {name or path: {"documents": [value], "errors":
[{"line": L, "column": C, "message": M}]}}, lines and columns 1-based. After
an error, reading resumes at the first `---` line from the error's line on
(at least one line past the start of the failed part), as guard's loader
does, so documents after a broken one are compared too; after a character
libyaml's reader refuses, the documents before it are read on their own. Documents that are
null (empty ones) are left out, as guard leaves them out.
"""

import json
import re
import sys

import yaml

# go-yaml v2 reads a plain scalar as an integer when, without its
# underscores, Go's strconv.ParseInt(s, 0, 64) (or ParseUint) accepts it,
# and as a float when it matches this pattern.
GO_INT = re.compile(r"[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)\Z")
GO_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")

GO_INT_TAG = "tag:guard.test,go-yaml:int"
GO_FLOAT_TAG = "tag:guard.test,go-yaml:float"
GO_BOOL_TAG = "tag:guard.test,go-yaml:bool"
PLAIN_TEXT_TAG = "tag:guard.test,go-yaml:text"


class KubectlReading(yaml.CSafeLoader):
    """libyaml's parse, with go-yaml v2's YAML 1.1 resolution."""

    def resolve(self, kind, value, implicit):
        tag = super().resolve(kind, value, implicit)
        if kind is not yaml.ScalarNode or not implicit[0]:
            return tag
        # Difference 1: go-yaml v2's YAML 1.1 booleans include y/Y/n/N;
        # PyYAML's leave them out.
        if value in ("y", "Y", "n", "N"):
            return GO_BOOL_TAG
        # Difference 2: base-60 numbers (`1:30`) are YAML 1.1 for PyYAML and
        # strings for go-yaml.
        if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and ":" in value:
            return PLAIN_TEXT_TAG
        # Difference 3: `.inf` and `.nan` are floats for both, but JSON cannot
        # hold them, and guard keeps them as strings.
        if tag == "tag:yaml.org,2002:float" and value.lstrip("+-").lower() in (".inf", ".nan"):
            return PLAIN_TEXT_TAG
        # Difference 4: `=` is YAML 1.1's value key for PyYAML, a tag it
        # cannot construct; go-yaml reads it as a string.
        if tag == "tag:yaml.org,2002:value":
            return PLAIN_TEXT_TAG
        # Difference 5: numbers go-yaml reads and PyYAML's patterns do not:
        # `1e3`, `1.5e3` (no sign in the exponent), `-.5`, `0o17`, `09`.
        # go-yaml looks for a number only in scalars that start like one.
        if tag == "tag:yaml.org,2002:str" and value[:1] in tuple("+-.0123456789"):
            digits = value.replace("_", "")
            if GO_INT.match(digits):
                return GO_INT_TAG
            if GO_FLOAT.match(digits):
                return GO_FLOAT_TAG
        return tag


def go_int(loader, node):
    text = loader.construct_scalar(node).replace("_", "")
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("+-").lower()
    for prefix, base in (("0x", 16), ("0o", 8), ("0b", 2)):
        if body.startswith(prefix):
            return sign * int(body[2:], base)
    if len(body) > 1 and body.startswith("0"):
        return sign * int(body[1:], 8)
    return sign * int(body)


def go_float(loader, node):
    return float(loader.construct_scalar(node).replace("_", ""))


def go_bool(loader, node):
    text = loader.construct_scalar(node)
    if text in ("y", "Y", "n", "N"):
        return text in ("y", "Y")
    return yaml.constructor.SafeConstructor.construct_yaml_bool(loader, node)


def scalar_text(loader, node):
    return loader.construct_scalar(node)


def untagged(loader, suffix, node):
    """Difference 6: guard reads a node whose tag it does not know (`!x`,
    `!e!x` under a %TAG directive) as if it had no tag; PyYAML refuses tags
    it has no constructor for."""
    if isinstance(node, yaml.ScalarNode):
        plain = not node.style
        tag = loader.resolve(yaml.ScalarNode, node.value, (plain, not plain))
        return loader.yaml_constructors[tag](loader, node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)


KubectlReading.add_constructor(GO_INT_TAG, go_int)
KubectlReading.add_constructor(GO_FLOAT_TAG, go_float)
KubectlReading.add_constructor(GO_BOOL_TAG, go_bool)
KubectlReading.add_constructor("tag:yaml.org,2002:bool", go_bool)
KubectlReading.add_constructor(PLAIN_TEXT_TAG, scalar_text)
# Difference 7: timestamps (`2024-01-02`, implicit or `!!timestamp`) are
# datetimes for PyYAML; kubectl's manifests keep them as the text written
# (sigs.k8s.io/yaml turns them back into strings), and so does guard.
KubectlReading.add_constructor("tag:yaml.org,2002:timestamp", scalar_text)
# Difference 8: `!!binary` is bytes for PyYAML; guard keeps the base64 text,
# as a Secret's `data` is read.
KubectlReading.add_constructor("tag:yaml.org,2002:binary", scalar_text)
KubectlReading.add_multi_constructor(None, untagged)
# Difference 9: a plain `<<` that is not a mapping key (`a: <<`) keeps
# PyYAML's merge tag, which it cannot construct; go-yaml reads a string.
KubectlReading.add_constructor("tag:yaml.org,2002:merge", scalar_text)


def json_key(key):
    """Difference 10: sigs.k8s.io/yaml makes every mapping key a string
    (`1: a` is the key "1", `true: a` the key "true"); PyYAML keeps the type."""
    if isinstance(key, str):
        return key
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, float) and key.is_integer() and abs(key) < 2**53:
        return str(int(key))
    return str(json_value(key))


def json_value(value):
    if isinstance(value, dict):
        return {json_key(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_value(v) for v in value]
    # Difference 11: integers past 64 bits are floats for go-yaml (after
    # ParseInt and ParseUint fail) and arbitrary-precision ints for Python.
    if isinstance(value, int) and not isinstance(value, bool):
        if not -(2**63) <= value < 2**64:
            return float(value)
    return value


def position(data, error):
    """1-based line and column of a PyYAML error within `data`."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if mark is not None:
        return mark.line + 1, mark.column + 1
    # A reader error carries the byte offset of the character it refused.
    before = data[: getattr(error, "position", 0)].decode("utf-8", errors="replace")
    lines = before.split("\n")
    return len(lines), len(lines[-1]) + 1


def is_document_marker(line):
    body = line.rstrip(b"\r\n")
    return body == b"---" or body.startswith(b"--- ") or body.startswith(b"---\t")


def next_document_marker(lines, start):
    for index in range(start, len(lines)):
        if is_document_marker(lines[index]):
            return index
    return None


def last_document_marker(lines, until):
    found = None
    for index in range(1, min(until + 1, len(lines))):
        if is_document_marker(lines[index]):
            found = index
    return found


def read(data, line_offset=0):
    documents = []
    errors = []
    # Each failed pass moves on by at least one line, so this ends.
    while True:
        parsed_before = len(documents)
        try:
            for document in yaml.load_all(data, Loader=KubectlReading):
                if document is not None:
                    documents.append(json_value(document))
            break
        except yaml.YAMLError as error:
            line, column = position(data, error)
            lines = [line for line in re.split(b"(?<=\n)", data) if line]
            if isinstance(error, yaml.reader.ReaderError):
                # libyaml's reader checks characters ahead of its parser, so
                # the documents before the refused character are read again
                # on their own, as guard does.
                start = last_document_marker(lines, line - 1)
                if start is not None:
                    del documents[parsed_before:]
                    earlier = read(b"".join(lines[:start]), line_offset)
                    documents.extend(earlier["documents"])
                    errors.extend(earlier["errors"])
            errors.append({"line": line + line_offset, "column": column, "message": str(error)})
            marker = next_document_marker(lines, max(line - 1, 1))
            if marker is None:
                break
            data = b"".join(lines[marker:])
            line_offset += marker
    return {"documents": documents, "errors": errors}


def main():
    request = json.load(sys.stdin)
    readings = {}
    for name, text in request.get("texts", {}).items():
        readings[name] = read(text.encode("utf-8"))
    for path in request.get("paths", []):
        with open(path, "rb") as file:
            readings[path] = read(file.read())
    json.dump(readings, sys.stdout)


if __name__ == "__main__":
    main()
