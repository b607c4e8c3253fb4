/* One struct versioning scheme (hoshitori.h "Struct versioning"): every struct begins
 * with its size; the size of every published version is accepted (an older host's
 * smaller struct: the fields it lacks take their defaults), any other size is MISUSE with
 * a message naming the size given and the sizes accepted, and nothing is written. Part of
 * the c_host test. */
#define _POSIX_C_SOURCE 200809L
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "c_struct_sizes.h"

static int s_failed = 0;

static void size_check(int ok, const char *what, int line) {
  if (!ok) {
    printf("FAIL c_struct_sizes.c:%d: %s\n", line, what);
    ++s_failed;
  }
}
#define ZCHECK(cond) size_check((cond) ? 1 : 0, #cond, __LINE__)

/* hoshitori_open_options as the first header declared it: `version` (1) first, no
 * read_connections. */
struct options_v1 {
  unsigned int version;
  const char *schemas_dir;
  const char *policy_file;
  const char *today;
  int create;
  int cache_check_ms;
};

/* Opens with `options`; returns the result and the standing of V0001 (-1: no handle). */
static int open_with(const char *database, const void *options, int *standing, char *errmsg, size_t size) {
  hoshitori *h = NULL;
  hoshitori_supplier_status_t st;
  int rc = hoshitori_open_v2(database, (const hoshitori_open_options *)options, &h);
  *standing = -1;
  errmsg[0] = '\0';
  if (h != NULL) {
    snprintf(errmsg, size, "%s", hoshitori_errmsg(h));
    memset(&st, 0, sizeof st);
    st.size = sizeof st;
    if (rc == HOSHITORI_OK && hoshitori_supplier_status(h, "V0001", &st) == HOSHITORI_OK) *standing = st.standing;
  }
  hoshitori_close(h);
  return rc;
}

static int all_bytes(const unsigned char *p, size_t from, size_t to, unsigned char value) {
  size_t i;
  for (i = from; i < to; ++i)
    if (p[i] != value) return 0;
  return 1;
}

int struct_sizes_story(hoshitori *db, const char *database) {
  char msg[512], want[256];
  int standing, rc;
  const unsigned int v1_size = (unsigned int)offsetof(hoshitori_open_options, read_connections);
  const unsigned int v2_size = (unsigned int)sizeof(hoshitori_open_options);
  s_failed = 0;

  /* --- hoshitori_open_options ---------------------------------------------------------- */
  ZCHECK(sizeof(struct options_v1) == v1_size); /* the layout up to cache_check_ms is unchanged */
  {
    /* a host built against the first header: `version` 1, its fields read (a fixed today
     * in 2030, after V0001's SCS lapsed) */
    struct options_v1 old = {1, 0, 0, "2030-01-01", 1, 1000};
    rc = open_with(database, &old, &standing, msg, sizeof msg);
    ZCHECK(rc == HOSHITORI_OK);
    ZCHECK(standing == HOSHITORI_STANDING_EXPIRED);
    /* the same struct with its size in the first member */
    old.version = v1_size;
    rc = open_with(database, &old, &standing, msg, sizeof msg);
    ZCHECK(rc == HOSHITORI_OK);
    ZCHECK(standing == HOSHITORI_STANDING_EXPIRED);
  }
  {
    hoshitori_open_options o = HOSHITORI_OPEN_OPTIONS_INIT;
    ZCHECK(o.size == v2_size);
    o.read_connections = 1; /* reads on the write connection: the same answers */
    rc = open_with(database, &o, &standing, msg, sizeof msg);
    ZCHECK(rc == HOSHITORI_OK);
    ZCHECK(standing == HOSHITORI_STANDING_MEETS);
    o.read_connections = -1;
    rc = open_with(database, &o, &standing, msg, sizeof msg);
    ZCHECK(rc == HOSHITORI_INVALID);
    ZCHECK(strstr(msg, "read_connections: -1") != NULL);
  }
  {
    /* garbage, between versions, and a newer host's larger struct: MISUSE saying why */
    unsigned int bad[3];
    size_t i;
    union {
      hoshitori_open_options o;
      unsigned char bytes[sizeof(hoshitori_open_options) + 16];
    } big;
    bad[0] = 7;
    bad[1] = v1_size + 4;
    bad[2] = (unsigned int)sizeof big;
    for (i = 0; i < 3; ++i) {
      memset(&big, 0, sizeof big);
      big.o.size = bad[i];
      big.o.create = 1;
      rc = open_with(database, &big.o, &standing, msg, sizeof msg);
      ZCHECK(rc == HOSHITORI_MISUSE);
      snprintf(want, sizeof want, "hoshitori_open_options.size is %u; this library accepts %u or %u", bad[i], v1_size,
               v2_size);
      if (strstr(msg, want) == NULL) printf("  errmsg: %s\n  wanted: %s\n", msg, want);
      ZCHECK(strstr(msg, want) != NULL);
    }
    ZCHECK(strstr(msg, "newer hoshitori.h") != NULL); /* the larger one says where it came from */
  }

  /* --- hoshitori_supplier_status_t ----------------------------------------------------- */
  {
    union {
      hoshitori_supplier_status_t st;
      unsigned char bytes[sizeof(hoshitori_supplier_status_t) + 64];
    } buf;
    unsigned int sizes[4];
    size_t i;
    sizes[0] = 0;
    sizes[1] = (unsigned int)offsetof(hoshitori_supplier_status_t, scs_valid_until);
    sizes[2] = (unsigned int)sizeof(hoshitori_supplier_status_t) - 1;
    sizes[3] = (unsigned int)sizeof buf;
    for (i = 0; i < 4; ++i) {
      memset(buf.bytes, 0xA5, sizeof buf.bytes);
      buf.st.size = sizes[i];
      ZCHECK(hoshitori_supplier_status(db, "V0001", &buf.st) == HOSHITORI_MISUSE);
      ZCHECK(buf.st.size == sizes[i]);
      ZCHECK(all_bytes(buf.bytes, sizeof buf.st.size, sizeof buf.bytes, 0xA5)); /* nothing written */
      snprintf(want, sizeof want, "hoshitori_supplier_status_t.size is %u; this library accepts %u", sizes[i],
               (unsigned int)sizeof(hoshitori_supplier_status_t));
      ZCHECK(strstr(hoshitori_errmsg(db), want) != NULL);
    }
    /* the right size: filled, nothing written past it */
    memset(buf.bytes, 0xA5, sizeof buf.bytes);
    buf.st.size = sizeof buf.st;
    ZCHECK(hoshitori_supplier_status(db, "V0001", &buf.st) == HOSHITORI_OK);
    ZCHECK(buf.st.standing == HOSHITORI_STANDING_MEETS);
    ZCHECK(all_bytes(buf.bytes, sizeof buf.st, sizeof buf.bytes, 0xA5));
  }
  return s_failed;
}
