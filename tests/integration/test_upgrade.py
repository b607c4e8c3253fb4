#!/usr/bin/env python3
"""Upgrading a database an earlier Hoshitori made (issue 16 item 9), on both backends.

    python3 test_upgrade.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR

Each test builds a database at an older schema level with upgrade_fixture.py (the
migration files applied by hand, rows in every table), then checks:
- read commands on the older schema refuse with a message asking for `hoshitori init`
  and change nothing;
- `hoshitori init` upgrades it: every row of every table that existed is still there,
  column by column (a column a migration moved is checked where it went), and the audit
  chain verifies with the head it had;
- the upgraded database takes new writes (ids after the old ones) and still verifies;
- a database that holds newer migrations but lacks an older one is not taken as current:
  reads ask for `init`, and `init` applies the missing one.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_support as cs  # noqa: E402
import upgrade_fixture as fx  # noqa: E402

# the migration before which issue 15's migrations (013…) were added: "one older level"
PRE_ISSUE_15 = 12

# read commands a user runs on an existing database
READS = [["status", "V001", "--json"], ["suppliers", "--json"], ["history", "V001"], ["verify"],
         ["request", "list", "--json"], ["export", "suppliers"], ["outbox", "status"], ["apikey", "list"],
         ["campaign", "list"]]


def schemas_dir():
    return os.environ.get("HOSHITORI_SCHEMAS") or os.path.join(cs.SAMPLE_DIR, os.pardir, "schemas")


def versions():
    return [v for v, _, _ in fx.migrations(schemas_dir(), cs.BACKEND)]


class UpgradeTest(cs.CliTest):
    def old_db(self, level, skip=()):
        db = fx.Db(cs.BACKEND, self.db)
        applied = db.apply_migrations(schemas_dir(), level, skip)
        self.assertTrue(applied and applied[-1] <= level, applied)
        filled = db.fill()
        # every table of that schema holds data (a table added later needs rows in upgrade_fixture.py)
        empty = sorted(set(db.tables()) - fx.NOT_FILLED - filled)
        self.assertEqual(empty, [], "tables without fixture rows: add them to upgrade_fixture.rows()")
        return db

    def assert_reads_ask_for_init(self, db):
        schema = db.schema()
        before = db.dump_all(schema)
        for args in READS:
            p = self.run_cli(*args)
            self.assertNotEqual(p.returncode, 0, "%s ran on an old schema: %s" % (args, p.out))
            self.assertIn("hoshitori init", p.err, "%s: %s" % (args, p.err))
            self.assertNotIn("no such column", p.err + p.out)
        after = db.dump_all(db.schema())
        self.assertEqual(before, after, "a refused read changed the database")

    def upgrade_and_compare(self, level):
        db = self.old_db(level)
        tables_before = db.schema()
        dumps_before = db.dump_all(tables_before)
        self.assert_reads_ask_for_init(db)

        p = self.run_cli("init")
        self.assertEqual(p.returncode, 0, p.err)
        recorded = [x["version"] for x in db.query_json("SELECT version FROM schema_version ORDER BY version")]
        self.assertEqual(recorded, versions())

        schema_after = db.schema()
        dumps_after = db.dump_all({t: [c for c in cols if c in schema_after[t]] for t, cols in tables_before.items()})
        for table, cols_before in tables_before.items():
            if table == "schema_version":
                continue
            cols_after = schema_after[table]
            common = [c for c in cols_before if c in cols_after]
            want = [tuple(r[cols_before.index(c)] for c in common) for r in dumps_before[table]]
            if table == "meta":  # the generation counter may be bumped; the rest stays
                want = [r for r in want if r[0] != "generation"]
                got = [r for r in dumps_after[table] if r[0] != "generation"]
            else:
                got = dumps_after[table]
            self.assertEqual(sorted(got, key=repr), sorted(want, key=repr), "table %s changed in the upgrade" % table)
            for gone in set(cols_before) - set(cols_after):
                # a column a migration took away must have gone somewhere: evidence bytes to evidence_blobs
                self.assertEqual((table, gone), ("evidence_files", "content_base64"), "column dropped")
                blobs = dict(db.dump("evidence_blobs", ["sha256", "content_base64"]))
                for r in dumps_before[table]:
                    self.assertEqual(blobs.get(r[cols_before.index("sha256")]), r[cols_before.index(gone)])
        # the columns later migrations added take their defaults on the old rows
        if "origin" in db.columns("requests"):
            self.assertEqual(db.dump("requests", ["origin"]), [("buyer",)])

        # the audit chain: intact, same head
        p = self.run_cli("verify", "--expected-head", fx.audit_head(), "--json")
        self.assertEqual(p.returncode, 0, p.out + p.err)
        self.assertTrue(json.loads(p.out)["intact"], p.out)

        # the product reads the old rows
        st = self.status("V001")
        self.assertEqual(st["name"], "株式会社旧版")
        self.assertIn("V001", self.codes())
        p = self.run_cli("request", "list", "--json")
        self.assertEqual(p.returncode, 0, p.err)
        self.assertIn("2026-00001", p.out)

        # and writes after them: a new supplier (audit event 4) and a request number after the old one
        self.import_csv(cs.csv_text(cs.JA_HEADER, [cs.good_row("V003")]), expect=0)
        p = self.run_cli("verify", "--json")
        self.assertEqual(p.returncode, 0, p.out + p.err)
        report = json.loads(p.out)
        self.assertTrue(report["intact"], p.out)
        self.assertGreater(report["events"], 3)
        # a second init is a no-op
        p = self.run_cli("init")
        self.assertEqual(p.returncode, 0, p.err)

    def test_upgrade_from_the_previous_level(self):
        self.upgrade_and_compare(versions()[-2])

    def test_upgrade_from_before_issue_15(self):
        self.upgrade_and_compare(PRE_ISSUE_15)

    def test_a_missing_older_migration_is_applied(self):
        """Newer migrations recorded, an older one (013: supplier size) not: MAX(version)
        equals this build's newest, but the schema is not current."""
        db = self.old_db(versions()[-1], skip={13})
        self.assertNotIn("capital_yen", db.columns("suppliers"))
        self.assert_reads_ask_for_init(db)
        p = self.run_cli("init")
        self.assertEqual(p.returncode, 0, p.err)
        recorded = [x["version"] for x in db.query_json("SELECT version FROM schema_version ORDER BY version")]
        self.assertEqual(recorded, versions())
        self.assertIn("capital_yen", db.columns("suppliers"))
        self.assertEqual(self.status("V001")["name"], "株式会社旧版")
        p = self.run_cli("verify", "--expected-head", fx.audit_head())
        self.assertEqual(p.returncode, 0, p.out + p.err)

    def test_the_numbering_gap_is_not_a_missing_migration(self):
        """015 was never written: a database with every migration there is is current."""
        self.assertNotIn(15, versions())
        self.old_db(versions()[-1])
        self.assertEqual(self.status("V001")["vendor_code"], "V001")


if __name__ == "__main__":
    sys.exit(cs.main())
