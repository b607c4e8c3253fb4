#!/usr/bin/env python3
"""The op table (`hoshitori ops --json`, api/op_table.hpp) against what is written from it.

  check_ops.py HOSHITORI readme README.md [--write]
      README's operation reference (between <!-- ops:begin --> and <!-- ops:end -->) must
      be the one rendered from the table; --write puts it there.
  check_ops.py HOSHITORI openapi schemas/openapi.yaml
      Every path and method in openapi.yaml is a route of the server and every route is in
      openapi.yaml; for a route of an op: its {path} parameters are the op's required
      arguments, its query parameters and body properties are the op's other arguments
      (but "actor", which X-Hoshitori-User fills, named by the operation exactly when the
      op takes an actor), and the body's required keys are the op's required ones.

Fails naming each disagreement. Run with Debian's /usr/bin/python3 (python3-yaml).
"""
import json
import re
import subprocess
import sys

import yaml

BEGIN, END = "<!-- ops:begin -->", "<!-- ops:end -->"


def table(binary):
    return json.loads(subprocess.run([binary, "ops", "--json"], check=True, capture_output=True).stdout)


def markdown(doc):
    lines = ["| op | arguments (`*` required) | | role | REST route |", "|---|---|---|---|---|"]
    for op in doc["ops"]:
        args = ", ".join("`%s`%s %s" % (a["key"], "\\*" if a["required"] else "", a["type"]) for a in op["args"])
        rest = "`%s %s`" % (op["rest"]["method"], op["rest"]["path"]) if op["rest"] else ""
        lines.append("| `%s` — %s | %s | %s | %s | %s |" % (op["name"], op["summary"], args, op["access"], op["role"],
                                                            rest))
    return "\n".join(lines) + "\n"


def check_readme(doc, path, write):
    text = open(path, encoding="utf-8").read()
    if text.count(BEGIN) != 1 or text.count(END) != 1:
        return ["%s: needs one %s and one %s around the operation reference" % (path, BEGIN, END)]
    head, rest = text.split(BEGIN)
    old, tail = rest.split(END)
    new = "\n" + markdown(doc)
    if old == new:
        return []
    if write:
        open(path, "w", encoding="utf-8").write(head + BEGIN + new + END + tail)
        print("%s: operation reference written" % path)
        return []
    olds, news = old.strip("\n").split("\n"), new.strip("\n").split("\n")
    diff = [l for l in news if l not in olds][:3] + ["(README has) " + l for l in olds if l not in news][:3]
    return ["%s: the operation reference differs from `hoshitori ops --json` (run: %s %s readme %s --write):\n  %s" %
            (path, sys.argv[0], sys.argv[1], path, "\n  ".join(diff))]


def check_openapi(doc, path):
    spec = yaml.safe_load(open(path, encoding="utf-8"))
    schemas, params = spec["components"]["schemas"], spec["components"]["parameters"]

    def resolve(node):
        while isinstance(node, dict) and "$ref" in node:
            kind, name = node["$ref"].split("/")[-2:]
            node = (schemas if kind == "schemas" else params)[name]
        return node

    ops = {op["name"]: op for op in doc["ops"]}
    routes = {(r["method"], r["path"]): r["op"] for r in doc["routes"]}
    problems = []
    seen = set()
    for p, item in spec["paths"].items():
        shared = [resolve(x) for x in item.get("parameters", [])]
        for method, operation in item.items():
            if method == "parameters":
                continue
            where = "%s %s (openapi.yaml)" % (method.upper(), p)
            key = (method.upper(), p)
            seen.add(key)
            if key not in routes:
                problems.append("%s: no such route in the server" % where)
                continue
            name = routes[key]
            if name is None:
                continue
            op = ops[name]
            where += " → op %s" % name
            given = shared + [resolve(x) for x in operation.get("parameters", [])]
            in_path = {x["name"] for x in given if x["in"] == "path"}
            in_query = {x["name"] for x in given if x["in"] == "query"}
            header_user = any(x["in"] == "header" and x["name"] == "X-Hoshitori-User" for x in given)
            templated = set(re.findall(r"\{(\w+)\}", p))
            args = {a["key"]: a for a in op["args"]}
            required = {k for k, a in args.items() if a["required"]}
            if in_path != templated:
                problems.append("%s: path parameters %s, the path names %s" % (where, sorted(in_path), sorted(templated)))
            for k in sorted(templated - required):
                problems.append("%s: {%s} is not a required argument of the op" % (where, k))
            if header_user != ("actor" in args):
                problems.append("%s: X-Hoshitori-User %s, the op %s an actor" %
                                (where, "named" if header_user else "not named", "takes" if "actor" in args else
                                 "takes no"))
            others = {k for k in args if k not in templated and k != "actor"}
            kind = op["rest"]["args"]
            body = resolve(operation.get("requestBody", {}).get("content", {}).get("application/json", {})
                           .get("schema", {}))
            if kind == "own":  # its own handler: what it takes must still be the op's
                for k in sorted(in_query - set(args)):
                    problems.append("%s: query parameter %s is no argument of the op" % (where, k))
                continue
            if kind == "query":
                if in_query != others:
                    problems.append("%s: query parameters %s, the op takes %s" % (where, sorted(in_query),
                                                                                sorted(others)))
            elif in_query:
                problems.append("%s: query parameters %s, the route reads none" % (where, sorted(in_query)))
            if kind in ("body", "body_or_empty"):
                props = set(resolve(body).get("properties", {}))
                if props != others:
                    problems.append("%s: body properties %s, the op takes %s" % (where, sorted(props), sorted(others)))
                if set(body.get("required", [])) != required & others:
                    problems.append("%s: body requires %s, the op %s" % (where, sorted(body.get("required", [])),
                                                                        sorted(required & others)))
                if bool(operation.get("requestBody", {}).get("required")) != (kind == "body"):
                    problems.append("%s: requestBody.required must be %s" % (where, kind == "body"))
            elif body:
                problems.append("%s: a request body, the route reads none" % where)
    for key, name in sorted(routes.items()):
        if key not in seen:
            problems.append("%s %s%s: a route of the server that openapi.yaml does not describe" %
                            (key[0], key[1], " (op %s)" % name if name else ""))
    for op in doc["ops"]:
        if op["rest"] and (op["rest"]["method"], op["rest"]["path"]) not in seen:
            problems.append("op %s: its route %s %s is not in openapi.yaml" % (op["name"], op["rest"]["method"],
                                                                               op["rest"]["path"]))
    return problems


def main():
    if len(sys.argv) < 4 or sys.argv[2] not in ("readme", "openapi"):
        sys.exit(__doc__)
    doc = table(sys.argv[1])
    if sys.argv[2] == "readme":
        problems = check_readme(doc, sys.argv[3], "--write" in sys.argv[4:])
    else:
        problems = check_openapi(doc, sys.argv[3])
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        sys.exit(1)
    print("%d ops, %d routes: %s agrees" % (len(doc["ops"]), len(doc["routes"]), sys.argv[3]))


if __name__ == "__main__":
    main()
