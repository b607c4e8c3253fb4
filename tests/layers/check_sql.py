#!/usr/bin/env python3
"""SQL lives in store/ only (issue 16): scans the C/C++ sources and fails naming file:line.

  check_sql.py ROOT            scans ROOT/plugin/src, ROOT/connectors and ROOT/cli, outside
                               plugin/src/store/, and first checks that the scan finds the
                               SQL and the database calls inside plugin/src/store/ (so an
                               empty answer means clean, not blind)
  check_sql.py --count DIR...  prints what it finds in DIR (for a look at one folder)

Found:
  - SQL in string literals (adjacent literals joined, as the compiler does): SELECT … FROM,
    INSERT INTO, UPDATE t SET, DELETE FROM, CREATE TABLE/INDEX, FROM t … WHERE;
  - the database APIs in code (comments and literals left out): soci::, sqlite3_*, PQ*( ,
    their headers, store's raw statement helpers (store/rows.hpp, store/sqlite_direct.hpp: (select_rows, select_one, for_each_row,
    for_each_named, store::execute, cached_statement, .session()));
  - Service::with_db (the raw connection) or a store::Database opened above the service
    layer (service/, importer/, mail/).
"""
import os
import re
import sys

EXTS = (".cpp", ".hpp", ".h", ".c", ".cc")
SQL = [re.compile(p) for p in (
    r"\bSELECT\b[\s\S]*\bFROM\b",
    r"\bINSERT\s+INTO\b",
    r"\bUPDATE\s+\w+\s+SET\b",
    r"\bDELETE\s+FROM\b",
    r"\bCREATE\s+(UNIQUE\s+)?(TABLE|INDEX)\b",
    r"\bFROM\s+\w+(\s+\w+)?\s+(WHERE|ORDER BY|JOIN|LEFT JOIN)\b",
)]
API = [re.compile(p) for p in (
    r"\bsoci::",
    r"\bsqlite3_\w+",
    r"\bPQ[a-z]\w*\s*\(",
    r"\b(select_rows|select_one|for_each_row|for_each_named|cached_statement)\s*\(",
    r"\bstore::execute\s*\(",
    r"\.session\s*\(\s*\)",
)]
SERVICE_LAYER = ("plugin/src/service/", "plugin/src/importer/", "plugin/src/mail/")  # as CMakeLists.txt
INCLUDE = re.compile(r"^\s*#\s*include\s*[<\"](soci/|sqlite3\.h|libpq-fe\.h|postgresql/|store/rows\.hpp|"
                     r"store/sqlite_direct\.hpp)")
WITH_DB = re.compile(r"\bwith_(read_)?db\s*\(")
OPENS_DB = re.compile(r"\bstore::Database\s+\w+\s*[({]")


def split(text):
    """(code with comments and literals blanked, [(line, literal text)]), lines kept."""
    code, literals = [], []
    i, n, line = 0, len(text), 1
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            code.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            chunk = text[i:j]
            code.append(re.sub(r"[^\n]", " ", chunk))
            line += chunk.count("\n")
            i = j
        elif c == "R" and text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            open_paren = text.find("(", i + 2)
            delim = text[i + 2:open_paren]
            close = text.find(")" + delim + '"', open_paren)
            close = n if close < 0 else close
            body = text[open_paren + 1:close]
            literals.append((line, body))
            end = min(n, close + len(delim) + 2)
            chunk = text[i:end]
            code.append(re.sub(r"[^\n]", " ", chunk))
            line += chunk.count("\n")
            i = end
        elif c == '"' or (c == "'" and not (i > 0 and text[i - 1].isalnum())):
            j, buf = i + 1, []
            while j < n and text[j] != c:
                if text[j] == "\\" and j + 1 < n:
                    buf.append(text[j:j + 2])
                    j += 2
                    continue
                if text[j] == "\n":
                    break
                buf.append(text[j])
                j += 1
            if c == '"':
                literals.append((line, "".join(buf)))
            code.append(" " * (j + 1 - i))
            i = j + 1
        else:
            if c == "\n":
                line += 1
            code.append(c)
            i += 1
    return "".join(code), literals


def joined_literals(text, literals):
    """Adjacent literals ("a " "b") joined into one, keeping the first one's line."""
    out = []
    for ln, body in literals:
        if out and out[-1][2] and ln - out[-1][3] <= 1:
            out[-1] = (out[-1][0], out[-1][1] + body, True, ln)
        else:
            out.append((ln, body, True, ln))
    return [(a, b) for a, b, _, _ in out]


def scan_file(path, rel):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    code, literals = split(text)
    found = []
    # literals on consecutive lines are joined: a statement split over lines is one statement
    for ln, body in joined_literals(text, literals):
        for p in SQL:
            if p.search(body):
                found.append((rel, ln, "SQL in a string: " + body[:70]))
                break
    service = rel.startswith(SERVICE_LAYER)
    store = rel.startswith("plugin/src/store/")
    for ln, src in enumerate(text.split("\n"), 1):
        m = INCLUDE.search(src)
        if m:
            found.append((rel, ln, "database API: #include " + m.group(1)))
    for ln, src in enumerate(code.split("\n"), 1):
        for p in API:
            m = p.search(src)
            if m:
                found.append((rel, ln, "database API: " + m.group(0).strip()))
                break
        if not service and not store and WITH_DB.search(src):
            found.append((rel, ln, "Service::with_db / with_read_db (the raw connection) above the service layer: use with_repos"))
        if not service and not store and OPENS_DB.search(src):
            found.append((rel, ln, "opens a store::Database above the service layer"))
    return found


def scan(root, dirs, skip=None):
    found = []
    for d in dirs:
        for base, subdirs, files in os.walk(os.path.join(root, d)):
            subdirs.sort()
            for name in sorted(files):
                if not name.endswith(EXTS):
                    continue
                path = os.path.join(base, name)
                rel = os.path.relpath(path, root).replace(os.sep, "/")
                if skip and rel.startswith(skip):
                    continue
                found.extend(scan_file(path, rel))
    return found


def main(argv):
    if len(argv) >= 2 and argv[0] == "--count":
        found = scan(".", argv[1:])
        for rel, ln, what in found:
            print(f"{rel}:{ln}: {what}")
        print(f"{len(found)} found")
        return 0
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    root = argv[0]
    # not vacuous: the scan must see store/'s own SQL and database calls
    own = scan(root, ["plugin/src/store"])
    sql = sum(1 for f in own if f[2].startswith("SQL"))
    api = sum(1 for f in own if f[2].startswith("database API"))
    if sql < 20 or api < 20:
        print(f"check_sql: the scan is blind: it found {sql} SQL strings and {api} database calls in "
              f"plugin/src/store/ (expected at least 20 of each)", file=sys.stderr)
        return 1
    found = scan(root, ["plugin/src", "connectors", "cli"], skip="plugin/src/store/")
    for rel, ln, what in found:
        print(f"{rel}:{ln}: {what}", file=sys.stderr)
    print(f"check_sql: plugin/src/store/ holds {sql} SQL strings and {api} database calls (found by this scan); "
          f"{len(found)} outside it")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
