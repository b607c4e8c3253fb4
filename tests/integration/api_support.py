#!/usr/bin/env python3
"""Shared pieces of the REST API suites: a real `hoshitori serve` process on a free
loopback port (stopped by PID), an HTTP client that keeps status, headers and body, and a
validator that checks every answer against schemas/openapi.yaml.

Run with Debian's /usr/bin/python3 (python3-yaml, python3-jsonschema from apt).
"""
import json
import re
import select
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import jsonschema
import yaml

import cli_support


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8")

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    @property
    def content_type(self):
        return (self.headers.get("Content-Type") or "").split(";")[0].strip()

    def __repr__(self):
        return "HTTP %d %s %s" % (self.status, self.content_type, self.body[:600].decode("utf-8", "replace"))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a test sees the 303 itself


_OPENER = urllib.request.build_opener(_NoRedirect)


class Server:
    """`hoshitori --db DB serve --listen 127.0.0.1:0`, the URL read from its first line."""

    def __init__(self, db, *extra_args, pre=()):
        env = cli_support.env()
        self.proc = subprocess.Popen([cli_support.BIN, "--db", db] + list(pre) + ["serve", "--listen", "127.0.0.1:0"] +
                                     list(extra_args),
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        ready, _, _ = select.select([self.proc.stdout], [], [], 30)
        if not ready:
            self.proc.kill()
            raise AssertionError("hoshitori serve printed nothing within 30 s")
        line = self.proc.stdout.readline().decode("utf-8")
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            self.proc.kill()
            raise AssertionError("hoshitori serve did not print its URL: %r %r" % (line, self.proc.stderr.read()))
        self.port = int(m.group(1))
        self.base = "http://127.0.0.1:%d" % self.port

    def stop(self):
        """SIGTERM by PID; the server must finish cleanly (exit 0)."""
        if not cli_support.terminate(self.proc):
            raise AssertionError("hoshitori serve did not stop within 20 s of SIGTERM")
        rest = self.proc.stdout.read().decode("utf-8")
        err = self.proc.stderr.read().decode("utf-8")
        self.proc.stdout.close()
        self.proc.stderr.close()
        return self.proc.returncode, rest, err

    def request(self, method, path, body=None, key=None, user=None, headers=None, raw=None):
        h = dict(headers or {})
        if key:
            h["Authorization"] = "Bearer " + key
        if user is not None:
            h["X-Hoshitori-User"] = user
        data = raw
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            h.setdefault("Content-Type", "application/json")
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=h)
        try:
            with _OPENER.open(req, timeout=60) as r:
                return Response(r.status, r.headers, r.read())
        except urllib.error.HTTPError as e:
            return Response(e.code, e.headers, e.read())


def quote(segment):
    return urllib.parse.quote(segment, safe="")


class OpenApi:
    """Validates answers against the document and remembers which operations were seen."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.doc = yaml.safe_load(f)
        self.resolver = jsonschema.RefResolver.from_schema(self.doc)
        self.routes = []  # (method, regex, template)
        for template, item in self.doc["paths"].items():
            rx = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
            for method in item:
                if method in ("get", "post", "patch", "put", "delete"):
                    self.routes.append((method.upper(), re.compile(rx), template))
        self.seen = set()

    def operations(self):
        return {(m, t) for m, _, t in self.routes}

    def find(self, method, path):
        path = path.split("?", 1)[0]
        for m, rx, t in self.routes:
            if m == method and rx.match(path):
                return t
        return None

    def check(self, method, path, resp):
        """The answer's status and body must be what the document promises for this route."""
        template = self.find(method, path)
        if template is None:
            raise AssertionError("%s %s is not in openapi.yaml" % (method, path))
        self.seen.add((method, template))
        op = self.doc["paths"][template][method.lower()]
        responses = op["responses"]
        spec = responses.get(str(resp.status)) or responses.get("default")
        if spec is None:
            raise AssertionError("%s %s answered %d, which openapi.yaml does not list" % (method, path, resp.status))
        if "$ref" in spec:
            spec = self.resolve(spec["$ref"])
        content = spec.get("content", {})
        if resp.content_type not in content:
            raise AssertionError("%s %s answered %s; openapi.yaml says %s" %
                                 (method, path, resp.content_type, sorted(content)))
        schema = content[resp.content_type].get("schema", {})
        if schema.get("format") == "binary":
            return resp.body  # bytes: the listed content type is all there is to check
        if resp.content_type.endswith("json") and resp.content_type != "application/jsonl":
            instance = resp.json()
        else:
            instance = resp.text
        validator = jsonschema.Draft202012Validator(schema, resolver=self.resolver,
                                                    format_checker=jsonschema.FormatChecker())
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
        if errors:
            e = errors[0]
            raise AssertionError("%s %s (%d) does not match openapi.yaml at %s: %s" %
                                 (method, path, resp.status, "/".join(map(str, e.absolute_path)), e.message))
        return instance

    def resolve(self, ref):
        node = self.doc
        for part in ref.lstrip("#/").split("/"):
            node = node[part]
        return node
