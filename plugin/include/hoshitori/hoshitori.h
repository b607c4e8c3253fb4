/*
 * hoshitori.h — the one public C interface of the Hoshitori plugin.
 *
 * Hoshitori tracks each supplier's SECURITY ACTION declaration, お助け隊 subscription
 * and SCS評価制度 ★ level and judges it against the buyer's policy. A host (an ERP or
 * groupware) loads libhoshitori.so and talks to it only through this header.
 *
 * Conventions (modelled on SQLite and libgit2):
 *   - opaque handles; every function that can fail returns an int result code;
 *   - the message of the last failure is kept per handle and per calling thread
 *     (hoshitori_errmsg);
 *   - a NULL or closed handle yields HOSHITORI_MISUSE, never a crash;
 *   - structs the caller fills begin with their size, so they can grow (see "Struct
 *     versioning" below);
 *   - everything the library allocates is released with hoshitori_free;
 *   - one handle may be shared by many threads (see "Threading" below);
 *   - any number of handles, processes and servers may share one database: every
 *     answer reflects every change committed before the call began, whichever process
 *     made it (caches are checked against the database's change counter on each read).
 *
 * All strings are UTF-8.
 *
 * Struct versioning (one scheme for every struct in this header): the struct's first
 * member is `unsigned int size`, which the host sets to sizeof the struct as its header
 * declares it (the _INIT macros do). A struct only ever grows at its end. The library
 * accepts the size of every published version of the struct: a host compiled against an
 * older header passes a smaller struct, and the fields it lacks take their defaults
 * (options) or are not written (results). Any other size — smaller than the first
 * version, between versions, or larger than this library knows (a host compiled against
 * a newer header) — is HOSHITORI_MISUSE, and hoshitori_errmsg names the struct, the size
 * given and the sizes this library accepts.
 *
 * Threading: every function may be called from any thread, and every call on a handle
 * may run on several threads at once, except hoshitori_close (no other call on the handle
 * may be running or start after it). What runs in parallel and what queues:
 *   - the reads most hosts make run at once on a small pool of read connections per
 *     handle (4 by default; hoshitori_open_options.read_connections or
 *     $HOSHITORI_READ_CONNECTIONS; SQLite in WAL mode, PostgreSQL one session each):
 *     hoshitori_supplier_status and the ops status, suppliers and history, and the
 *     supplier board and counts behind hoshitori_render_html's list screens;
 *   - every other call that touches the database (writes — every op that takes "actor",
 *     imports — and the remaining reads) queues on the handle's one write connection, one
 *     at a time; writers of several handles and processes queue on the database's change
 *     counter row;
 *   - nothing is answered from memory without checking the database first, so no thread
 *     or process ever reads an answer older than a change committed before its call;
 *   - hoshitori_errmsg is per handle and per thread: it returns the calling thread's last
 *     failure on that handle, never another thread's; the pointer stays valid until the
 *     same thread's next call on that handle. hoshitori_query_json's error document
 *     carries its own call's message.
 */
#ifndef HOSHITORI_H
#define HOSHITORI_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define HOSHITORI_API __declspec(dllexport)
#elif defined(__GNUC__)
#define HOSHITORI_API __attribute__((visibility("default")))
#else
#define HOSHITORI_API
#endif

/* Version of this header. The run-time version is hoshitori_version(). */
#define HOSHITORI_VERSION "0.1.0"
#define HOSHITORI_VERSION_NUMBER 1000 /* major*1000000 + minor*1000 + patch */
/* Bumped only when the binary interface breaks (it is the library SOVERSION). */
#define HOSHITORI_ABI_VERSION 1

/* Result codes. Zero is success; failures are negative. */
#define HOSHITORI_OK 0
#define HOSHITORI_ERROR (-1)    /* generic failure: see hoshitori_errmsg */
#define HOSHITORI_INVALID (-2)  /* bad argument or input (names the field) */
#define HOSHITORI_NOTFOUND (-3) /* no such supplier / object */
#define HOSHITORI_CONFLICT (-4) /* the change conflicts with stored data */
#define HOSHITORI_MISUSE (-5)   /* NULL or closed handle, wrong struct size */
#define HOSHITORI_BUSY (-6)     /* database locked by another writer too long */
#define HOSHITORI_REFUSED (-7)  /* a fairness guardrail refused (rule ids in the response) */

/* Standing of a supplier against the buyer's policy. */
#define HOSHITORI_STANDING_UNKNOWN 0  /* no status reported at all */
#define HOSHITORI_STANDING_MEETS 1    /* meets the required level */
#define HOSHITORI_STANDING_EXPIRING 2 /* meets, but expires within the window */
#define HOSHITORI_STANDING_EXPIRED 3  /* met the level, but its validity has passed */
#define HOSHITORI_STANDING_BELOW 4    /* reported, but below the required level */

/* Level values: -1 means "not reported" (unknown), 0 means "none". */
#define HOSHITORI_LEVEL_UNKNOWN (-1)

typedef struct hoshitori hoshitori;

/*
 * Status of one supplier, filled without allocation by hoshitori_supplier_status.
 * The caller sets `size` to sizeof(hoshitori_supplier_status_t) before the call (the
 * only published version: 460 bytes); another size is MISUSE and nothing is written.
 */
typedef struct hoshitori_supplier_status_t {
  unsigned int size;
  int sa_level;              /* SECURITY ACTION: -1 unknown, 0 none, 1 ★, 2 ★★ */
  int otasuketai_active;     /* お助け隊 subscription in force today: -1 unknown, 0, 1 */
  int scs_level;             /* SCS評価制度: -1 unknown, 0 none, 3, 4, 5 */
  int required_scs;          /* level the policy asks of this supplier: 3 or 4 */
  int standing;              /* HOSHITORI_STANDING_* */
  int active;                /* 1 active, 0 marked inactive in the supplier master */
  char scs_valid_until[11];  /* "YYYY-MM-DD" or "" */
  char otasuketai_until[11]; /* "YYYY-MM-DD" or "" */
  char standing_until[11];   /* date the current standing lapses, or "" */
  char corporate_number[14]; /* 13 digits or "" (sole proprietors have none) */
  char reason[384];          /* why, in Japanese words (UTF-8, truncated safely) */
} hoshitori_supplier_status_t;

/* Options for hoshitori_open_v2. Initialise with HOSHITORI_OPEN_OPTIONS_INIT. */
typedef struct hoshitori_open_options {
  unsigned int size;       /* sizeof(hoshitori_open_options); see "Struct versioning" */
  const char *schemas_dir; /* folder of catalogs (NULL: $HOSHITORI_SCHEMAS or built-in) */
  const char *policy_file; /* buyer policy (NULL: $HOSHITORI_POLICY or schemas_dir/policy.yaml) */
  const char *today;       /* "YYYY-MM-DD" fixed clock for tests (NULL: $HOSHITORI_TODAY or real date, Asia/Tokyo) */
  int create;              /* 1: create/migrate the schema on open (default 1) */
  int cache_check_ms;      /* ignored (kept for binary compatibility): every read is
                              checked against the database's change counter, so an
                              answer reflects every change committed before the call
                              began, by any process */
  /* --- added later (see "ABI changes"): an older host's struct ends above --- */
  int read_connections; /* database connections for reads run at once; 1: reads share
                           the write connection (one call at a time); 0: default
                           ($HOSHITORI_READ_CONNECTIONS or 4) */
} hoshitori_open_options;

#define HOSHITORI_OPEN_OPTIONS_INIT \
  { sizeof(hoshitori_open_options), 0, 0, 0, 1, 1000, 0 }

/*
 * ABI changes (HOSHITORI_ABI_VERSION stays 1: every binary host keeps working)
 *   - hoshitori_open_options' first member `unsigned int version` is now `unsigned int
 *     size` (same place and type: the layout up to cache_check_ms is unchanged), and the
 *     struct gained read_connections at its end. The macro HOSHITORI_OPEN_OPTIONS_VERSION
 *     is gone (source change: start from HOSHITORI_OPEN_OPTIONS_INIT). A host built
 *     against the earlier header passes 1 there (its version number), which is read as
 *     that header's struct, without read_connections.
 *   - hoshitori_supplier_status_t: a size other than sizeof (460) is MISUSE; earlier, a
 *     smaller size was filled partly and a larger one accepted.
 */

/* Library version string at run time, e.g. "0.1.0". */
HOSHITORI_API const char *hoshitori_version(void);

/* The library's version as a number at run time (major*1000000 + minor*1000 + patch), to
 * compare with the HOSHITORI_VERSION_NUMBER the host was compiled against. */
HOSHITORI_API int hoshitori_libversion_number(void);

/*
 * Open a database: a SQLite file path (created if missing) or a
 * postgresql://user@host:port/db URL. The schema is created or migrated.
 * On failure *out may still hold a handle whose hoshitori_errmsg says why;
 * close it with hoshitori_close.
 */
HOSHITORI_API int hoshitori_open(const char *database, hoshitori **out);
HOSHITORI_API int hoshitori_open_v2(const char *database, const hoshitori_open_options *options, hoshitori **out);

/* Close a handle: the database connection, cache and catalogs are released. NULL is
 * a no-op; closing twice, or any call on a closed handle, returns HOSHITORI_MISUSE
 * (the handle's ~100 bytes are kept for that until the process ends, so open one
 * handle per process and share it rather than opening one per request). Do not close
 * a handle that another thread is still using. */
HOSHITORI_API int hoshitori_close(hoshitori *db);

/* Message of the calling thread's last failure on this handle (UTF-8): a thread reads
 * its own call's failure, never another thread's, however many threads share the handle.
 * Valid until this thread's next call on the handle. "not an error" when this thread has
 * not failed on it. Never NULL. */
HOSHITORI_API const char *hoshitori_errmsg(hoshitori *db);

/*
 * Status of one supplier by ERP vendor code (取引先コード), or by 法人番号 (13 digits, also
 * written with hyphens, full-width digits or the invoice number's "T") when no vendor
 * code matches. No allocation once the supplier is cached (one point query on the
 * database's change counter per call); safe from many threads on one handle. Returns HOSHITORI_NOTFOUND when no such
 * supplier, HOSHITORI_CONFLICT when the 法人番号 belongs to several vendor codes (ask by vendor code then).
 */
HOSHITORI_API int hoshitori_supplier_status(hoshitori *db, const char *vendor_code, hoshitori_supplier_status_t *out);

/* Name of a standing code: "unknown", "meets", "expiring", "expired", "below". */
HOSHITORI_API const char *hoshitori_standing_name(int standing);

/*
 * JSON in, JSON out, the same shapes as the REST API. The request is an object
 * with "op" and its arguments; mutating ops need "actor" (the host's user).
 *   {"op":"status","vendor_code":"V0001"}
 *   {"op":"suppliers","standing":"below","limit":100,"offset":0}
 *   {"op":"history","vendor_code":"V0001"}
 *   {"op":"import_suppliers","file":"/path.csv","encoding":"auto",
 *    "all_or_nothing":false,"actor":"erp:yamada"}
 *   {"op":"update_status","vendor_code":"V0001","actor":"erp:yamada",
 *    "sa":{"level":2,"declared_on":"2026-04-01"},"scs":{"level":3,"valid_until":"2027-03-31"}}
 * Requirement requests, negotiation, agreements and the audit trail (README.md
 * "Requests" lists every field):
 *   {"op":"request_issue","actor":"yamada","request":{"supplier":"V0001","level":3,
 *    "due":"2027-03-31","items":["4-1-3"],"cost_sharing":{"method":"折半",
 *    "explanation":"...","negotiable":true}},"draft":false}
 *   {"op":"request_issue_draft","actor":"yamada","number":"2026-00001"}
 *   {"op":"request_show","number":"2026-00001"}  {"op":"requests","vendor_code":"V0001"}
 *   {"op":"request_letter","number":"2026-00001","format":"txt|html","lang":"ja|en"}
 *   {"op":"negotiate","actor":"sato","number":"2026-00001",
 *    "step":{"side":"supplier","kind":"estimate","initial_cost":1200000}}
 *   {"op":"agreement_confirm","actor":"yamada","number":"2026-00001","side":"buyer",
 *    "sha256":"<64 hex>","method":"erp"}
 *   {"op":"agreement_document","number":"2026-00001","version":1}
 *   {"op":"requests_expire","actor":"batch"}  {"op":"records_purge","actor":"admin","dry_run":true}
 *   {"op":"verify","expected_head":"<hash kept from an earlier export>"}
 *   {"op":"export_audit","format":"csv|jsonl","out":"/path","from":"2026-04-01",
 *    "to":"2027-03-31","vendor_code":"V0001"}     ("out":"-" writes to standard output)
 * Purpose limitation (README "Purpose limitation"): export_audit withholds the supplier's
 * cost figures, cost basis and self-check answers unless it names
 * "purpose":"negotiation|audit" with "actor" (recorded first as export.purpose).
 * request_show, agreement_document and evidence with "actor" record the read of what
 * they show (supplier_info.read); a host showing a request's thread to its user passes it.
 * On success *response_json is set (free it with hoshitori_free). On failure the
 * result code says why and, where useful, *response_json holds {"error":...,"code":...};
 * a guardrail refusal (HOSHITORI_REFUSED) adds "refused" (rule ids) and "rules"
 * (each rule's result, why, citation and remedy).
 */
HOSHITORI_API int hoshitori_query_json(hoshitori *db, const char *request_json, char **response_json);

/*
 * Staff API keys for the REST API (also `hoshitori apikey`), through hoshitori_query_json:
 *   {"op":"apikey_create","name":"erp-prod","role":"viewer|buyer|admin","actor":"admin-suzuki"}
 *     → {"id","name","role","created_at","created_by","revoked_at","key":"hsk_…"}
 *       (the key is returned only here; only its SHA-256 is stored)
 *   {"op":"apikeys"}  {"op":"apikey_revoke","name":"erp-prod","actor":"admin-suzuki"}
 */

/*
 * A supplier's evidence files (sent from its request page, README "The supplier's
 * page"), through hoshitori_query_json:
 *   {"op":"evidence","vendor_code":"V0001","number":"2026-00001"}   ("number" optional)
 *     → {"vendor_code","files":[{"id","number","topic","filename","media_type","size",
 *        "sha256","uploaded_at","uploaded_by","href",…}]}   (no content)
 *   {"op":"evidence_file","id":1} → the same fields and "content_base64" (standard base64
 *     of the bytes, whose SHA-256 is checked first)
 * The supplier's SCS self-check is in request_show's "self_check".
 */

/*
 * The web server inside the host's process: the REST API under /api/v1/ (README
 * "REST API"), served from the handle's database. `listen` is "127.0.0.1:8470", or
 * "127.0.0.1:0" for any free port; NULL means 127.0.0.1:8470. On success *url (if not
 * NULL) receives "http://127.0.0.1:PORT/" (free it with hoshitori_free). One server per
 * handle: a second start answers HOSHITORI_CONFLICT. hoshitori_close stops it too.
 */
HOSHITORI_API int hoshitori_serve_start(hoshitori *db, const char *listen, char **url);
/* Stops accepting, lets requests in progress finish, and frees the port. No server: OK. */
HOSHITORI_API int hoshitori_serve_stop(hoshitori *db);

/*
 * An ERP screen as an HTML fragment, for a host that pastes it into its own page rather
 * than framing /erp/ (its links and forms point at /erp/… on the Hoshitori server or the
 * host's proxy of it; the stylesheet is /static/hoshitori.css). `path` is what the
 * server would be asked: "/erp/", "/erp/?standing=below&page=2",
 * "/erp/suppliers/V0001?lang=en". `user` is the host's signed-in user, `role` "viewer",
 * "buyer" or "admin". Every value is HTML-escaped. HOSHITORI_NOTFOUND for an unknown
 * screen or supplier, HOSHITORI_INVALID for a bad filter (the message says which).
 * On success free *html with hoshitori_free.
 */
HOSHITORI_API int hoshitori_render_html(hoshitori *db, const char *path, const char *user, const char *role,
                                        char **html);

/* Release memory handed out by the library. NULL is a no-op. */
HOSHITORI_API void hoshitori_free(void *p);

#ifdef __cplusplus
}
#endif

#endif /* HOSHITORI_H */
