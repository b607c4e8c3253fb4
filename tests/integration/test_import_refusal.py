#!/usr/bin/env python3
"""A refused import over existing suppliers changes none of them (issue 16 item 9).

    python3 test_import_refusal.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR

Six suppliers are imported with every column filled; then files that would change all of
them are refused for different reasons (a bad row in the middle with --all-or-nothing, a
duplicate code, broken bytes, an unusable file, a storage error on the fourth row). After
each, every column of every supplier, the history, the audit trail, the webhook events and
the change counter are compared with what they were, row by row — not counted.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_support as cs  # noqa: E402
from cli_support import EN_HEADER, csv_text, good_row  # noqa: E402
import upgrade_fixture as fx  # noqa: E402

HEADER = EN_HEADER + ["capital_yen", "employees", "equivalent_service", "equivalent_until"]
# the tables an import writes, and the one it must not touch either
WATCHED = ["suppliers", "supplier_history", "audit_events", "meta", "webhook_events", "webhook_deliveries"]
CODES = ["E1", "E2", "E3", "E4", "E5", "E6"]


def base_row(code, i):
    return good_row(code, i, sa="★★", sa_on="2026-04-01", ota="なし", scs="3", scs_until="2027-03-31",
                    c1="はい", c2="いいえ", c3="はい") + ["50,000,000", "120", "自社の監視サービス", "2027-12-31"]


def changed_row(code, i):
    """The same supplier with every field it has changed."""
    return good_row(code, i + 50, name="変更後" + code, email="new@%s.example" % code.lower(), contact="変更 花子",
                    dept="経理部", sa="★", sa_on="2026-05-01", scs="4", scs_until="2028-03-31", c1="いいえ",
                    c2="はい", c3="いいえ") + ["3億円", "301", "別の保険", "2028-12-31"]


class ImportRefusal(cs.CliTest):
    def setUp(self):
        super().setUp()
        self.init()
        rows = [base_row(c, i) for i, c in enumerate(CODES, 1)]
        self.import_csv(csv_text(HEADER, rows), expect=0)
        self.store = fx.Db(cs.BACKEND, self.db)
        schema = self.store.schema()
        self.watched = {t: schema[t] for t in WATCHED}
        self.before = self.store.dump_all(self.watched)
        self.assertEqual(len(self.before["suppliers"]), 6)
        # the base really has every column the changed rows change (else "unchanged" proves nothing)
        v = self.status("E1")
        self.assertEqual((v["sa"]["level"], v["scs"]["level"]), (2, 3))

    def changed(self):
        return [changed_row(c, i) for i, c in enumerate(CODES, 1)]

    def assert_untouched(self, what):
        after = self.store.dump_all(self.watched)
        for table in WATCHED:
            self.assertEqual(after[table], self.before[table], "%s: table %s changed" % (what, table))

    def refuse(self, what, body, *opts, expect):
        rc, summary, err = self.import_csv(body, *opts)
        self.assertIn(rc, expect, "%s: exit %d, %s %s" % (what, rc, summary, err))
        if summary is not None:
            self.assertEqual((summary["imported"], summary["updated"]), (0, 0), what)
            self.assertFalse(summary.get("written", False), what)
        self.assert_untouched(what)
        return rc, summary, err

    # -- all-or-nothing refusals -------------------------------------------------------------

    def test_a_bad_row_in_the_middle(self):
        rows = self.changed()
        rows[2] = changed_row("E3", 3)[:10] + ["★9"] + changed_row("E3", 3)[11:]  # SCS ★9
        self.refuse("bad SCS in row 4", csv_text(HEADER, rows), "--all-or-nothing", expect=(1,))

    def test_a_bad_check_digit_on_the_last_row(self):
        rows = self.changed()
        rows[-1][2] = cs.wrong_check_digit(99)
        self.refuse("check digit", csv_text(HEADER, rows), "--all-or-nothing", expect=(1,))

    def test_a_duplicate_code(self):
        rows = self.changed() + [changed_row("E2", 77)]
        self.refuse("duplicate E2", csv_text(HEADER, rows), "--all-or-nothing", expect=(1,))

    def test_too_many_columns(self):
        rows = self.changed()
        rows[3] = ",".join(cs.quote(c) for c in rows[3]) + ",surplus"
        self.refuse("surplus column", csv_text(HEADER, rows), "--all-or-nothing", expect=(1,))

    def test_broken_bytes_in_one_row(self):
        body = csv_text(HEADER, self.changed()[:3]).encode("utf-8") + b"E4,\x80\xff,,,,,,,,,,,,,,,,,\n" + \
            csv_text(HEADER, self.changed()[4:]).encode("utf-8").split(b"\n", 1)[1]
        self.refuse("broken bytes", body, "--all-or-nothing", expect=(1, 2))

    # -- whole-file refusals, with or without the switch -------------------------------------

    def test_an_unterminated_quote_after_good_rows(self):
        text = csv_text(HEADER, self.changed()[:5]) + 'E6,"株式会社 閉じない,,,,,,,,,,,,,,,,,\n'
        self.refuse("unterminated quote", text, expect=(2,))
        self.refuse("unterminated quote, switch", text, "--all-or-nothing", expect=(2,))

    def test_bytes_neither_utf8_nor_cp932(self):
        # ASCII changes to every supplier, then bytes no encoding reads: the file is unusable
        rows = [good_row(c, i + 50, name="Changed " + c, email="x@%s.example" % c.lower(), contact="Hanako",
                         dept="Accounts", sa="1", sa_on="2026-05-01", scs="4", scs_until="2028-03-31")
                + ["300000000", "301", "", ""] for i, c in enumerate(CODES, 1)]
        body = csv_text(HEADER, rows).encode("ascii") + b"E7,\x80\xff\xfe\n"
        for opts in ((), ("--all-or-nothing",)):
            rc, _, err = self.refuse("undecodable file %s" % (opts,), body, *opts, expect=(2,))
            self.assertIn("suppliers.csv:8", err)
        # the same rows alone do change every supplier (so the refusal above is what kept them)
        self.import_csv(csv_text(HEADER, rows), expect=0)
        self.assertEqual(self.status("E1")["name"], "Changed E1")

    def test_a_cp932_file_read_as_utf8(self):
        self.refuse("cp932 as utf-8", csv_text(HEADER, self.changed()).encode("cp932"), "--encoding", "utf-8",
                    "--all-or-nothing", expect=(1, 2))

    def test_a_header_without_the_vendor_code(self):
        self.refuse("no vendor code column", csv_text(HEADER[1:], [r[1:] for r in self.changed()]), expect=(2,))

    # -- a failure of the store itself in the middle of the write ----------------------------

    def test_a_storage_error_on_the_fourth_supplier(self):
        if cs.BACKEND == "sqlite":
            self.sql("CREATE TRIGGER fail_e4 BEFORE UPDATE ON suppliers WHEN NEW.vendor_code = 'E4' "
                     "BEGIN SELECT RAISE(ABORT, 'injected failure'); END")
        else:
            self.sql("CREATE FUNCTION fail_e4() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                     "IF NEW.vendor_code = 'E4' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$; "
                     "CREATE TRIGGER fail_e4 BEFORE UPDATE ON suppliers FOR EACH ROW EXECUTE FUNCTION fail_e4()")
        rc, summary, err = self.refuse("storage error", csv_text(HEADER, self.changed()), expect=(1, 2))
        self.assertIn("injected failure", err)

    # -- without the switch: the rejected row's supplier keeps every field ---------------------

    def test_a_rejected_row_keeps_its_supplier_whole(self):
        rows = self.changed()
        rows[2][10] = "★9"  # E3's SCS
        rc, summary, err = self.import_csv(csv_text(HEADER, rows), expect=1)
        self.assertEqual(summary["updated"], 5)
        after = self.store.dump_all(self.watched)
        cols = self.watched["suppliers"]
        e3_before = [r for r in self.before["suppliers"] if r[0] == "E3"]
        e3_after = [r for r in after["suppliers"] if r[0] == "E3"]
        self.assertEqual(e3_after, e3_before, "the rejected row changed its supplier")
        others = [r for r in after["suppliers"] if r[0] != "E3"]
        name = cols.index("name")
        self.assertEqual(sorted(r[name] for r in others), sorted("変更後" + c for c in CODES if c != "E3"))
        self.assertNotIn("E3", [r[self.watched["supplier_history"].index("vendor_code")]
                                for r in after["supplier_history"]
                                if r not in self.before["supplier_history"]])


if __name__ == "__main__":
    sys.exit(cs.main())
