#!/usr/bin/env python3
"""Bounded evidence (issue 14) on a real `hoshitori serve`, real multipart bodies and the
database behind it: the policy's limits per upload, per request and per link and hour (the
last counted in the database, so two servers share it), identical bytes stored once, the
supplier's withdrawal (bytes deleted when the buyer never downloaded them, kept until
retention when it did) and page queries that never read the bytes.

usage: /usr/bin/python3 test_evidence_limits.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR
"""
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_support  # noqa: E402
from api_support import Server  # noqa: E402
from cli_support import CliTest  # noqa: E402
from requests_support import fair_request  # noqa: E402
from supplier_page_support import Browser, png_bytes  # noqa: E402
from test_screens import Page  # noqa: E402

KiB = 1024


def pdf(size, tag):
    """A file judged a PDF (it starts with %PDF-) of exactly `size` bytes, different per tag."""
    head = b"%PDF-1.4\n%" + tag.encode() + b"\n"
    return head + b"0" * (size - len(head))


class EvidenceCase(CliTest):
    # the limits this suite's server runs with (policy.yaml `evidence:`)
    LIMITS = {"max_file_bytes": "4 KiB", "max_files_per_upload": 3, "max_files_per_request": 4,
              "max_bytes_per_request": "8 KiB", "max_uploads_per_link_per_hour": 100}

    def setUp(self):
        super().setUp()
        self.init()
        self.import_file(os.path.join(cli_support.SAMPLE_DIR, "suppliers.csv"), expect=0)
        self.key = self.run_cli("apikey", "create", "--name", "erp", "--role", "buyer").out.strip()
        self.policy = self.write_policy(self.LIMITS)
        self.servers = [Server(self.db, pre=["--policy", self.policy])]
        self.server = self.servers[0]
        self.number = self.issue("V0001")
        self.path = self.link(self.number)
        self.browser = Browser(self.server.base)

    def tearDown(self):
        for s in self.servers:
            code, _, err = s.stop()
            self.assertEqual(code, 0, err)
        super().tearDown()

    # -- set-up -------------------------------------------------------------------------

    def write_policy(self, limits):
        with open(os.path.join(cli_support.SAMPLE_DIR, os.pardir, "schemas", "policy.yaml"), encoding="utf-8") as f:
            text = f.read()
        text = re.sub(r"(?ms)^evidence:\n(?:[ #].*\n)*", "", text)  # the shipped section, replaced
        text += "evidence:\n" + "".join("  %s: %s\n" % kv for kv in limits.items())
        return self.write("policy.yaml", text)

    def issue(self, code):
        r = self.server.request("POST", "/api/v1/requests", body={"request": fair_request(code)}, key=self.key,
                                user="buyer-tanaka")
        self.assertEqual(r.status, 201, r)
        return r.json()["number"]

    def link(self, number):
        p = self.run_cli("request", "link", number)
        self.assertEqual(p.returncode, 0, p.err)
        return p.out.strip()

    # -- the supplier's side ---------------------------------------------------------------

    def page(self, browser=None, path=None):
        status, _, body = (browser or self.browser).open(path or self.path)
        self.assertEqual(status, 200, body[:500])
        return body, Page(body)

    def csrf(self, browser=None, path=None):
        _, p = self.page(browser, path)
        return [a["value"] for t, a in p.tags if t == "input" and a.get("name") == "csrf"][0]

    def upload(self, files, expect=303, browser=None, path=None):
        """files: [(name, bytes)] → (status, headers, page text)."""
        browser = browser or self.browser
        path = path or self.path
        fields = [("csrf", self.csrf(browser, path)), ("topic", "sa"), ("name", "佐藤")]
        typed = [(n, "image/png" if d.startswith(b"\x89PNG") else "application/pdf", d) for n, d in files]
        status, headers, body = browser.upload(path + "/evidence", fields, typed)
        self.assertEqual(status, expect, body[:800])
        return status, headers, Page(body).all_text()

    def withdraw(self, file_id, expect=303, csrf=None):
        form = {"csrf": self.csrf() if csrf is None else csrf, "file": str(file_id)}
        status, headers, body = self.browser.open(self.path + "/withdraw", form)
        self.assertEqual(status, expect, body[:800])
        return headers, Page(body).all_text()

    # -- the staff's side and the database -----------------------------------------------

    def listed(self, code="V0001"):
        r = self.server.request("GET", "/api/v1/suppliers/%s/evidence" % code, key=self.key)
        self.assertEqual(r.status, 200, r)
        return r.json()["files"]

    def download(self, f, expect=200):
        r = self.server.request("GET", f["href"], key=self.key, user="buyer-tanaka")
        self.assertEqual(r.status, expect, r)
        return r

    def query(self, sql):
        """Rows of a SELECT run behind hoshitori's back, every value as text."""
        if cli_support.BACKEND == "sqlite":
            with sqlite3.connect(self.db) as c:
                return [tuple(None if v is None else str(v) for v in row) for row in c.execute(sql)]
        p = subprocess.run(["psql", self.db, "-v", "ON_ERROR_STOP=1", "-AtF", "\t", "-c", sql], check=True,
                           capture_output=True, timeout=60)
        return [tuple(line.split("\t")) for line in p.stdout.decode().splitlines() if line]

    def count(self, table):
        return int(self.query("SELECT COUNT(*) FROM " + table)[0][0])

    def audit(self, action):
        export = self.run_cli("export", "audit", "--format", "jsonl", "--out", "-").out
        out = []
        for line in export.splitlines():
            e = json.loads(line)
            if e.get("action") == action:  # (the last line is the chain head)
                after = e["after_json"]
                e["after"] = json.loads(after) if isinstance(after, str) else after
                out.append(e)
        return out


class Limits(EvidenceCase):
    def test_per_file_per_upload_and_per_request_limits_refuse_in_japanese_and_store_nothing(self):
        self.upload([("a.pdf", pdf(2 * KiB, "a")), ("b.pdf", pdf(2 * KiB, "b")), ("c.pdf", pdf(2 * KiB, "c"))])
        self.assertEqual(self.count("evidence_blobs"), 3)
        # the request would hold 9 KiB of its 8 KiB
        _, _, text = self.upload([("d.pdf", pdf(3 * KiB, "d"))], expect=413)
        self.assertIn("合計 8.0 KB まで", text)
        self.assertIn("受付済み 6.0 KB", text)
        self.assertIn("何も保存していません", text)
        self.assertIn("取り下げ", text)  # the way out is named, and the page shows the files to withdraw
        # … or 5 files of its 4
        _, _, text = self.upload([("e.png", png_bytes()), ("f.pdf", pdf(100, "f"))], expect=400)
        self.assertIn("4 個まで", text)
        self.assertIn("何も保存していません", text)
        # one file over max_file_bytes, and more files at once than max_files_per_upload
        _, _, text = self.upload([("大きな確認書.pdf", pdf(4 * KiB + 1, "big"))], expect=413)
        self.assertIn("大きな確認書.pdf", text)
        self.assertIn("4.0 KB", text)
        _, _, text = self.upload([("%d.pdf" % i, pdf(100, str(i))) for i in range(4)], expect=400)
        self.assertIn("3 個まで", text)
        self.assertEqual(len(self.listed()), 3)
        self.assertEqual((self.count("evidence_files"), self.count("evidence_blobs")), (3, 3))
        self.assertEqual(len(self.audit("evidence.uploaded")), 3)
        # exactly up to the limits is fine: 4 files, 6 KiB + 2 KiB = 8 KiB
        self.upload([("g.pdf", pdf(2 * KiB, "g"))])
        # now full: refused before the body is read (a large body is read and dropped, the
        # answer still arrives)
        _, _, text = self.upload([("h.pdf", pdf(4 * KiB, "h")), ("i.pdf", pdf(4 * KiB, "i"))], expect=400)
        self.assertIn("4 個まで", text)
        self.assertEqual(self.count("evidence_files"), 4)
        # the page states the limits and what the request holds
        text = self.page()[1].all_text()
        self.assertIn("1ファイル 4.0 KB まで、一度に 3 個まで、この要請には合計 4 個・8.0 KB まで", text)
        self.assertIn("受付済み 4 個・8.0 KB", text)
        # a withdrawn file no longer counts
        self.withdraw(self.listed()[0]["id"])
        self.upload([("j.pdf", pdf(2 * KiB, "j"))])
        self.assertEqual([f["filename"] for f in self.listed() if f["withdrawn_at"] is None],
                         ["b.pdf", "c.pdf", "g.pdf", "j.pdf"])

    def test_identical_bytes_are_stored_once(self):
        same = pdf(KiB + 512, "same")
        self.upload([("a.pdf", same), ("a-copy.pdf", same)])
        self.upload([("again.pdf", same), ("other.pdf", pdf(KiB, "other"))])
        # another supplier sending the same bytes shares them too
        theirs = Browser(self.server.base)
        other_path = self.link(self.issue("V0002"))
        self.upload([("theirs.pdf", same)], browser=theirs, path=other_path)
        sha = hashlib.sha256(same).hexdigest()
        self.assertEqual(self.count("evidence_files"), 5)
        self.assertEqual(self.query("SELECT sha256, size_bytes FROM evidence_blobs ORDER BY size_bytes DESC"),
                         [(sha, str(len(same))), (hashlib.sha256(pdf(KiB, "other")).hexdigest(), str(KiB))])
        self.assertEqual(self.query("SELECT COUNT(*) FROM evidence_files WHERE sha256 = '%s'" % sha), [("4",)])
        for f in self.listed() + self.listed("V0002"):
            self.assertEqual(hashlib.sha256(self.download(f).body).hexdigest(), f["sha256"])
        # each file is still its own record, audited on its own
        self.assertEqual(len(self.audit("evidence.uploaded")), 5)


class RateLimit(EvidenceCase):
    LIMITS = dict(EvidenceCase.LIMITS, max_files_per_request=20, max_bytes_per_request="1 MiB",
                  max_files_per_upload=2, max_uploads_per_link_per_hour=4)

    def test_uploads_per_link_and_hour_are_counted_in_the_database_for_every_server(self):
        other = Server(self.db, pre=["--policy", self.policy])
        self.servers.append(other)
        on_b = Browser(other.base)
        self.upload([("1.pdf", pdf(200, "1")), ("2.pdf", pdf(200, "2"))])
        self.upload([("3.pdf", pdf(200, "3"))], browser=on_b)
        # 3 received in the hour, 2 more would make 5 of 4: refused exactly, under the write lock
        status, headers, text = self.upload([("4.pdf", pdf(200, "4")), ("5.pdf", pdf(200, "5"))], expect=429)
        self.assertIn("1時間に 4 個まで", text)
        self.assertIn("何も保存していません", text)
        retry = int(headers["Retry-After"])
        self.assertTrue(1 <= retry <= 3600, retry)
        self.upload([("4.pdf", pdf(200, "4"))])
        # the fourth fills the hour: both servers refuse, before reading the body
        for browser in (self.browser, on_b):
            status, headers, text = self.upload([("6.pdf", pdf(200, "6"))], expect=429, browser=browser)
            self.assertIn("しばらくお待ちください", text)
            self.assertTrue(1 <= int(headers["Retry-After"]) <= 3600)
        self.assertEqual(self.count("evidence_files"), 4)
        # a withdrawal does not give the hour back (the limit bounds upload churn)
        self.withdraw(self.listed()[0]["id"])
        self.upload([("6.pdf", pdf(200, "6"))], expect=429)
        # the limit is per link: another link of the same request may send
        fresh = Browser(self.server.base)
        self.upload([("7.pdf", pdf(200, "7"))], browser=fresh, path=self.link(self.number))
        # an hour later (the files' times moved back, behind the service) the first link may send again
        self.sql("DROP TRIGGER evidence_files_no_update" if cli_support.BACKEND == "sqlite"
                 else "DROP TRIGGER evidence_files_append_only ON evidence_files")
        self.sql("UPDATE evidence_files SET uploaded_at = '2000-01-01T00:00:00.000Z'")
        self.upload([("8.pdf", pdf(200, "8")), ("9.pdf", pdf(200, "9"))])
        self.assertEqual(self.count("evidence_files"), 7)


class Withdrawal(EvidenceCase):
    def panel_text(self):
        r = self.server.request("GET", "/erp/suppliers/V0001", key=self.key)
        self.assertEqual(r.status, 200, r)
        return Page(r.text).all_text()

    def test_withdrawn_before_any_download_its_bytes_are_deleted(self):
        data = pdf(2 * KiB, "mistake")
        self.upload([("間違い.pdf", data)])
        f = self.listed()[0]
        self.assertEqual((f["withdrawn_at"], f["content_stored"]), (None, True))
        body, p = self.page()
        forms = [a for t, a in p.tags if t == "form" and a["action"].endswith("/withdraw")]
        self.assertEqual(len(forms), 1)
        self.assertIn("「間違い.pdf」を取り下げる", p.all_text())
        self.assertIn("未ダウンロード", p.all_text())
        # CSRF-protected like every supplier form
        self.withdraw(f["id"], csrf="x" * 43, expect=403)
        status, _, _ = Browser(self.server.base).open(self.path + "/withdraw", {"file": str(f["id"])})
        self.assertEqual(status, 403)
        self.assertEqual(self.count("evidence_withdrawals"), 0)
        headers, _ = self.withdraw(f["id"])
        self.assertTrue(headers["Location"].endswith("?done=withdraw"))
        self.assertIn("ファイルを取り下げました", self.browser.open(self.path + "?done=withdraw")[2])
        # the bytes are gone, the record of the file and of its withdrawal stay
        self.assertEqual(self.count("evidence_blobs"), 0)
        f = self.listed()[0]
        self.assertEqual(f["content_stored"], False)
        self.assertIsNotNone(f["withdrawn_at"])
        self.assertEqual(f["withdrawn_by"], "supplier:V0001")
        r = self.download(f, expect=410)
        self.assertIn("withdrawn", r.json()["detail"])
        events = self.audit("evidence.withdrawn")
        self.assertEqual(len(events), 1)
        self.assertEqual(events[0]["after"]["content"], "deleted")
        self.assertEqual(events[0]["after"]["sha256"], hashlib.sha256(data).hexdigest())
        self.assertTrue(events[0]["via"].startswith("supplier-link:"))
        self.assertIn("取引先が取り下げ", self.panel_text())
        self.assertIn("削除済み", self.panel_text())
        text = self.page()[1].all_text()
        self.assertIn("ファイルは削除しました", text)
        self.assertNotIn("を取り下げる", text)
        # twice, or a file of another request, is refused on the page
        _, text = self.withdraw(f["id"], expect=400)
        self.assertIn("すでに取り下げられています", text)
        other = self.issue("V0002")
        theirs, their_path = Browser(self.server.base), self.link(other)
        self.upload([("theirs.pdf", pdf(KiB, "theirs"))], browser=theirs, path=their_path)
        _, text = self.withdraw(self.listed("V0002")[0]["id"], expect=400)
        self.assertIn("見つかりません", text)
        _, text = self.withdraw("1 OR 1=1", expect=400)
        self.assertEqual(self.listed("V0002")[0]["withdrawn_at"], None)

    def test_a_head_request_is_not_a_download_and_a_cut_body_is_not_stored(self):
        data = pdf(2 * KiB, "looked-at")
        self.upload([("見ただけ.pdf", data)])
        f = self.listed()[0]
        r = self.server.request("HEAD", f["href"], key=self.key, user="buyer-tanaka")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers["Content-Length"], str(len(data)))
        self.assertEqual(r.body, b"")
        self.assertEqual(self.count("evidence_downloads"), 0)
        self.withdraw(f["id"])
        self.assertEqual(self.count("evidence_blobs"), 0)  # never downloaded: the bytes are gone
        # a multipart body without its closing delimiter is refused, nothing stored
        boundary = "cutcutcut"
        body = ("--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n--%s\r\n"
                "Content-Disposition: form-data; name=\"files\"; filename=\"cut.pdf\"\r\n"
                "Content-Type: application/pdf\r\n\r\n" % (boundary, self.csrf(), boundary)).encode() + data[:100]
        status, _, page = self.browser.open(self.path + "/evidence", raw=body, headers={
            "Content-Type": "multipart/form-data; boundary=" + boundary})
        self.assertEqual(status, 400, page[:300])
        self.assertIn("途中で切れています", page)
        self.assertEqual(len(self.listed()), 1)

    def test_withdrawn_after_a_staff_download_its_bytes_are_kept_until_retention(self):
        data = pdf(2 * KiB, "downloaded")
        self.upload([("確認書.pdf", data)])
        f = self.listed()[0]
        self.assertEqual(self.download(f).body, data)
        downloads = self.audit("evidence.downloaded")
        self.assertEqual([(e["actor"], e["after"]["sha256"]) for e in downloads],
                         [("buyer-tanaka", hashlib.sha256(data).hexdigest())])
        self.assertEqual(self.count("evidence_downloads"), 1)
        self.assertIn("ダウンロード済み", self.page()[1].all_text())
        self.withdraw(f["id"])
        self.assertEqual(self.count("evidence_blobs"), 1)
        f = self.listed()[0]
        self.assertIsNotNone(f["withdrawn_at"])
        self.assertEqual(f["content_stored"], True)
        self.assertEqual(self.download(f).body, data)  # staff still have it, marked withdrawn
        self.assertEqual(self.audit("evidence.withdrawn")[0]["after"]["content"], "kept_downloaded")
        self.assertIn("保存期間", self.panel_text())
        self.assertIn("記録の保存期間が終わるまで保管されます", self.page()[1].all_text())
        # not deletable behind the service either
        with self.assertRaises(subprocess.CalledProcessError) as caught:
            self.sql("DELETE FROM evidence_blobs")
        self.assertIn("kept until its request is purged", caught.exception.stderr.decode())
        for sql in ("DELETE FROM evidence_withdrawals", "UPDATE evidence_downloads SET actor = 'x'"):
            with self.assertRaises(subprocess.CalledProcessError, msg=sql) as caught:
                self.sql(sql)
            self.assertIn("append-only", caught.exception.stderr.decode(), sql)
        # the purge past retention takes the file, its withdrawal, its downloads and the bytes
        status, _, body = self.browser.open(self.path + "/answer", {"csrf": self.csrf(), "choice": "decline",
                                                                     "reason": "今期は予算がありません"})
        self.assertEqual(status, 303, body[:500])
        env = cli_support.env()
        env["HOSHITORI_TODAY"] = "2029-12-01"
        p = subprocess.run([cli_support.BIN, "--db", self.db, "purge", "--by", "records"], env=env,
                           capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertEqual(p.stdout.decode().split(), [self.number])
        self.assertEqual([self.count(t) for t in ("evidence_files", "evidence_withdrawals", "evidence_downloads",
                                                  "evidence_blobs")], [0, 0, 0, 0])

    def test_bytes_another_standing_file_shows_are_kept_until_it_goes_too(self):
        same = pdf(KiB, "same")
        self.upload([("one.pdf", same), ("two.pdf", same)])
        one, two = self.listed()
        self.withdraw(one["id"])
        self.assertEqual(self.count("evidence_blobs"), 1)
        self.assertEqual(self.download(two).body, same)  # two is downloaded, one never was
        self.withdraw(two["id"])
        self.assertEqual(self.count("evidence_blobs"), 1)  # the buyer has the bytes (through two)
        self.assertEqual([e["after"]["content"] for e in self.audit("evidence.withdrawn")],
                         ["kept_in_use", "kept_downloaded"])


class PageQueries(EvidenceCase):
    def test_the_supplier_page_and_the_staff_panel_never_read_the_bytes(self):
        data = pdf(3 * KiB, "large")
        self.upload([("large.pdf", data), ("small.png", png_bytes())])
        # behind the service: the bytes' column is taken away (a view without it stands in
        # for the table), so any query that reads bytes fails
        self.sql("ALTER TABLE evidence_blobs RENAME TO evidence_blobs_hidden")
        self.sql("CREATE VIEW evidence_blobs AS SELECT sha256, size_bytes, stored_at FROM evidence_blobs_hidden")
        text = self.page()[1].all_text()
        self.assertIn("large.pdf", text)
        self.assertIn(hashlib.sha256(data).hexdigest(), text)
        r = self.server.request("GET", "/erp/suppliers/V0001", key=self.key)
        self.assertEqual(r.status, 200, r)
        self.assertIn("large.pdf", r.text)
        self.assertEqual([f["content_stored"] for f in self.listed()], [True, True])
        r = self.server.request("GET", "/api/v1/suppliers/V0001/evidence?number=" + self.number, key=self.key)
        self.assertEqual(r.status, 200, r)
        # … while a download, which does read them, fails: the check has teeth
        self.download(self.listed()[0], expect=500)
        # the supplier can still send (the upload writes bytes, and a blob is only looked up by key)
        self.sql("DROP VIEW evidence_blobs")
        self.sql("ALTER TABLE evidence_blobs_hidden RENAME TO evidence_blobs")
        self.assertEqual(self.download(self.listed()[0]).body, data)



class Migration(EvidenceCase):
    """Files stored before migration 012 (bytes in evidence_files.content_base64) move to
    evidence_blobs, one blob per distinct content."""

    DOWNGRADE = {
        "sqlite": [
            # what came after 012 goes first (the migrator applies what is missing only when
            # the newest applied version is older than its own)
            "DROP TABLE supplier_standing_links", "ALTER TABLE requests DROP COLUMN origin",
            "DELETE FROM schema_version WHERE version = 18",
            "ALTER TABLE suppliers DROP COLUMN equiv_service", "ALTER TABLE suppliers DROP COLUMN equiv_until",
            "DELETE FROM schema_version WHERE version = 17",
            "DROP TABLE agreement_codes", "DROP TRIGGER agreement_scans_no_update",
            "DROP TRIGGER agreement_scans_no_delete", "DROP TABLE agreement_scans",
            "DELETE FROM schema_version WHERE version = 16",
            "DROP TABLE briefing_links", "DROP TABLE briefing_materials", "DROP TABLE briefing_answers",
            "DELETE FROM schema_version WHERE version = 14",
            "ALTER TABLE suppliers DROP COLUMN capital_yen", "ALTER TABLE suppliers DROP COLUMN employees",
            "DELETE FROM schema_version WHERE version = 13",
            "DROP TRIGGER evidence_blobs_kept", "DROP TRIGGER evidence_blobs_no_update", "DROP TABLE evidence_downloads", "DROP TABLE evidence_withdrawals",
            "DROP TRIGGER evidence_files_release_blob", "DROP INDEX evidence_files_sha256",
            "DROP INDEX evidence_files_link", "ALTER TABLE evidence_files DROP COLUMN link_id",
            "ALTER TABLE evidence_files ADD COLUMN content_base64 TEXT NOT NULL DEFAULT ''",
            "DROP TRIGGER evidence_files_no_update",
            "UPDATE evidence_files SET content_base64 = (SELECT b.content_base64 FROM evidence_blobs b "
            "WHERE b.sha256 = evidence_files.sha256)",
            "CREATE TRIGGER evidence_files_no_update BEFORE UPDATE ON evidence_files BEGIN "
            "SELECT RAISE(ABORT, 'evidence_files is append-only'); END",
            "DROP TABLE evidence_blobs", "DELETE FROM schema_version WHERE version = 12"],
        "postgresql": [
            "DROP TABLE supplier_standing_links", "ALTER TABLE requests DROP COLUMN origin",
            "DELETE FROM schema_version WHERE version = 18",
            "ALTER TABLE suppliers DROP COLUMN equiv_service", "ALTER TABLE suppliers DROP COLUMN equiv_until",
            "DELETE FROM schema_version WHERE version = 17",
            "DROP TABLE agreement_codes", "DROP TABLE agreement_scans",
            "DELETE FROM schema_version WHERE version = 16",
            "DROP TABLE briefing_links", "DROP TABLE briefing_materials", "DROP TABLE briefing_answers",
            "DELETE FROM schema_version WHERE version = 14",
            "ALTER TABLE suppliers DROP COLUMN capital_yen", "ALTER TABLE suppliers DROP COLUMN employees",
            "DELETE FROM schema_version WHERE version = 13",
            "DROP TABLE evidence_downloads", "DROP TABLE evidence_withdrawals",
            "DROP TRIGGER evidence_files_release_blob ON evidence_files",
            "DROP FUNCTION hoshitori_evidence_release_blob()", "DROP INDEX evidence_files_sha256",
            "DROP INDEX evidence_files_link", "ALTER TABLE evidence_files DROP COLUMN link_id",
            "ALTER TABLE evidence_files ADD COLUMN content_base64 TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE evidence_files DISABLE TRIGGER evidence_files_append_only",
            "UPDATE evidence_files SET content_base64 = (SELECT b.content_base64 FROM evidence_blobs b "
            "WHERE b.sha256 = evidence_files.sha256)",
            "ALTER TABLE evidence_files ENABLE TRIGGER evidence_files_append_only",
            "DROP TABLE evidence_blobs", "DROP FUNCTION hoshitori_evidence_blob_kept()",
            "DELETE FROM schema_version WHERE version = 12"],
    }

    def test_files_stored_before_012_move_to_one_blob_per_content(self):
        same, other = pdf(KiB, "same"), png_bytes()
        self.upload([("a.pdf", same), ("b.pdf", same), ("c.png", other)])
        before = self.listed()
        code, _, err = self.server.stop()
        self.assertEqual(code, 0, err)
        self.servers = []
        # back to the shape 007–010 left: the bytes in each row, no blobs
        for statement in self.DOWNGRADE[cli_support.BACKEND]:
            self.sql(statement)
        self.assertEqual(self.query("SELECT COUNT(*) FROM evidence_files WHERE content_base64 <> ''"), [("3",)])
        self.server = Server(self.db, pre=["--policy", self.policy])  # migrates
        self.servers = [self.server]
        self.browser = Browser(self.server.base)
        self.assertEqual(self.query("SELECT COUNT(*) FROM schema_version WHERE version = 12"), [("1",)])
        self.assertEqual(sorted(self.query("SELECT sha256 FROM evidence_blobs")),
                         sorted({(hashlib.sha256(d).hexdigest(),) for d in (same, other)}))
        after = self.listed()
        self.assertEqual([(f["id"], f["sha256"], f["withdrawn_at"], f["content_stored"]) for f in after],
                         [(f["id"], f["sha256"], None, True) for f in before])
        for f, data in zip(after, (same, same, other)):
            self.assertEqual(self.download(f).body, data)
        # and they behave like any other: withdrawn before a download, a shared content stays
        self.withdraw(after[0]["id"])
        self.assertEqual(self.count("evidence_blobs"), 2)


if __name__ == "__main__":
    sys.exit(cli_support.main())
