#!/usr/bin/env python3
"""A database as an earlier Hoshitori left it, built behind the product's back for
test_upgrade.py: the migration files schemas/db/001…K applied by hand and recorded in
schema_version the way store/database.cpp records them, then rows in every table written
in SQL that matches that older schema (columns a later migration added are left out,
columns a later migration dropped are filled).

The audit trail is a real chain (hashes computed here as records/audit_hash.cpp does), so
`hoshitori verify` can say whether an upgrade kept it.
"""
import glob
import hashlib
import json
import os
import re
import sqlite3
import subprocess

T0 = "2026-11-01T00:00:00.000Z"
T1 = "2026-11-02T03:04:05.000Z"
SHA_A = hashlib.sha256(b"%PDF-1.4 evidence A\n").hexdigest()
SHA_B = hashlib.sha256(b"%PDF-1.4 evidence B\n").hexdigest()
B64_A = "JVBERi0xLjQgZXZpZGVuY2UgQQo="  # base64 of the bytes hashed in SHA_A
B64_B = "JVBERi0xLjQgZXZpZGVuY2UgQgo="
GENESIS = "0" * 64

# Tables no row is put in: the migration bookkeeping, SQLite's own, and purge_window, which
# holds a row only inside a purge transaction (a row outside one would unlock deletions).
NOT_FILLED = {"schema_version", "sqlite_sequence", "purge_window"}


# --- the migration files -----------------------------------------------------------------

def migrations(schemas_dir, backend):
    """[(version, name, path)] for this backend, in order, as cmake/embed_migrations.cmake
    names them."""
    out = []
    for path in sorted(glob.glob(os.path.join(schemas_dir, "db", "*.sql"))):
        m = re.match(r"^([0-9]+)_([A-Za-z0-9_-]+)(\.(sqlite|postgresql))?\.sql$", os.path.basename(path))
        assert m, path
        if m.group(4) and m.group(4) != backend:
            continue
        out.append((int(m.group(1)), "%s_%s" % (m.group(1), m.group(2)), path))
    return sorted(out)


# --- the audit chain -----------------------------------------------------------------------

def _field(v):
    if v is None:
        return b"-"
    b = v.encode("utf-8")
    return str(len(b)).encode() + b":" + b


def audit_events():
    """Three chained events, hashed as records/audit_hash.cpp does."""
    specs = [
        ("cli:test", "cli:test", "supplier.created", "V001", "V001", None, '{"name":"株式会社旧版"}'),
        ("buyer1", "cli:test", "request.issued", "2026-00001", "V001", None, '{"state":"issued"}'),
        ("buyer1", None, "agreement.confirmed", "2026-00001", "V001", '{"state":"negotiating"}',
         '{"state":"agreed"}'),
    ]
    events, prev = [], GENESIS
    for seq, (actor, via, action, subject, vendor, before, after) in enumerate(specs, 1):
        at = "2026-11-0%dT09:00:00.000Z" % seq
        payload = hashlib.sha256(_field(before) + _field(after)).hexdigest()
        h = hashlib.sha256(b"hoshitori-audit-v1" + b"".join(
            _field(x) for x in (str(seq), at, actor, via, action, subject, vendor, payload, prev))).hexdigest()
        events.append(dict(seq=seq, at=at, actor=actor, via=via, action=action, subject=subject, vendor_code=vendor,
                           before_json=before, after_json=after, payload_sha256=payload, prev_hash=prev, hash=h,
                           redacted_at=None))
        prev = h
    return events


def audit_head():
    return audit_events()[-1]["hash"]


# --- the rows, table by table, in an order the foreign keys accept ----------------------------

def supplier(code, name, **kw):
    row = dict(vendor_code=code, name=name, name_normalized=name, corporate_number=None, email=None, contact=None,
               department=None, sa_level=None, sa_declared_on=None, sa_declaration_id=None, ota_service=None,
               ota_provider=None, ota_start=None, ota_end=None, scs_level=None, scs_evidence=None,
               scs_valid_until=None, chart_confidential=None, chart_critical=None, chart_network=None, active=1,
               generation=1, created_at=T0, created_by="cli:test", created_source="import:old.csv", updated_at=T0,
               capital_yen=None, employees=None, equiv_service=None, equiv_until=None)
    row.update(kw)
    return row


def rows():
    r = "2026-00001"
    return [
        ("meta", [dict(key="generation", value=7)]),  # updated, not inserted (001 made it)
        ("suppliers", [
            supplier("V001", "株式会社旧版", corporate_number="7000000079190", email="it@v001.example",
                     contact="担当 太郎", department="総務部", sa_level=2, sa_declared_on="2026-04-01",
                     sa_declaration_id="SA-0001", ota_service="お助け隊A", ota_provider="提供会社",
                     ota_start="2026-01-01", ota_end="2027-03-31", scs_level=3, scs_evidence="SCS-3-1",
                     scs_valid_until="2027-06-30", chart_confidential=1, chart_critical=0, chart_network=1,
                     generation=3, updated_at=T1, capital_yen=10000000, employees=25, equiv_service="自社監視",
                     equiv_until="2027-12-31"),
            supplier("V002", "有限会社にばん", active=0, generation=2),
        ]),
        ("supplier_history", [dict(id=1, vendor_code="V001", generation=3, changed_at=T1, actor="cli:test",
                                   source="import:old2.csv", field="sa_level", old_value="1", new_value="2")]),
        ("request_counters", [dict(prefix="", year=2026, last_no=1)]),
        ("requests", [dict(number=r, vendor_code="V001", level="sa2", state="agreed", due="2026-12-31",
                           body='{"level":"sa2"}', guardrails="[]", created_at=T0, created_by="buyer1",
                           issued_at=T0, last_step_at=T1)]),
        ("request_transitions", [
            dict(id=1, number=r, from_state=None, to_state="issued", at=T0, actor="buyer1", side="buyer", reason=None),
            dict(id=2, number=r, from_state="issued", to_state="agreed", at=T1, actor="sup", side="supplier",
                 reason="合意"),
        ]),
        ("negotiation_steps", [dict(id=1, number=r, step=1, side="supplier", kind="estimate", at=T0, actor="sup",
                                    body='{"total_yen":100000}')]),
        ("agreements", [dict(id=1, number=r, version=1, sha256=SHA_A, document="合意書", terms="{}", created_at=T1,
                             created_by="buyer1")]),
        ("agreement_confirmations", [dict(id=1, number=r, version=1, side="buyer", sha256=SHA_A, at=T1,
                                          actor="buyer1", method="cli")]),
        ("audit_events", audit_events()),
        ("meta", [dict(key="audit_seq", value=3)]),
        ("api_keys", [dict(id="k1", name="erp", role="buyer", secret_sha256=SHA_B, created_at=T0,
                           created_by="cli:test", revoked_at=None, revoked_by=None)]),
        ("server_secrets", [dict(name="erp_link", value="c2VjcmV0")]),
        ("supplier_links", [dict(token_sha256=SHA_B, number=r, vendor_code="V001", created_at=T0,
                                 created_by="buyer1", expires_at="2026-12-31T00:00:00.000Z", revoked_at=None,
                                 revoked_by=None, outbox_id=1)]),
        ("evidence_files", [dict(id=1, number=r, vendor_code="V001", topic="sa", filename="sa.pdf",
                                 media_type="application/pdf", size_bytes=20, sha256=SHA_A, content_base64=B64_A,
                                 uploaded_at=T0, uploaded_by="", link_id="abcdef012345"),
                            dict(id=2, number=r, vendor_code="V001", topic="scs", filename="scs.pdf",
                                 media_type="application/pdf", size_bytes=20, sha256=SHA_B, content_base64=B64_B,
                                 uploaded_at=T1, uploaded_by="担当", link_id=None)]),
        ("evidence_blobs", [dict(sha256=SHA_A, size_bytes=20, content_base64=B64_A, stored_at=T0),
                            dict(sha256=SHA_B, size_bytes=20, content_base64=B64_B, stored_at=T1)]),
        ("scs_self_checks", [dict(id=1, number=r, vendor_code="V001", item_no="1-1", answer="planned",
                                  planned_on="2027-01-31", note="予定", answered_at=T0, answered_by="sup")]),
        ("campaigns", [dict(id=1, kind="briefing", template="briefing", title="説明会", spec="{}", state="queued",
                            send_at=T0, created_at=T0, created_by="buyer1", queued_at=T0, queued_by="buyer1")]),
        ("outbox", [dict(id=1, campaign_id=1, vendor_code="V001", request_number=r, recipient="it@v001.example",
                         recipient_name="担当 太郎", lang="ja", charset="iso-2022-jp", message_id="<m1@hoshitori>",
                         created_at=T0, state="sent", not_before=T0, attempts=1, claimed_by="s1", claimed_at=T0,
                         sent_at=T1, last_reply="250 ok")]),
        ("campaign_recipients", [dict(campaign_id=1, vendor_code="V001", topic="briefing", channel="email",
                                      problem=None, request_number=r, outbox_id=1),
                                 dict(campaign_id=1, vendor_code="V002", topic="briefing", channel="none",
                                      problem="メールアドレスなし", request_number=None, outbox_id=None)]),
        ("outbox_bodies", [dict(outbox_id=1, subject="ご案内", text_body="本文", html_body="<p>本文</p>",
                                ics="BEGIN:VCALENDAR")]),
        ("outbox_senders", [dict(id="s1", host="h", pid=42, proc_start="1", started_at=T0, heartbeat_at=T1,
                                 stopped_at=T1)]),
        ("mail_preferences", [dict(vendor_code="V002", post_only=1, note="郵送希望", set_at=T0, set_by="buyer1")]),
        ("reminders_sent", [dict(request_number=r, days_before=7, campaign_id=1, queued_at=T0)]),
        ("connector_links", [dict(connector="tryton", vendor_code="V001", external_id="party:1", seen_at=T0)]),
        ("sync_runs", [dict(id=1, connector="tryton", started_at=T0, finished_at=T1, dry_run=0, outcome="ok",
                            report='{"read":1}')]),
        ("webhook_endpoints", [dict(id=1, name="erp", url="http://127.0.0.1:9/hook", events="supplier.changed",
                                    state="active", failures=0, next_at=T0, last_error=None, disabled_at=None,
                                    worker=None, worker_until=None, created_at=T0, updated_at=T0)]),
        ("webhook_events", [dict(id=1, uid="ev-1", type="supplier.changed", vendor_code="V001", occurred_at=T0,
                                 data="{}")]),
        ("webhook_deliveries", [dict(endpoint_id=1, event_id=1, vendor_code="V001", state="delivered", attempts=1,
                                     inflight=None, last_status="200", delivered_at=T1)]),
        ("staff_sessions", [dict(id=SHA_A, role="buyer", actor="buyer1", key_name="erp-link", via="erp-link",
                                 csrf="tok", created_at=1790000000, expires_at=1790003600, ended_at=None)]),
        ("staff_link_nonces", [dict(nonce="n1", expires_at=1790000300)]),
        ("rate_limits", [dict(scope="supplier-link", address="127.0.0.1", window_start=1790000000,
                              window_ends=1790000600, failures=2)]),
        ("evidence_withdrawals", [dict(evidence_id=2, number=r, withdrawn_at=T1, withdrawn_by="sup",
                                       link_id=None)]),
        ("evidence_downloads", [dict(id=1, evidence_id=1, number=r, at=T1, actor="buyer1", via="erp-link")]),
        ("briefing_answers", [dict(id=1, campaign_id=1, vendor_code="V001", answer="attend", attendees=2,
                                   note="", via="電話", recorded_at=T1, recorded_by="buyer1")]),
        ("briefing_materials", [dict(id=1, campaign_id=1, filename="資料.pdf", media_type="application/pdf",
                                     size_bytes=20, sha256=SHA_A, content_base64=B64_A, added_at=T0,
                                     added_by="buyer1")]),
        ("briefing_links", [dict(token_sha256=SHA_A, campaign_id=1, vendor_code="V001", created_at=T0,
                                 created_by="buyer1", expires_at="2026-12-31T00:00:00.000Z", revoked_at=None,
                                 revoked_by=None, outbox_id=1)]),
        ("agreement_scans", [dict(number=r, version=1, filename="scan.pdf", media_type="application/pdf",
                                  size_bytes=20, sha256=SHA_A, content_base64=B64_A, stored_at=T1,
                                  stored_by="buyer1")]),
        ("agreement_codes", [dict(id=1, number=r, version=1, link_id="abcdef012345", recipient="it@v001.example",
                                  outbox_id=1, requested_at=T1, code_hmac=SHA_B, sent_at=T1,
                                  expires_at="2026-11-02T03:19:05.000Z", attempts=1, used_at=T1)]),
        ("supplier_standing_links", [dict(token_sha256=SHA_A, vendor_code="V001", created_at=T0, created_by="buyer1",
                                          expires_at="2031-11-01T00:00:00.000Z", revoked_at=None, revoked_by=None)]),
    ]


# --- the two backends ------------------------------------------------------------------------

def _lit(v):
    if v is None:
        return "NULL"
    if isinstance(v, int):
        return str(v)
    return "'" + v.replace("'", "''") + "'"


class Db:
    """An older database on one backend: `url` is what --db takes."""

    def __init__(self, backend, url):
        self.backend, self.url = backend, url

    def script(self, sql):
        if self.backend == "sqlite":
            con = sqlite3.connect(self.url, isolation_level=None)
            try:
                con.execute("PRAGMA foreign_keys=ON")
                con.executescript(sql)
            finally:
                con.close()
        else:
            p = subprocess.run(["psql", self.url, "-v", "ON_ERROR_STOP=1", "-q", "-1"], input=sql.encode("utf-8"),
                               capture_output=True, timeout=60)
            if p.returncode != 0:
                raise AssertionError("psql: " + p.stderr.decode("utf-8", "replace"))

    def query_json(self, sql):
        """Rows of a SELECT as a list of dicts (PostgreSQL through json_agg)."""
        if self.backend == "sqlite":
            con = sqlite3.connect(self.url)
            con.row_factory = sqlite3.Row
            try:
                return [dict(x) for x in con.execute(sql).fetchall()]
            finally:
                con.close()
        p = subprocess.run(["psql", self.url, "-v", "ON_ERROR_STOP=1", "-At", "-c",
                            "SELECT coalesce(json_agg(t), '[]') FROM (%s) t" % sql],
                           check=True, capture_output=True, timeout=60)
        return json.loads(p.stdout.decode("utf-8"))

    def tables(self):
        if self.backend == "sqlite":
            q = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        else:
            q = ("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() "
                 "AND table_type = 'BASE TABLE' ORDER BY table_name")
        return [x["name"] for x in self.query_json(q)]

    def columns(self, table):
        if self.backend == "sqlite":
            return [x["name"] for x in self.query_json("SELECT name FROM pragma_table_info('%s')" % table)]
        return [x["column_name"] for x in self.query_json(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND "
            "table_name = '%s' ORDER BY ordinal_position" % table)]

    def dump(self, table, cols):
        """Every row of `table`, only `cols`, in a stable order (all columns sort it)."""
        return self.dump_all({table: cols})[table]

    def schema(self):
        """{table: [columns]} in one query."""
        if self.backend == "sqlite":
            return {t: self.columns(t) for t in self.tables()}
        out = {t: [] for t in self.tables()}
        for x in self.query_json(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = "
                "current_schema() ORDER BY table_name, ordinal_position"):
            if x["table_name"] in out:
                out[x["table_name"]].append(x["column_name"])
        return out

    def dump_all(self, schema):
        """{table: rows} for {table: columns}, each table's rows sorted; one query per 40
        tables on PostgreSQL (each psql run costs a connection)."""
        def select(table, cols):
            return "SELECT %s FROM %s ORDER BY %s" % (", ".join(cols), table,
                                                      ", ".join(str(i + 1) for i in range(len(cols))))

        def norm(rows, cols):
            return [tuple(str(v) if v is not None else None for v in (x[c] for c in cols)) for x in rows]
        if self.backend == "sqlite":
            return {t: norm(self.query_json(select(t, cols)), cols) for t, cols in schema.items()}
        out, items = {}, sorted(schema.items())
        for i in range(0, len(items), 40):
            parts = ", ".join("'%s', (SELECT coalesce(json_agg(x), '[]') FROM (%s) x)" % (t, select(t, cols))
                              for t, cols in items[i:i + 40])
            p = subprocess.run(["psql", self.url, "-v", "ON_ERROR_STOP=1", "-At", "-c",
                                "SELECT json_build_object(%s)" % parts], check=True, capture_output=True, timeout=60)
            got = json.loads(p.stdout.decode("utf-8"))
            out.update({t: norm(got[t], cols) for t, cols in items[i:i + 40]})
        return out

    # -- building ------------------------------------------------------------------------------

    def apply_migrations(self, schemas_dir, up_to, skip=()):
        """Applies 001…up_to (but not `skip`) and records each as database.cpp does."""
        id_col = "INTEGER PRIMARY KEY AUTOINCREMENT" if self.backend == "sqlite" else "BIGSERIAL PRIMARY KEY"
        sql = ["CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
               "applied_at TEXT NOT NULL);"]
        applied = []
        for version, name, path in migrations(schemas_dir, self.backend):
            if version > up_to or version in skip:
                continue
            with open(path, encoding="utf-8") as f:
                sql.append(f.read().replace("@ID@", id_col))
            sql.append("INSERT INTO schema_version (version, name, applied_at) VALUES (%d, '%s', '%s');"
                       % (version, name, T0))
            applied.append(version)
        self.script("\n".join(sql) + "\n")
        return applied

    def fill(self):
        """Writes every row whose table exists, with the columns this schema has; returns the
        tables written."""
        present = set(self.tables())
        cols = {t: set(self.columns(t)) for t in present}
        out, filled = [], set()
        for table, table_rows in rows():
            if table not in present:
                continue
            for row in table_rows:
                have = [c for c in row if c in cols[table]]
                if table == "meta":
                    out.append("UPDATE meta SET value = %d WHERE key = '%s';" % (row["value"], row["key"]))
                else:
                    out.append("INSERT INTO %s (%s) VALUES (%s);" % (table, ", ".join(have),
                                                                     ", ".join(_lit(row[c]) for c in have)))
            filled.add(table)
        if self.backend == "postgresql":  # the serial columns go on after the ids written here
            serial = sorted({t for t, rs in rows() if t in present and any(isinstance(r.get("id"), int) for r in rs)})
            for table in serial:
                out.append("SELECT setval(pg_get_serial_sequence('{0}', 'id'), (SELECT MAX(id) FROM {0}));"
                           .format(table))
        self.script("\n".join(out) + "\n")
        return filled
