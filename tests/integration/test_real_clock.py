#!/usr/bin/env python3
"""The real clock (issue 16 item 9): every other suite fixes HOSHITORI_TODAY; here it is
unset and the process's clock is set with libfaketime, so the day Hoshitori uses comes
from the system clock. Standing and the import's "no future date" rule turn on the day in
Japan (UTC+9), whatever the machine's own time zone: at 15:00 UTC it is already the next
day there.

    python3 test_real_clock.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR

- `status`: an SCS valid until 2026-11-20 is 期限間近 at 14:59:59 UTC (23:59:59 in Japan)
  and 期限切れ at 15:00:00 UTC (00:00 on the 21st in Japan), under TZ=UTC and under
  TZ=Pacific/Honolulu (where it is still the 20th in the morning);
- `import`: an SA declaration dated 2026-11-21 is a future date at 14:59:59 UTC and
  accepted at 15:00:00 UTC;
- `serve`: one long-lived server answers 期限間近 and then 期限切れ as its clock crosses
  midnight in Japan (no restart; the cached standing is evaluated again).
"""
import datetime
import json
import os
import sys
import zoneinfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_support as cs  # noqa: E402
from api_support import Server  # noqa: E402

LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
HEADER = "vendor_code,name,scs_level,scs_valid_until,security_action,sa_declared_on\n"
BEFORE = datetime.datetime(2026, 11, 20, 14, 59, 59, tzinfo=datetime.timezone.utc)  # 23:59:59 JST
AFTER = datetime.datetime(2026, 11, 20, 15, 0, 0, tzinfo=datetime.timezone.utc)  # 00:00 JST on the 21st


def faketime_string(instant, tz):
    """libfaketime reads "@YYYY-MM-DD hh:mm:ss" in the process's local time zone."""
    return "@" + instant.astimezone(zoneinfo.ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M:%S")


class RealClock(cs.CliTest):
    def setUp(self):
        super().setUp()
        if not os.path.exists(LIBFAKETIME):
            self.fail("libfaketime is missing (apt-get install faketime; make deps-test installs it)")

    def clock_env(self, instant=None, tz="UTC", timestamp_file=None):
        e = cs.env()
        e.pop("HOSHITORI_TODAY")  # the point of this suite
        e.update(TZ=tz, LD_PRELOAD=LIBFAKETIME)
        if timestamp_file:
            e.update(FAKETIME_TIMESTAMP_FILE=timestamp_file, FAKETIME_NO_CACHE="1")
        else:
            e["FAKETIME"] = faketime_string(instant, tz)
        return e

    def at(self, instant, *args, tz="UTC"):
        p = cs.subprocess.run([cs.BIN, "--db", self.db] + list(args), capture_output=True,
                              env=self.clock_env(instant, tz), timeout=60)
        p.out, p.err = p.stdout.decode("utf-8"), p.stderr.decode("utf-8")
        return p

    def standing_at(self, instant, tz="UTC"):
        p = self.at(instant, "status", "X1", "--json", tz=tz)
        self.assertEqual(p.returncode, 0, p.err)
        return json.loads(p.out)["standing"]

    def load_x1(self):
        self.init()
        path = self.write("x1.csv", HEADER + "X1,時計テスト,3,2026-11-20,★★,2026-04-01\n")
        p = self.at(BEFORE - datetime.timedelta(hours=5), "import", "suppliers", path)
        self.assertEqual(p.returncode, 0, p.err)

    def test_the_faked_clock_reaches_the_product(self):
        # without the clock this suite proves nothing: the day must move with FAKETIME alone
        self.load_x1()
        self.assertEqual(self.standing_at(BEFORE - datetime.timedelta(days=400)), "meets")

    def test_standing_turns_at_midnight_in_japan(self):
        self.load_x1()
        for tz in ("UTC", "Pacific/Honolulu", "Asia/Tokyo"):
            self.assertEqual(self.standing_at(BEFORE, tz), "expiring", tz)
            self.assertEqual(self.standing_at(AFTER, tz), "expired", tz)

    def test_a_declaration_dated_tomorrow_in_utc_is_today_in_japan(self):
        self.init()
        path = self.write("sa.csv", HEADER + "X2,日付テスト,,,★,2026-11-21\n")
        p = self.at(BEFORE, "import", "suppliers", path, "--json")
        self.assertEqual(p.returncode, 1, p.out + p.err)
        self.assertIn("未来の日付", json.loads(p.out)["rejected"][0]["reason"])
        p = self.at(AFTER, "import", "suppliers", path, "--json", tz="Pacific/Honolulu")
        self.assertEqual(p.returncode, 0, p.out + p.err)

    def test_a_running_server_crosses_midnight_in_japan(self):
        self.load_x1()
        p = self.at(BEFORE, "apikey", "create", "--name", "clock", "--role", "viewer")
        self.assertEqual(p.returncode, 0, p.err)
        key = p.out.strip().split()[-1]
        clock = self.write("clock.txt", faketime_string(BEFORE, "UTC") + "\n")
        own_env, server_env = cs.env, self.clock_env(tz="UTC", timestamp_file=clock)
        cs.env = lambda: server_env  # Server takes its environment from cli_support.env()
        try:
            server = Server(self.db)
        finally:
            cs.env = own_env
        try:
            r = server.request("GET", "/api/v1/suppliers/X1", key=key)
            self.assertEqual(r.status, 200, r.body)
            self.assertEqual(json.loads(r.body)["standing"], "expiring")
            with open(clock, "w") as f:
                f.write(faketime_string(AFTER, "UTC") + "\n")
            r = server.request("GET", "/api/v1/suppliers/X1", key=key)
            self.assertEqual(r.status, 200, r.body)
            self.assertEqual(json.loads(r.body)["standing"], "expired")
        finally:
            rc, _, err = server.stop()
        self.assertEqual(rc, 0, err)


if __name__ == "__main__":
    sys.exit(cs.main())
