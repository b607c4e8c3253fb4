/*
 * c_race.c — many host threads on ONE handle, every call failing in a way that names
 * something unique to it, with successes in between: each thread must read its own
 * call's failure from hoshitori_errmsg and from hoshitori_query_json's error document,
 * never another thread's (issue 16: the error text raced).
 *
 *   c_race DATABASE CSV_FILE [THREADS [CALLS]]      (default 8 threads x 10,000 calls)
 *
 * DATABASE is a SQLite path or a postgresql:// URL of an empty database; CSV_FILE is
 * sample-data/suppliers.csv. Run also under valgrind --tool=helgrind with a small count.
 * Then one thread writes on the handle while the same number of threads read on a second
 * handle: no read answers older than a write whose call returned before the read began
 * (the read pool and the cache never hold back a committed change).
 * Prints the first wrong answers and the counts; exits 0 only when none is wrong.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoshitori/hoshitori.h"

#define MAX_THREADS 64

struct worker {
  hoshitori *db;
  int index;
  int calls;
  int wrong;
  char first_wrong[512];
};

static void note(struct worker *w, int call, const char *what, int rc, const char *text) {
  if (w->wrong++ == 0)
    snprintf(w->first_wrong, sizeof w->first_wrong, "thread %d call %d: %s: rc %d, \"%.300s\"", w->index, call, what,
             rc, text ? text : "(null)");
}

/* The text must name `token` exactly: followed by a character that cannot continue it. */
static int names(const char *text, const char *token) {
  const char *p = text;
  size_t n = strlen(token);
  while (p != NULL && (p = strstr(p, token)) != NULL) {
    char next = p[n];
    if (!(next >= '0' && next <= '9')) return 1;
    p += n;
  }
  return 0;
}

static int query(hoshitori *db, const char *request, char **out) {
  *out = NULL;
  return hoshitori_query_json(db, request, out);
}

static void *run(void *arg) {
  struct worker *w = (struct worker *)arg;
  char token[64], request[256], last_failure[64] = "";
  int i;
  for (i = 0; i < w->calls; ++i) {
    hoshitori_supplier_status_t st;
    char *doc = NULL;
    int rc;
    memset(&st, 0, sizeof st);
    st.size = (unsigned int)sizeof st;
    snprintf(token, sizeof token, "T%d-C%d", w->index, i);
    switch (i % 5) {
      case 0: /* an unknown vendor code through the struct call: NOTFOUND naming it */
        snprintf(request, sizeof request, "NO-%s", token);
        rc = hoshitori_supplier_status(w->db, request, &st);
        if (rc != HOSHITORI_NOTFOUND || !names(hoshitori_errmsg(w->db), token))
          note(w, i, "supplier_status errmsg", rc, hoshitori_errmsg(w->db));
        strcpy(last_failure, token);
        break;
      case 1: /* the same through query_json: the document and errmsg name it */
        snprintf(request, sizeof request, "{\"op\":\"status\",\"vendor_code\":\"NO-%s\"}", token);
        rc = query(w->db, request, &doc);
        if (rc != HOSHITORI_NOTFOUND || doc == NULL || !names(doc, token))
          note(w, i, "query_json status document", rc, doc);
        if (!names(hoshitori_errmsg(w->db), token)) note(w, i, "query_json status errmsg", rc, hoshitori_errmsg(w->db));
        strcpy(last_failure, token);
        break;
      case 2: /* another failure path: an unknown op, INVALID naming it */
        snprintf(request, sizeof request, "{\"op\":\"no_such_op_%s\"}", token);
        rc = query(w->db, request, &doc);
        if (rc != HOSHITORI_INVALID || doc == NULL || !names(doc, token))
          note(w, i, "query_json unknown op document", rc, doc);
        if (!names(hoshitori_errmsg(w->db), token)) note(w, i, "unknown op errmsg", rc, hoshitori_errmsg(w->db));
        strcpy(last_failure, token);
        break;
      case 3: /* a success: the answer is right, and errmsg still names this thread's last failure */
        rc = hoshitori_supplier_status(w->db, "V0001", &st);
        if (rc != HOSHITORI_OK || st.sa_level != 2 || st.scs_level != 3 || st.standing != HOSHITORI_STANDING_MEETS ||
            strcmp(st.corporate_number, "1798643261622") != 0)
          note(w, i, "supplier_status V0001", rc, st.reason);
        if (!names(hoshitori_errmsg(w->db), last_failure))
          note(w, i, "errmsg after a success", rc, hoshitori_errmsg(w->db));
        break;
      default: /* a query_json success: status of V0006 (below) */
        rc = query(w->db, "{\"op\":\"status\",\"vendor_code\":\"V0006\"}", &doc);
        if (rc != HOSHITORI_OK || doc == NULL || strstr(doc, "\"standing\":\"below\"") == NULL ||
            strstr(doc, "\"error\"") != NULL)
          note(w, i, "query_json status V0006", rc, doc);
        if (!names(hoshitori_errmsg(w->db), last_failure))
          note(w, i, "errmsg after a query_json success", rc, hoshitori_errmsg(w->db));
        break;
    }
    hoshitori_free(doc);
  }
  return NULL;
}

/* ---- then: another handle's reads (its pool, its cache) never answer older than a write
 *      whose call returned before the read began ------------------------------------------ */

struct fresh {
  hoshitori *reader; /* a second handle on the database */
  pthread_mutex_t mutex;
  int committed; /* the last write whose call has returned */
  int done;
  int wrong;
  long reads;
  char first_wrong[512];
};

/* N of "department":"D-N" in a status document; 0 before the first write (the sample's
 * own department), -1 when there is none (an error document). */
static int department_number(const char *doc) {
  const char *p = doc ? strstr(doc, "\"department\":") : NULL;
  if (p == NULL) return -1;
  p += strlen("\"department\":");
  return strncmp(p, "\"D-", 3) == 0 ? atoi(p + 3) : 0;
}

static void *fresh_reader(void *arg) {
  struct fresh *f = (struct fresh *)arg;
  for (;;) {
    char *doc = NULL;
    int before, done, rc, seen;
    pthread_mutex_lock(&f->mutex);
    before = f->committed;
    done = f->done;
    pthread_mutex_unlock(&f->mutex);
    if (done) break;
    rc = query(f->reader, "{\"op\":\"status\",\"vendor_code\":\"V0008\"}", &doc);
    seen = rc == HOSHITORI_OK ? department_number(doc) : -1;
    pthread_mutex_lock(&f->mutex);
    ++f->reads;
    if (seen < before && f->wrong++ == 0)
      snprintf(f->first_wrong, sizeof f->first_wrong, "write D-%d had returned, the read answered %d: %.300s", before,
               seen, doc ? doc : "(null)");
    pthread_mutex_unlock(&f->mutex);
    hoshitori_free(doc);
  }
  return NULL;
}

/* Returns the number of wrong answers (-1: could not run). */
static int freshness(hoshitori *writer, const char *database, int readers, int writes) {
  struct fresh f;
  pthread_t ids[MAX_THREADS];
  int n, t, started = 0, failed_writes = 0;
  memset(&f, 0, sizeof f);
  pthread_mutex_init(&f.mutex, NULL);
  if (hoshitori_open(database, &f.reader) != HOSHITORI_OK) {
    printf("cannot open a second handle: %s\n", f.reader ? hoshitori_errmsg(f.reader) : "(no handle)");
    hoshitori_close(f.reader);
    return -1;
  }
  for (t = 0; t < readers; ++t)
    if (pthread_create(&ids[t], NULL, fresh_reader, &f) == 0) ++started;
  for (n = 1; n <= writes; ++n) {
    char request[256], *doc = NULL;
    snprintf(request, sizeof request,
             "{\"op\":\"update_status\",\"vendor_code\":\"V0008\",\"department\":\"D-%d\",\"actor\":\"c-race\"}", n);
    if (query(writer, request, &doc) != HOSHITORI_OK) ++failed_writes;
    hoshitori_free(doc);
    pthread_mutex_lock(&f.mutex);
    f.committed = n;
    pthread_mutex_unlock(&f.mutex);
  }
  pthread_mutex_lock(&f.mutex);
  f.done = 1;
  pthread_mutex_unlock(&f.mutex);
  for (t = 0; t < started; ++t) pthread_join(ids[t], NULL);
  hoshitori_close(f.reader);
  pthread_mutex_destroy(&f.mutex);
  if (f.wrong) printf("  %d stale reads; first: %s\n", f.wrong, f.first_wrong);
  printf("%d writes on one handle, %d threads reading on another (%ld reads): %d stale, %d writes failed\n", writes,
         started, f.reads, f.wrong, failed_writes);
  return started == readers && failed_writes == 0 ? f.wrong : -1;
}

int main(int argc, char **argv) {
  int threads = argc > 3 ? atoi(argv[3]) : 8;
  int calls = argc > 4 ? atoi(argv[4]) : 10000;
  struct worker workers[MAX_THREADS];
  pthread_t ids[MAX_THREADS];
  hoshitori *db = NULL;
  char request[4096];
  char *doc = NULL;
  int rc, t, wrong = 0, started = 0, stale;

  if (argc < 3 || threads < 1 || threads > MAX_THREADS || calls < 5) {
    fprintf(stderr, "usage: %s DATABASE CSV_FILE [THREADS (1-%d) [CALLS (>= 5)]]\n", argv[0], MAX_THREADS);
    return 2;
  }
  rc = hoshitori_open(argv[1], &db);
  if (rc != HOSHITORI_OK) {
    printf("cannot open %s: %s\n", argv[1], db ? hoshitori_errmsg(db) : "(no handle)");
    hoshitori_close(db);
    return 1;
  }
  snprintf(request, sizeof request, "{\"op\":\"import_suppliers\",\"file\":\"%s\",\"actor\":\"c-race\"}", argv[2]);
  rc = query(db, request, &doc);
  hoshitori_free(doc);
  if (rc != HOSHITORI_OK) {
    printf("import failed: %d %s\n", rc, hoshitori_errmsg(db));
    hoshitori_close(db);
    return 1;
  }

  for (t = 0; t < threads; ++t) {
    memset(&workers[t], 0, sizeof workers[t]);
    workers[t].db = db;
    workers[t].index = t;
    workers[t].calls = calls;
    if (pthread_create(&ids[t], NULL, run, &workers[t]) != 0) break;
    ++started;
  }
  for (t = 0; t < started; ++t) {
    pthread_join(ids[t], NULL);
    if (workers[t].wrong) printf("  %d wrong; first: %s\n", workers[t].wrong, workers[t].first_wrong);
    wrong += workers[t].wrong;
  }
  printf("%d threads x %d calls on one handle: %d wrong\n", started, calls, wrong);
  stale = freshness(db, argv[1], threads, calls / 50 < 10 ? 10 : calls / 50 > 200 ? 200 : calls / 50);
  hoshitori_close(db);
  return started == threads && wrong == 0 && stale == 0 ? 0 : 1;
}
