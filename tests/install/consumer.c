/* Built against an installed Hoshitori (find_package or pkg-config): opens a fresh
 * database, checks the version matches the header, and asks for a supplier that
 * does not exist. argv[1]: database path. */
#include <hoshitori/hoshitori.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  hoshitori *db = NULL;
  hoshitori_supplier_status_t st;
  int rc;
  if (argc != 2) return 2;
  if (strcmp(hoshitori_version(), HOSHITORI_VERSION) != 0) {
    fprintf(stderr, "header %s, library %s\n", HOSHITORI_VERSION, hoshitori_version());
    return 1;
  }
  rc = hoshitori_open(argv[1], &db);
  if (rc != HOSHITORI_OK) {
    fprintf(stderr, "open: %d %s\n", rc, hoshitori_errmsg(db));
    hoshitori_close(db);
    return 1;
  }
  st.size = sizeof st;
  rc = hoshitori_supplier_status(db, "NO-SUCH", &st);
  hoshitori_close(db);
  if (rc != HOSHITORI_NOTFOUND) {
    fprintf(stderr, "expected NOTFOUND, got %d\n", rc);
    return 1;
  }
  printf("consumer ok (hoshitori %s)\n", hoshitori_version());
  return 0;
}
