/*
 * c_host.c — a plain C99 host of libhoshitori, the way an ERP written in C would use it.
 *
 *   c_host DATABASE CSV_FILE
 *
 * DATABASE is a SQLite path or a postgresql:// URL of an empty database; CSV_FILE is
 * sample-data/suppliers.csv. The environment (HOSHITORI_TODAY=2026-11-20,
 * HOSHITORI_SCHEMAS) is set by whoever starts this program.
 *
 * Prints one line per failed check and ends with "N passed, M failed";
 * exits 0 only when M == 0.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c_request_story.h"
#include "c_server.h"
#include "c_struct_sizes.h"
#include "hoshitori/hoshitori.h"

static int g_passed = 0;
static int g_failed = 0;

static void check_at(int ok, const char *what, int line) {
  if (ok) {
    ++g_passed;
  } else {
    ++g_failed;
    printf("FAIL (line %d): %s\n", line, what);
    fflush(stdout);
  }
}
#define CHECK(cond) check_at((cond) ? 1 : 0, #cond, __LINE__)

static void check_int_at(int actual, int expected, const char *what, int line) {
  if (actual == expected) {
    ++g_passed;
  } else {
    ++g_failed;
    printf("FAIL (line %d): %s: got %d, expected %d\n", line, what, actual, expected);
    fflush(stdout);
  }
}
#define CHECK_INT(actual, expected) check_int_at((actual), (expected), #actual, __LINE__)

static void check_str_at(const char *actual, const char *expected, const char *what, int line) {
  if (actual != NULL && strcmp(actual, expected) == 0) {
    ++g_passed;
  } else {
    ++g_failed;
    printf("FAIL (line %d): %s: got \"%s\", expected \"%s\"\n", line, what, actual ? actual : "(null)", expected);
    fflush(stdout);
  }
}
#define CHECK_STR(actual, expected) check_str_at((actual), (expected), #actual, __LINE__)

/* Fresh, correctly sized status struct. */
static void status_init(hoshitori_supplier_status_t *st) {
  memset(st, 0, sizeof *st);
  st->size = (unsigned int)sizeof *st;
}

/* Expected values of one supplier as of 2026-11-20 (from sample-data/suppliers.csv,
 * schemas/policy.yaml and the standing rules). */
struct expect {
  const char *key; /* vendor code or 法人番号 used for the lookup */
  int sa_level;
  int otasuketai_active;
  int scs_level;
  int required_scs;
  int standing;
  const char *scs_valid_until;
  const char *otasuketai_until;
  const char *standing_until;
  const char *corporate_number;
};

static const struct expect kExpect[] = {
    /* SA★★ + SCS★3 valid to 2027-02-17 (89 days), chart all いいえ → required ★3, meets */
    {"V0001", 2, -1, 3, 3, HOSHITORI_STANDING_MEETS, "2027-02-17", "", "2027-02-17", "1798643261622"},
    /* 法人番号 "５４３７-５５２９-８４１４０" normalises to 5437552984140; SCS★4, chart はい → ★4 */
    {"V0002", -1, -1, 4, 4, HOSHITORI_STANDING_MEETS, "2027-02-17", "", "2027-02-17", "5437552984140"},
    {"5437552984140", -1, -1, 4, 4, HOSHITORI_STANDING_MEETS, "2027-02-17", "", "2027-02-17", "5437552984140"},
    /* SCS★3 valid to 2026-12-15: 25 days left, within the 60-day window */
    {"V0003", 2, -1, 3, 3, HOSHITORI_STANDING_EXPIRING, "2026-12-15", "", "2026-12-15", "1159655655089"},
    /* interim rule: SA★★ + お助け隊 to 2027-03-31, but SA declared 2025-02-01 (> 365 days ago) */
    {"V0004", 2, 1, -1, 3, HOSHITORI_STANDING_EXPIRING, "", "2027-03-31", "2027-03-31", "3353670650988"},
    /* sole proprietor: no 法人番号; SA★ only → below */
    {"V0006", 1, -1, -1, 3, HOSHITORI_STANDING_BELOW, "", "", "", ""},
    /* chart はい → required ★4; SCS★3 (lapsed anyway) and SA★★ do not reach it */
    {"V0007", 2, -1, 3, 4, HOSHITORI_STANDING_BELOW, "2026-10-01", "", "", "2200740412010"},
    /* nothing reported at all */
    {"V0008", -1, -1, -1, 3, HOSHITORI_STANDING_UNKNOWN, "", "", "", "4463940580210"},
    /* お助け隊 contract ended 2026-10-31 → expired */
    {"V0013", 2, 0, -1, 3, HOSHITORI_STANDING_EXPIRED, "", "2026-10-31", "2026-10-31", "1085200863384"},
    /* SCS★4 lapsed 2026-09-30, required ★4 → expired */
    {"V0016", -1, -1, 4, 4, HOSHITORI_STANDING_EXPIRED, "2026-09-30", "", "2026-09-30", "9263995648892"},
};
#define N_EXPECT (sizeof kExpect / sizeof kExpect[0])

static void check_supplier(hoshitori *db, const struct expect *e) {
  hoshitori_supplier_status_t st;
  int rc;
  char what[160];
  status_init(&st);
  rc = hoshitori_supplier_status(db, e->key, &st);
  snprintf(what, sizeof what, "supplier_status(%s) rc (%s)", e->key, rc == HOSHITORI_OK ? "" : hoshitori_errmsg(db));
  check_int_at(rc, HOSHITORI_OK, what, __LINE__);
  if (rc != HOSHITORI_OK) return;
#define FIELD_INT(f)                                \
  do {                                              \
    snprintf(what, sizeof what, "%s: " #f, e->key); \
    check_int_at(st.f, e->f, what, __LINE__);       \
  } while (0)
#define FIELD_STR(f)                                \
  do {                                              \
    snprintf(what, sizeof what, "%s: " #f, e->key); \
    check_str_at(st.f, e->f, what, __LINE__);       \
  } while (0)
  FIELD_INT(sa_level);
  FIELD_INT(otasuketai_active);
  FIELD_INT(scs_level);
  FIELD_INT(required_scs);
  FIELD_INT(standing);
  FIELD_STR(scs_valid_until);
  FIELD_STR(otasuketai_until);
  FIELD_STR(standing_until);
  FIELD_STR(corporate_number);
#undef FIELD_INT
#undef FIELD_STR
  snprintf(what, sizeof what, "%s: active", e->key);
  check_int_at(st.active, 1, what, __LINE__);
  snprintf(what, sizeof what, "%s: size left as set", e->key);
  check_int_at((int)st.size, (int)sizeof st, what, __LINE__);
  snprintf(what, sizeof what, "%s: reason non-empty and NUL-terminated", e->key);
  check_at(st.reason[0] != '\0' && memchr(st.reason, '\0', sizeof st.reason) != NULL, what, __LINE__);
}

/* ---- threads ---------------------------------------------------------------------- */

#define N_THREADS 4
#define N_CALLS 20000

struct thread_arg {
  hoshitori *db;
  int index;
  int failures;
  int first_rc;
  char first_failure[200];
};

static void *thread_main(void *p) {
  struct thread_arg *a = (struct thread_arg *)p;
  int i;
  for (i = 0; i < N_CALLS; ++i) {
    /* each thread walks the table from a different start, so the same entries are hit at once */
    const struct expect *e = &kExpect[(size_t)(i + a->index * 3) % N_EXPECT];
    hoshitori_supplier_status_t st;
    int rc;
    int ok;
    status_init(&st);
    rc = hoshitori_supplier_status(a->db, e->key, &st);
    ok = rc == HOSHITORI_OK && st.sa_level == e->sa_level && st.scs_level == e->scs_level &&
         st.otasuketai_active == e->otasuketai_active && st.required_scs == e->required_scs &&
         st.standing == e->standing && strcmp(st.scs_valid_until, e->scs_valid_until) == 0 &&
         strcmp(st.standing_until, e->standing_until) == 0 && strcmp(st.corporate_number, e->corporate_number) == 0 &&
         st.reason[0] != '\0';
    if (!ok) {
      if (a->failures == 0) {
        a->first_rc = rc;
        snprintf(a->first_failure, sizeof a->first_failure, "call %d on %s: rc %d sa %d scs %d standing %d required %d",
                 i, e->key, rc, st.sa_level, st.scs_level, st.standing, st.required_scs);
      }
      ++a->failures;
    }
  }
  return NULL;
}

/* ---- JSON helpers ------------------------------------------------------------------ */

/* Runs a request; returns the result code and copies (a prefix of) the response. */
static int query(hoshitori *db, const char *request, char *response, size_t response_size) {
  char *out = NULL;
  int rc = hoshitori_query_json(db, request, &out);
  if (response_size > 0) {
    response[0] = '\0';
    if (out != NULL) {
      strncpy(response, out, response_size - 1);
      response[response_size - 1] = '\0';
    }
  }
  hoshitori_free(out);
  return rc;
}

int main(int argc, char **argv) {
  const char *database;
  const char *csv;
  hoshitori *db = NULL;
  int rc;
  char request[4096];
  static char response[1 << 16];

  if (argc != 3) {
    fprintf(stderr, "usage: %s DATABASE CSV_FILE\n", argv[0]);
    return 2;
  }
  database = argv[1];
  csv = argv[2];

  /* --- things that need no database ---------------------------------------------- */
  {
    const char *v = hoshitori_version();
    hoshitori_supplier_status_t st;
    char *resp = NULL;
    CHECK(v != NULL && v[0] != '\0');
    CHECK_STR(v, HOSHITORI_VERSION);
    CHECK_INT(hoshitori_libversion_number(), HOSHITORI_VERSION_NUMBER);
    status_init(&st);
    CHECK_INT(hoshitori_supplier_status(NULL, "V0001", &st), HOSHITORI_MISUSE);
    CHECK_INT(hoshitori_query_json(NULL, "{\"op\":\"status\",\"vendor_code\":\"V0001\"}", &resp), HOSHITORI_MISUSE);
    hoshitori_free(resp);
    CHECK_INT(hoshitori_close(NULL), HOSHITORI_OK);
    CHECK(hoshitori_errmsg(NULL) != NULL);
    hoshitori_free(NULL); /* must be harmless */
    CHECK_STR(hoshitori_standing_name(HOSHITORI_STANDING_MEETS), "meets");
    CHECK_STR(hoshitori_standing_name(HOSHITORI_STANDING_BELOW), "below");
    CHECK_STR(hoshitori_standing_name(HOSHITORI_STANDING_UNKNOWN), "unknown");
  }

  /* --- open: misuse ------------------------------------------------------------------ */
  {
    hoshitori *h = NULL;
    hoshitori_open_options bad = HOSHITORI_OPEN_OPTIONS_INIT;
    CHECK_INT(hoshitori_open(database, NULL), HOSHITORI_MISUSE);
    CHECK_INT(hoshitori_open("", &h), HOSHITORI_MISUSE);
    CHECK(h != NULL); /* the handle carries the reason */
    CHECK(h != NULL && hoshitori_errmsg(h)[0] != '\0');
    CHECK_INT(hoshitori_close(h), HOSHITORI_OK);
    h = NULL;
    bad.size = 999;
    CHECK_INT(hoshitori_open_v2(database, &bad, &h), HOSHITORI_MISUSE);
    CHECK(h != NULL && strstr(hoshitori_errmsg(h), "size is 999") != NULL); /* says why */
    hoshitori_close(h);
  }

  /* --- open -------------------------------------------------------------------------- */
  rc = hoshitori_open(database, &db);
  CHECK_INT(rc, HOSHITORI_OK);
  if (rc != HOSHITORI_OK || db == NULL) {
    printf("cannot open %s: %s\n", database, db ? hoshitori_errmsg(db) : "(no handle)");
    hoshitori_close(db);
    printf("%d passed, %d failed\n", g_passed, g_failed);
    return 1;
  }

  /* --- import through query_json ----------------------------------------------------- */
  if (strlen(csv) > 2000 || strchr(csv, '"') != NULL || strchr(csv, '\\') != NULL) {
    printf("CSV path unusable in a JSON request: %s\n", csv);
    hoshitori_close(db);
    printf("%d passed, %d failed\n", g_passed, g_failed + 1);
    return 1;
  }
  snprintf(request, sizeof request, "{\"op\":\"import_suppliers\",\"file\":\"%s\",\"actor\":\"c-host:test\"}", csv);
  rc = query(db, request, response, sizeof response);
  CHECK_INT(rc, HOSHITORI_OK);
  if (rc != HOSHITORI_OK) printf("  import response: %s\n", response);
  CHECK(strstr(response, "\"imported\":24") != NULL);
  CHECK(strstr(response, "\"rejected\":[]") != NULL);

  /* --- statuses ---------------------------------------------------------------------- */
  {
    size_t i;
    for (i = 0; i < N_EXPECT; ++i) check_supplier(db, &kExpect[i]);
  }
  {
    /* reason is Japanese UTF-8 and mentions ★ */
    hoshitori_supplier_status_t st;
    status_init(&st);
    CHECK_INT(hoshitori_supplier_status(db, "V0001", &st), HOSHITORI_OK);
    CHECK(strstr(st.reason, "\xE2\x98\x85") != NULL); /* ★ */
  }

  /* --- not found / invalid ----------------------------------------------------------- */
  {
    hoshitori_supplier_status_t st;
    const char *msg;
    status_init(&st);
    CHECK_INT(hoshitori_supplier_status(db, "NO-SUCH-CODE", &st), HOSHITORI_NOTFOUND);
    msg = hoshitori_errmsg(db);
    CHECK(msg != NULL && strstr(msg, "NO-SUCH-CODE") != NULL);
    status_init(&st);
    CHECK_INT(hoshitori_supplier_status(db, "", &st), HOSHITORI_INVALID);
    status_init(&st);
    CHECK_INT(hoshitori_supplier_status(db, NULL, &st), HOSHITORI_INVALID);
    CHECK_INT(hoshitori_supplier_status(db, "V0001", NULL), HOSHITORI_MISUSE);
  }

  /* --- struct sizes: an older host's smaller struct, a wrong size says why ----------- */
  CHECK_INT(struct_sizes_story(db, database), 0);

  /* --- one handle, many threads ------------------------------------------------------ */
  {
    pthread_t threads[N_THREADS];
    struct thread_arg args[N_THREADS];
    int started[N_THREADS];
    int t;
    for (t = 0; t < N_THREADS; ++t) {
      memset(&args[t], 0, sizeof args[t]);
      args[t].db = db;
      args[t].index = t;
      started[t] = pthread_create(&threads[t], NULL, thread_main, &args[t]) == 0;
      CHECK(started[t]);
    }
    for (t = 0; t < N_THREADS; ++t) {
      if (!started[t]) continue;
      pthread_join(threads[t], NULL);
      if (args[t].failures != 0)
        printf("  thread %d: %d of %d calls inconsistent; first: %s\n", t, args[t].failures, N_CALLS,
               args[t].first_failure);
      CHECK_INT(args[t].failures, 0);
    }
  }

  /* --- query_json -------------------------------------------------------------------- */
  rc = query(db, "{\"op\":", response, sizeof response);
  CHECK_INT(rc, HOSHITORI_INVALID);
  CHECK(strstr(response, "\"error\"") != NULL);
  rc = query(db, "[1,2,3]", response, sizeof response);
  CHECK_INT(rc, HOSHITORI_INVALID);
  CHECK(strstr(response, "\"error\"") != NULL);
  rc = query(db, "{\"op\":\"no_such_op\"}", response, sizeof response);
  CHECK_INT(rc, HOSHITORI_INVALID);
  CHECK(strstr(response, "\"error\"") != NULL);
  rc = query(db, "{\"op\":\"status\",\"vendor_code\":\"V0001\"}", response, sizeof response);
  CHECK_INT(rc, HOSHITORI_OK);
  CHECK(strstr(response, "\"standing\":\"meets\"") != NULL);
  CHECK(strstr(response, "\"vendor_code\":\"V0001\"") != NULL);
  rc = query(db, "{\"op\":\"status\",\"vendor_code\":\"NO-SUCH-CODE\"}", response, sizeof response);
  CHECK_INT(rc, HOSHITORI_NOTFOUND);
  CHECK(strstr(response, "\"error\"") != NULL);
  {
    /* response_json NULL is misuse, not a crash */
    CHECK_INT(hoshitori_query_json(db, "{\"op\":\"status\",\"vendor_code\":\"V0001\"}", NULL), HOSHITORI_MISUSE);
  }

  /* --- a change through query_json --------------------------------------------------- */
  rc =
      query(db, "{\"op\":\"update_status\",\"vendor_code\":\"V0008\",\"sa\":{\"level\":2}}", response, sizeof response);
  CHECK_INT(rc, HOSHITORI_INVALID); /* no actor */
  {
    hoshitori_supplier_status_t st;
    status_init(&st);
    CHECK_INT(hoshitori_supplier_status(db, "V0008", &st), HOSHITORI_OK);
    CHECK_INT(st.sa_level, -1); /* the rejected change left nothing behind */
  }
  rc = query(db, "{\"op\":\"update_status\",\"vendor_code\":\"V0008\",\"actor\":\"c-host:test\",\"sa\":{\"level\":2}}",
             response, sizeof response);
  CHECK_INT(rc, HOSHITORI_OK);
  if (rc != HOSHITORI_OK) printf("  update_status response: %s\n", response);
  {
    hoshitori_supplier_status_t st;
    status_init(&st);
    CHECK_INT(hoshitori_supplier_status(db, "V0008", &st), HOSHITORI_OK);
    CHECK_INT(st.sa_level, 2);
    CHECK(st.standing != HOSHITORI_STANDING_UNKNOWN);
    /* SA★★ without お助け隊 or SCS does not reach ★3 */
    CHECK_INT(st.standing, HOSHITORI_STANDING_BELOW);
    CHECK_INT(st.required_scs, 3);
  }
  rc = query(
      db, "{\"op\":\"update_status\",\"vendor_code\":\"NO-SUCH-CODE\",\"actor\":\"c-host:test\",\"sa\":{\"level\":2}}",
      response, sizeof response);
  CHECK_INT(rc, HOSHITORI_NOTFOUND);
  rc = query(db, "{\"op\":\"history\",\"vendor_code\":\"V0008\"}", response, sizeof response);
  CHECK_INT(rc, HOSHITORI_OK);
  CHECK(strstr(response, "\"actor\":\"c-host:test\"") != NULL);
  CHECK(strstr(response, "\"field\":\"sa_level\"") != NULL);

  /* --- requirement request, negotiation, agreement, audit trail ------------------------ */
  {
    int story_failures = request_story(db);
    CHECK_INT(story_failures, 0);
  }

  /* --- the web server inside this process: started, used, stopped, started again and
   *     left for hoshitori_close to stop ------------------------------------------------ */
  CHECK_INT(server_story(db, 0), 0);
  CHECK_INT(hoshitori_query_json(db, "{\"op\":\"apikey_revoke\",\"name\":\"c-host-erp\",\"actor\":\"c\"}", NULL),
            HOSHITORI_MISUSE);
  {
    char *out = NULL;
    CHECK_INT(hoshitori_query_json(db, "{\"op\":\"apikey_revoke\",\"name\":\"c-host-erp\",\"actor\":\"c\"}", &out),
              HOSHITORI_OK);
    hoshitori_free(out);
  }
  CHECK_INT(server_story(db, 1), 0);

  CHECK_INT(hoshitori_close(db), HOSHITORI_OK);
  /* a stale pointer to a closed handle answers MISUSE, it does not crash */
  {
    hoshitori_supplier_status_t st;
    char *out = NULL;
    st.size = sizeof st;
    CHECK_INT(hoshitori_supplier_status(db, "V0001", &st), HOSHITORI_MISUSE);
    CHECK_INT(hoshitori_query_json(db, "{\"op\":\"status\",\"vendor_code\":\"V0001\"}", &out), HOSHITORI_MISUSE);
    CHECK(out == NULL);
    CHECK(hoshitori_errmsg(db) != NULL);
    CHECK_INT(hoshitori_close(db), HOSHITORI_MISUSE);
  }
  db = NULL;

  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}
