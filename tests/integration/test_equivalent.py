#!/usr/bin/env python3
"""Recommended service as a condition (issue 15 item 6): the buyer's interim rule that names
お助け隊 also accepts the supplier's own equivalent service (同等のサービス), recorded through
the same channels as お助け隊 (CSV import columns, the REST status update), and a standing
that rests on that rule is shown everywhere as the buyer's own rule — 「当社の暫定基準（★3相当）」
— never as 充足 or as the scheme's ★3: the 星取表 board, the supplier panel, the board's
CSV, the CSV connector's standings file and the webhook's standing (stdlib only).

    python3 test_equivalent.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR

The shipped policy's interim rule: until 2027-03-31, SA ★★ plus an お助け隊 subscription or an
equivalent service counts as ★3. Today is 2026-11-20.
"""
import csv
import io
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_support  # noqa: E402
from api_support import Server  # noqa: E402
from cli_support import JA_HEADER, CliTest, csv_text, good_row  # noqa: E402

HEADER = JA_HEADER + ["同等のサービス", "同等のサービス有効期限"]
EQUIV = "自社SOCによる24時間監視と駆け付け対応（株式会社例示セキュリティ）、サイバー保険"
INTERIM = "当社の暫定基準（★3相当）"
NO = dict(c1="いいえ", c2="いいえ", c3="いいえ")
SA2 = dict(sa="★★", sa_on="2026-06-01", **NO)


def register():
    return [
        good_row("E1", **SA2) + [EQUIV, "2027-06-30"],  # SA★★ + equivalent: the interim rule
        good_row("O1", ota="SOMPO SHERIFF", ota_end="2028-03-31", **SA2) + ["", ""],  # SA★★ + お助け隊
        good_row("S1", scs="★3", scs_until="2027-09-30", **NO) + ["", ""],  # the scheme's ★3
        good_row("N1", **SA2) + ["なし", ""],  # explicitly none: SA★★ alone is not enough
        good_row("X1", **SA2) + [EQUIV, "2026-10-31"],  # the equivalent ended
    ]


class EquivalentService(CliTest):
    def setUp(self):
        super().setUp()
        self.init()

    def load(self):
        self.import_csv(csv_text(HEADER, register()), expect=0)

    def test_an_equivalent_service_counts_under_the_buyers_interim_rule_and_is_labelled_so(self):
        self.load()
        e1 = self.status("E1")
        self.assertEqual((e1["standing"], e1["basis"], e1["standing_label"]), ("meets", "interim", INTERIM))
        self.assertEqual(e1["equivalent"], {"description": EQUIV, "reported": True, "until": "2027-06-30",
                                            "active": True})
        self.assertEqual(e1["interim_rule"]["by"], "equivalent")
        self.assertIn("同等のサービス", e1["interim_rule"]["description"])
        self.assertEqual(e1["interim_rule"]["until"], "2027-03-31")
        self.assertEqual(e1["scs"]["level"], 0, "no SCS ★ on record")
        self.assertIn("SCS★3の取得ではありません", e1["reason"])
        self.assertIn("同等のサービス「" + EQUIV + "」", e1["reason"])
        self.assertNotIn("充足", e1["reason"] + e1["standing_label"])

        o1 = self.status("O1")
        self.assertEqual((o1["basis"], o1["standing_label"], o1["interim_rule"]["by"]),
                         ("interim", INTERIM, "otasuketai"))
        s1 = self.status("S1")
        self.assertEqual((s1["standing"], s1["basis"], s1["standing_label"], s1["interim_rule"]),
                         ("meets", "scheme", "充足", None))
        n1 = self.status("N1")
        self.assertEqual((n1["standing"], n1["basis"], n1["equivalent"]["description"]), ("below", None, None))
        self.assertTrue(n1["equivalent"]["reported"])
        x1 = self.status("X1")
        self.assertEqual((x1["standing"], x1["basis"], x1["standing_label"]), ("expired", None, "期限切れ"))
        self.assertIn("同等のサービスの有効期限が 2026-10-31 に終了", x1["reason"])

        # the CLI's words (core/vocabulary.hpp): the buyer's rule, not 充足
        p = self.run_cli("status", "E1")
        self.assertEqual(p.returncode, 0, p.err)
        self.assertIn("meets（" + INTERIM + "）", p.out)
        self.assertNotIn("充足", p.out)
        self.assertIn("同等のサービス    " + EQUIV + "（有効期限 2027-06-30）", p.out)
        self.assertIn("meets（充足）", self.run_cli("status", "S1").out)

    def test_bad_equivalent_cells_are_named_by_row_and_column_and_change_nothing(self):
        rows = [
            good_row("B1", **SA2) + [EQUIV, ""],  # 2 no validity date
            good_row("B2", **SA2) + ["あ" * 201, "2027-06-30"],  # 3 too long
            good_row("B3", **SA2) + [EQUIV, "来年"],  # 4 not a date
        ]
        _, s, err = self.import_csv(csv_text(HEADER, rows), expect=1)
        self.assert_rejected(s, [(2, "同等のサービス有効期限", "有効期限が必要"),
                                 (3, "同等のサービス", "長すぎ"),
                                 (4, "同等のサービス有効期限", "")])
        self.assertIn(":2: 同等のサービス有効期限: ", err)
        self.assertEqual(self.codes(), [])

    def test_export_writes_the_columns_and_reads_back_the_same(self):
        self.load()
        p = self.run_cli("export", "suppliers", "--encoding", "utf-8")
        self.assertEqual(p.returncode, 0, p.err)
        rows = list(csv.reader(io.StringIO(p.out.lstrip("\ufeff"))))
        at = rows[0].index("同等のサービス")
        self.assertEqual(rows[0][at + 1], "同等のサービス有効期限")
        by_code = {r[0]: r for r in rows[1:]}
        self.assertEqual(by_code["E1"][at:at + 2], [EQUIV, "2027-06-30"])
        self.assertEqual(by_code["N1"][at], "なし")
        _, s, _ = self.import_csv(p.out, expect=0, name="again.csv")
        self.assertEqual((s["imported"], s["updated"], s["unchanged"]), (0, 0, 5))

    def test_the_rest_update_records_an_equivalent_with_its_date(self):
        self.load()
        key = self.run_cli("apikey", "create", "--name", "erp", "--role", "buyer").out.strip()
        server = Server(self.db)
        try:
            r = server.request("PATCH", "/api/v1/suppliers/N1", {"equivalent": {"description": EQUIV}}, key=key,
                               user="buyer-yamada")
            self.assertEqual(r.status, 400, r.text)
            self.assertIn("equivalent.until", r.text)
            self.assertEqual(self.status("N1")["standing"], "below", "nothing half-written")
            r = server.request("PATCH", "/api/v1/suppliers/N1",
                               {"equivalent": {"description": EQUIV, "until": "2027/12/31"}}, key=key,
                               user="buyer-yamada")
            self.assertEqual(r.status, 200, r.text)
            doc = r.json()
            self.assertEqual((doc["standing"], doc["basis"], doc["standing_label"]), ("meets", "interim", INTERIM))
            self.assertEqual(doc["equivalent"]["until"], "2027-12-31")
            self.assertEqual([h["to"] for h in self.history("N1") if h["field"] == "equiv_until"], ["2027-12-31"])
        finally:
            code, _, err = server.stop()
            self.assertEqual(code, 0, err)

    def webhook_events(self, code):
        sql = "SELECT data FROM webhook_events WHERE vendor_code = '%s' ORDER BY id" % code
        if cli_support.BACKEND == "sqlite":
            out = subprocess.run(["sqlite3", self.db, sql], check=True, capture_output=True, timeout=60).stdout
        else:
            out = subprocess.run(["psql", self.db, "-At", "-c", sql], check=True, capture_output=True,
                                 timeout=60).stdout
        return [json.loads(line) for line in out.decode("utf-8").splitlines() if line.strip()]

    def test_the_csv_connector_and_the_webhook_name_the_buyers_rule(self):
        codes = ["E1", "O1", "S1"]
        master = self.write("master.csv", csv_text(["取引先コード", "会社名"],
                                                   [[c, "株式会社テスト" + c] for c in codes]))
        out = os.path.join(self.tmp, "standings.csv")
        secret = self.write("hook.secret", "abcdefghijklmnopqrstuvwxyz0123456789\n")
        cfg = self.write("c.yaml", "connectors:\n  - name: erp-csv\n    kind: csv\n    path: %s\n"
                         "    standings_out: %s\nwebhooks:\n  - name: h\n    url: http://127.0.0.1:1/\n"
                         "    secret_file: %s\n" % (master, out, secret))
        p = self.run_cli("sync", "--config", cfg, "--json")  # the webhook endpoint is registered
        self.assertEqual(p.returncode, 0, p.err)
        self.import_csv(csv_text(HEADER, register()[:3]), expect=0)
        p = self.run_cli("sync", "--config", cfg, "--json")
        self.assertEqual(p.returncode, 0, p.err)
        with open(out, encoding="utf-8-sig") as f:
            self.assertEqual(f.read().splitlines(), ["取引先コード,星取表,要求SCS", "E1,%s,★3" % INTERIM,
                                                     "O1,%s,★3" % INTERIM, "S1,充足,★3"])
        after = self.webhook_events("E1")[-1]["after"]
        self.assertEqual((after["standing"], after["basis"], after["label"]), ("meets", "interim", INTERIM))
        self.assertIn("同等のサービス", after["interim_rule"]["description"])
        after = self.webhook_events("S1")[-1]["after"]
        self.assertEqual((after["basis"], after["label"]), ("scheme", "充足"))
        self.assertNotIn("interim_rule", after)


class Board(CliTest):
    def setUp(self):
        super().setUp()
        self.init()
        self.import_csv(csv_text(HEADER, register()), expect=0)
        p = self.run_cli("apikey", "create", "--name", "erp-proxy", "--role", "buyer")
        self.assertEqual(p.returncode, 0, p.err)
        self.key = p.out.strip()
        self.server = Server(self.db)

    def tearDown(self):
        code, _, err = self.server.stop()
        self.assertEqual(code, 0, err)
        super().tearDown()

    def get(self, path):
        r = self.server.request("GET", path, key=self.key)
        self.assertEqual(r.status, 200, r.text)
        return r.text

    @staticmethod
    def row(html, code):
        rows = [r for r in html.split("<tr")[1:] if ">%s</a>" % code in r]
        assert len(rows) == 1, (code, rows)
        return rows[0]

    def test_the_board_shows_the_buyers_rule_with_its_description(self):
        html = self.get("/erp/")
        for code in ("E1", "O1"):
            row = self.row(html, code)
            self.assertIn("○</span> " + INTERIM, row)
            self.assertNotIn("充足", row)
            self.assertIn("hs-interim", row)
        self.assertIn("◎</span> 充足", self.row(html, "S1"))
        self.assertIn("同等のサービス（2027-06-30 まで）", self.row(html, "E1"))
        # the legend: the rule's own words, and that it is not the scheme's ★
        self.assertIn("SCS評価制度の★ではなく、当社が独自に定めた暫定の基準です", html)
        self.assertIn("お助け隊サービスの契約または同等のサービス", html)
        self.assertIn("（うち当社の暫定基準 2）", html)
        en = self.get("/erp/?lang=en")
        self.assertIn("Our own interim rule (★3 equivalent)", self.row(en, "E1"))

    def test_the_panel_and_the_csv_say_the_same(self):
        html = self.get("/erp/suppliers/E1")
        verdict = html.split('hs-verdict">', 1)[1].split("</p>", 1)[0]
        self.assertIn("○</span> " + INTERIM + " — " + INTERIM, verdict)  # the label, then the reason
        self.assertNotIn("充足", verdict)
        self.assertIn("SCS評価制度の★ではなく", html)
        self.assertIn("お助け隊サービスの契約または同等のサービス", html)  # the rule's description
        self.assertIn("<dt>同等のサービス</dt><dd>" + EQUIV + "（2027-06-30 まで）</dd>", html)
        r = self.server.request("GET", "/erp/suppliers.csv", key=self.key)
        rows = {x[0]: x for x in csv.reader(io.StringIO(r.body.decode("utf-8-sig")))}
        self.assertEqual(rows["E1"][7], "○ " + INTERIM)
        self.assertEqual(rows["O1"][7], "○ " + INTERIM)
        self.assertEqual(rows["S1"][7], "◎ 充足")
        self.assertIn("SCS★3の取得ではありません", rows["E1"][8])


if __name__ == "__main__":
    sys.exit(cli_support.main())
