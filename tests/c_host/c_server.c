/* The web server started inside the host's process through the C ABI: a key minted
 * through hoshitori_query_json, a real HTTP exchange over a loopback socket (plain
 * POSIX, no HTTP library), one server per handle, and a clean stop. Part of c_host. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "c_server.h"

static int s_failed = 0;

static void server_check(int ok, const char *what, int line) {
  if (!ok) {
    printf("FAIL c_server.c:%d: %s\n", line, what);
    ++s_failed;
  }
}
#define VCHECK(cond) server_check((cond) ? 1 : 0, #cond, __LINE__)

/* GET path with an optional key; the whole answer (headers and body) into out.
 * Returns the HTTP status, or -1 when no connection could be made. */
static int http_get(int port, const char *path, const char *key, char *out, size_t size) {
  struct sockaddr_in addr;
  char req[1024];
  size_t got = 0;
  ssize_t n;
  int status = -1;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((unsigned short)port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  snprintf(req, sizeof req,
           "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s%s%s\r\n", path,
           key ? "Authorization: Bearer " : "", key ? key : "", key ? "\r\n" : "");
  if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
    close(fd);
    return -1;
  }
  while (got + 1 < size && (n = read(fd, out + got, size - 1 - got)) > 0) got += (size_t)n;
  out[got] = '\0';
  close(fd);
  if (sscanf(out, "HTTP/1.1 %d", &status) != 1) return -1;
  return status;
}

int server_story(hoshitori *db, int leave_running) {
  char *url = NULL;
  char *resp = NULL;
  char key[128] = "";
  static char answer[1 << 16];
  int port = 0;
  const char *k;

  s_failed = 0;
  VCHECK(hoshitori_serve_start(NULL, "127.0.0.1:0", &url) == HOSHITORI_MISUSE);
  VCHECK(hoshitori_serve_start(db, "127.0.0.1:99999", &url) == HOSHITORI_INVALID);
  VCHECK(strstr(hoshitori_errmsg(db), "port") != NULL);
  VCHECK(hoshitori_serve_start(db, "127.0.0.1:0", &url) == HOSHITORI_OK);
  VCHECK(url != NULL && strncmp(url, "http://127.0.0.1:", 17) == 0);
  if (url) port = atoi(url + 17);
  VCHECK(port > 0);
  hoshitori_free(url);
  url = NULL;
  VCHECK(hoshitori_serve_start(db, "127.0.0.1:0", &url) == HOSHITORI_CONFLICT);
  VCHECK(url == NULL);

  VCHECK(hoshitori_query_json(db, "{\"op\":\"apikey_create\",\"name\":\"c-host-erp\",\"role\":\"viewer\","
                                  "\"actor\":\"c-host:admin\"}",
                              &resp) == HOSHITORI_OK);
  k = resp ? strstr(resp, "\"key\":\"") : NULL;
  VCHECK(k != NULL);
  if (k) {
    size_t len;
    k += 7;
    len = strcspn(k, "\"");
    if (len < sizeof key) {
      memcpy(key, k, len);
      key[len] = '\0';
    }
  }
  hoshitori_free(resp);
  VCHECK(strncmp(key, "hsk_", 4) == 0);

  VCHECK(http_get(port, "/api/v1/suppliers/V0001", NULL, answer, sizeof answer) == 401);
  VCHECK(strstr(answer, "application/problem+json") != NULL);
  VCHECK(http_get(port, "/api/v1/suppliers/V0001", key, answer, sizeof answer) == 200);
  VCHECK(strstr(answer, "\"vendor_code\":\"V0001\"") != NULL);
  VCHECK(http_get(port, "/api/v1/suppliers/NO-SUCH", key, answer, sizeof answer) == 404);

  /* the same screens as fragments, without HTTP */
  {
    char *html = NULL;
    VCHECK(hoshitori_render_html(db, "/erp/?standing=meets", "c-host:yamada", "viewer", &html) == HOSHITORI_OK);
    VCHECK(html != NULL && strstr(html, "hs-dashboard") != NULL);
    VCHECK(html != NULL && strstr(html, "<html") == NULL); /* a fragment, not a page */
    hoshitori_free(html);
    html = NULL;
    VCHECK(hoshitori_render_html(db, "/erp/suppliers/V0001?lang=en", "c-host:yamada", "viewer", &html) ==
           HOSHITORI_OK);
    VCHECK(html != NULL && strstr(html, "V0001") != NULL && strstr(html, "Audit trail") != NULL);
    hoshitori_free(html);
    html = NULL;
    VCHECK(hoshitori_render_html(db, "/erp/suppliers/NO-SUCH", "u", "viewer", &html) == HOSHITORI_NOTFOUND);
    VCHECK(html == NULL);
    VCHECK(hoshitori_render_html(db, "/erp/", "u", "root", &html) == HOSHITORI_INVALID);
    VCHECK(hoshitori_render_html(db, "/erp/?lang=fr", "u", "viewer", &html) == HOSHITORI_INVALID);
    VCHECK(hoshitori_render_html(db, "/erp/", NULL, "viewer", &html) == HOSHITORI_MISUSE);
  }

  if (!leave_running) {
    VCHECK(hoshitori_serve_stop(db) == HOSHITORI_OK);
    VCHECK(http_get(port, "/api/v1/suppliers/V0001", key, answer, sizeof answer) == -1);
    VCHECK(hoshitori_serve_stop(db) == HOSHITORI_OK); /* nothing to stop: fine */
  }
  return s_failed;
}
