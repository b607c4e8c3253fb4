/* A host in C: open the database, look up one supplier's standing (the ERP list
 * screen's hot path), render its panel as an HTML fragment, close.
 *
 *   cc embed_host.c $(pkg-config --cflags --libs hoshitori) -o embed_host
 *   ./embed_host hoshitori.db V0001
 */
#include <hoshitori/hoshitori.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  const char *database = argc > 1 ? argv[1] : "hoshitori.db"; /* or "postgresql://…" */
  const char *vendor = argc > 2 ? argv[2] : "V0001";          /* a vendor code or a 法人番号 */

  hoshitori *db = NULL;
  if (hoshitori_open(database, &db) != HOSHITORI_OK) {
    fprintf(stderr, "open %s: %s\n", database, hoshitori_errmsg(db));
    hoshitori_close(db);
    return 1;
  }

  /* no allocation, safe from many threads of one ERP process */
  hoshitori_supplier_status_t st;
  st.size = sizeof st;
  int rc = hoshitori_supplier_status(db, vendor, &st);
  if (rc == HOSHITORI_NOTFOUND) {
    printf("%s: no such supplier\n", vendor);
    hoshitori_close(db);
    return 3;
  }
  if (rc != HOSHITORI_OK) {
    fprintf(stderr, "status: %s\n", hoshitori_errmsg(db));
    hoshitori_close(db);
    return 1;
  }
  printf("%s: %s (SCS %d, required %d, until %s)\n", vendor, hoshitori_standing_name(st.standing), st.scs_level,
         st.required_scs, st.standing_until[0] ? st.standing_until : "-");
  printf("reason: %s\n", st.reason);

  /* the supplier panel as the host's own page would paste it (codes are URL-safe here;
     percent-encode any other) */
  char path[160];
  snprintf(path, sizeof path, "/erp/suppliers/%s", vendor);
  char *html = NULL;
  rc = hoshitori_render_html(db, path, "erp:yamada", "viewer", &html);
  if (rc != HOSHITORI_OK) {
    fprintf(stderr, "render: %s\n", hoshitori_errmsg(db));
    hoshitori_close(db);
    return 1;
  }
  printf("panel: %zu bytes of HTML\n", strlen(html));
  hoshitori_free(html);

  hoshitori_close(db);
  return 0;
}
