/* The requests story through the C ABI alone: an unfair request refused with its
 * rule id, a fair one issued, negotiated and agreed with both confirmations of the
 * same SHA-256, the chain verified and exported. Part of the c_host test. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "c_request_story.h"

static int s_failed = 0;

static void story_check(int ok, const char *what, int line) {
  if (!ok) {
    printf("FAIL c_request_story.c:%d: %s\n", line, what);
    ++s_failed;
  }
}
#define SCHECK(cond) story_check((cond) ? 1 : 0, #cond, __LINE__)

/* Runs one op; copies the response (or the error document) into out. */
static int op(hoshitori *db, const char *request, char *out, size_t size) {
  char *resp = NULL;
  int rc = hoshitori_query_json(db, request, &resp);
  out[0] = '\0';
  if (resp) {
    strncpy(out, resp, size - 1);
    out[size - 1] = '\0';
  }
  hoshitori_free(resp);
  if (rc != HOSHITORI_OK && rc != HOSHITORI_REFUSED) printf("  (%d: %s)\n", rc, hoshitori_errmsg(db));
  return rc;
}

/* Copies the string value of "key" in a flat JSON response (no escapes needed here). */
static int json_str(const char *json, const char *key, char *out, size_t size) {
  char pattern[64];
  const char *p, *end;
  snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
  p = strstr(json, pattern);
  if (!p) return 0;
  p += strlen(pattern);
  end = strchr(p, '"');
  if (!end || (size_t)(end - p) >= size) return 0;
  memcpy(out, p, (size_t)(end - p));
  out[end - p] = '\0';
  return 1;
}

#define COST                                                                                  \
  "\"cost_sharing\":{\"method\":\"\xE6\x8A\x98\xE5\x8D\x8A\",\"explanation\":\"" /* 折半 */ \
  "Half of the initial and running costs are paid by us; the rest is negotiated.\",\"negotiable\":true}"

int request_story(hoshitori *db) {
  static char resp[1 << 16];
  char req[2048], number[32], sha[80], path[256];
  FILE *f;
  int rc;

  /* an unfair request: no cost sharing, a mandatory designated service */
  rc = op(db,
          "{\"op\":\"request_issue\",\"actor\":\"c-host\",\"request\":{\"supplier\":\"V0001\",\"level\":3,"
          "\"due\":\"2027-03-31\",\"designated_service\":\"X\",\"designated_service_mandatory\":true}}",
          resp, sizeof resp);
  SCHECK(rc == HOSHITORI_REFUSED);
  SCHECK(strstr(resp, "\"refused\":[\"cost-sharing-explained\",\"cost-negotiable\",\"no-designated-purchase\"]") !=
         NULL);
  SCHECK(strstr(hoshitori_errmsg(db), "cost-sharing-explained") != NULL);

  /* a fair one */
  rc = op(db,
          "{\"op\":\"request_issue\",\"actor\":\"c-host\",\"request\":{\"supplier\":\"V0001\",\"level\":3,"
          "\"due\":\"2027-03-31\",\"items\":[\"4-1-3\",\"4-4-4\"]," COST "}}",
          resp, sizeof resp);
  SCHECK(rc == HOSHITORI_OK);
  SCHECK(json_str(resp, "number", number, sizeof number));
  SCHECK(strcmp(number, "2026-00001") == 0);
  SCHECK(strstr(resp, "\"state\":\"issued\"") != NULL);

  /* the letter, with the due date in 和暦 */
  snprintf(req, sizeof req, "{\"op\":\"request_letter\",\"number\":\"%s\"}", number);
  SCHECK(op(db, req, resp, sizeof resp) == HOSHITORI_OK);
  SCHECK(strstr(resp,
                "\xE4\xBB\xA4\xE5\x92\x8C"
                "9\xE5\xB9\xB4"
                "3\xE6\x9C\x88"
                "31\xE6\x97\xA5") != NULL);

  /* a price fixed before answering the supplier's estimate is refused */
  snprintf(req, sizeof req,
           "{\"op\":\"negotiate\",\"actor\":\"supplier-sato\",\"number\":\"%s\",\"step\":{\"side\":\"supplier\","
           "\"kind\":\"estimate\",\"initial_cost\":1200000,\"running_cost\":360000}}",
           number);
  SCHECK(op(db, req, resp, sizeof resp) == HOSHITORI_OK);
  SCHECK(strstr(resp, "\"state\":\"negotiating\"") != NULL);
  snprintf(req, sizeof req,
           "{\"op\":\"negotiate\",\"actor\":\"c-host\",\"number\":\"%s\",\"step\":{\"side\":\"buyer\","
           "\"kind\":\"price_decision\",\"amount\":100000}}",
           number);
  SCHECK(op(db, req, resp, sizeof resp) == HOSHITORI_REFUSED);
  SCHECK(strstr(resp, "no-unilateral-price") != NULL);

  /* so is drafting the agreement; accepting the estimate answers it */
  snprintf(req, sizeof req,
           "{\"op\":\"negotiate\",\"actor\":\"c-host\",\"number\":\"%s\",\"step\":{\"side\":\"buyer\","
           "\"kind\":\"agreement\",\"terms\":{\"sharing\":\"half\"}}}",
           number);
  SCHECK(op(db, req, resp, sizeof resp) == HOSHITORI_REFUSED);
  snprintf(req, sizeof req,
           "{\"op\":\"negotiate\",\"actor\":\"c-host\",\"number\":\"%s\",\"step\":{\"side\":\"buyer\","
           "\"kind\":\"accept\"}}",
           number);
  SCHECK(op(db, req, resp, sizeof resp) == HOSHITORI_OK);

  snprintf(req, sizeof req,
           "{\"op\":\"negotiate\",\"actor\":\"c-host\",\"number\":\"%s\",\"step\":{\"side\":\"buyer\","
           "\"kind\":\"agreement\",\"terms\":{\"sharing\":\"half\",\"buyer_amount\":600000,"
           "\"price_revision\":{\"date\":\"2027-04-01\",\"contracts\":[\"K-1\"]}}}}",
           number);
  SCHECK(op(db, req, resp, sizeof resp) == HOSHITORI_OK);
  SCHECK(json_str(resp, "agreement_sha256", sha, sizeof sha));
  SCHECK(strlen(sha) == 64);

  /* both sides confirm the same bytes; a wrong hash is refused */
  snprintf(req, sizeof req,
           "{\"op\":\"agreement_confirm\",\"actor\":\"c-host\",\"number\":\"%s\",\"side\":\"buyer\","
           "\"sha256\":\"%064d\"}",
           number, 0);
  SCHECK(op(db, req, resp, sizeof resp) == HOSHITORI_CONFLICT);
  snprintf(req, sizeof req,
           "{\"op\":\"agreement_confirm\",\"actor\":\"c-host\",\"number\":\"%s\",\"side\":\"buyer\",\"sha256\":\"%s\"}",
           number, sha);
  SCHECK(op(db, req, resp, sizeof resp) == HOSHITORI_OK);
  SCHECK(strstr(resp, "\"state\":\"negotiating\"") != NULL);
  /* the host cannot speak for the supplier: without the scan of its signed copy, refused */
  snprintf(req, sizeof req,
           "{\"op\":\"agreement_confirm\",\"actor\":\"supplier-sato\",\"number\":\"%s\",\"side\":\"supplier\","
           "\"sha256\":\"%s\",\"method\":\"phone\"}",
           number, sha);
  SCHECK(op(db, req, resp, sizeof resp) == HOSHITORI_REFUSED);
  SCHECK(strstr(hoshitori_errmsg(db), "only the supplier confirms the supplier's side") != NULL);
  /* the paper path: the scan of the copy signed on paper (記名押印), its SHA-256 recorded */
  snprintf(req, sizeof req,
           "{\"op\":\"agreement_confirm\",\"actor\":\"admin-sato\",\"number\":\"%s\",\"side\":\"supplier\","
           "\"sha256\":\"%s\",\"scan\":{\"filename\":\"signed.pdf\",\"content_base64\":\"JVBERi0xLjQKJSVFT0YK\"}}",
           number, sha);
  SCHECK(op(db, req, resp, sizeof resp) == HOSHITORI_OK);
  SCHECK(strstr(resp, "\"state\":\"agreed\"") != NULL);
  snprintf(req, sizeof req, "{\"op\":\"agreement_document\",\"number\":\"%s\"}", number);
  SCHECK(op(db, req, resp, sizeof resp) == HOSHITORI_OK);
  SCHECK(strstr(resp, sha) != NULL);
  snprintf(req, sizeof req, "{\"op\":\"request_show\",\"number\":\"%s\"}", number);
  SCHECK(op(db, req, resp, sizeof resp) == HOSHITORI_OK);
  SCHECK(strstr(resp,
                "paper-scan sha256=14bcd090baf31edba64e9cbd8cdfc15f943344aa72cb3675ad8e91bfcbce03ad "
                "file=signed.pdf") != NULL);

  /* the chain, and an export an auditor can open */
  SCHECK(op(db, "{\"op\":\"verify\"}", resp, sizeof resp) == HOSHITORI_OK);
  SCHECK(strstr(resp, "\"intact\":true") != NULL);
  snprintf(path, sizeof path, "%s/hoshitori-c-story-%ld.csv", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
           (long)getpid());
  snprintf(req, sizeof req, "{\"op\":\"export_audit\",\"format\":\"csv\",\"out\":\"%s\",\"vendor_code\":\"V0001\"}",
           path);
  SCHECK(op(db, req, resp, sizeof resp) == HOSHITORI_OK);
  f = fopen(path, "rb");
  SCHECK(f != NULL);
  if (f) {
    char head[16] = {0};
    SCHECK(fread(head, 1, 9, f) == 9);
    SCHECK(memcmp(head, "\xEF\xBB\xBF\xE9\x80\xA3\xE7\x95\xAA", 9) == 0); /* BOM + 連番 */
    fclose(f);
  }
  remove(path);
  return s_failed;
}
