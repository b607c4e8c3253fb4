// The C ABI: thin shims over Service. Nothing throws across extern "C"; every
// failure becomes a result code plus the handle's message (one place: guard()).
#include "hoshitori/hoshitori.h"

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/json_api.hpp"
#include "catalog/catalog_loader.hpp"
#include "connectors/registry.hpp"
#include "core/text.hpp"
#include "http/erp_screens.hpp"
#include "http/exchange.hpp"
#include "http/server.hpp"
#include "service/letters.hpp"
#include "service/service.hpp"

namespace {
constexpr unsigned int kMagicOpen = 0x484F5348;  // "HOSH"
constexpr unsigned int kMagicClosed = 0xDEADC105;

// The sizes of every published version of each struct, oldest first (README "Struct
// versioning"): a struct only grows at its end.
constexpr std::size_t kStatusSizes[] = {sizeof(hoshitori_supplier_status_t)};
constexpr std::size_t kOpenOptionsSizes[] = {offsetof(hoshitori_open_options, read_connections),
                                             sizeof(hoshitori_open_options)};
// What the earlier header's HOSHITORI_OPEN_OPTIONS_INIT put in the first member (then
// `version`): read as that header's struct.
constexpr unsigned int kOpenOptionsLegacyVersion = 1;
}  // namespace

struct hoshitori {
  unsigned int magic = kMagicOpen;
  std::unique_ptr<hoshi::Service> service;
  std::mutex server_mutex;
  std::unique_ptr<hoshi::http::WebServer> server;  // declared after service: stopped first
  std::once_flag screens_once;
  std::unique_ptr<hoshi::http::ErpScreens> screens;  // made on first hoshitori_render_html
};

namespace {
// The message of this thread's last failure, per handle: a thread reads its own call's
// failure, never another thread's, with nothing shared between threads to lock. Valid
// until this thread's next failure on that handle; gone when the thread ends.
thread_local std::unordered_map<const hoshitori*, std::string> tls_errors;

int fail(hoshitori* db, int code, const std::string& msg) {
  tls_errors[db] = msg;
  return code;
}

// MISUSE unless `got` is the size of a published version of the struct `name`.
template <std::size_t N>
bool size_known(hoshitori* db, const char* name, std::size_t got, const std::size_t (&sizes)[N], int& rc) {
  for (std::size_t s : sizes)
    if (got == s) return true;
  std::string accepted;
  for (std::size_t i = 0; i < N; ++i) accepted += (i == 0 ? "" : i + 1 == N ? " or " : ", ") + std::to_string(sizes[i]);
  rc = fail(db, HOSHITORI_MISUSE,
            std::string(name) + ".size is " + std::to_string(got) + "; this library accepts " + accepted +
                (got > sizes[N - 1] ? " (the host was built against a newer hoshitori.h than this library)"
                                    : " (set it to sizeof the struct)"));
  return false;
}

// The one translation of the error model to the ABI's result codes.
int abi_code(hoshi::Code c) {
  using hoshi::Code;
  static_assert(hoshi::document_code(Code::error) == HOSHITORI_ERROR);
  static_assert(hoshi::document_code(Code::invalid) == HOSHITORI_INVALID);
  static_assert(hoshi::document_code(Code::notfound) == HOSHITORI_NOTFOUND);
  static_assert(hoshi::document_code(Code::conflict) == HOSHITORI_CONFLICT);
  static_assert(hoshi::document_code(Code::busy) == HOSHITORI_BUSY);
  static_assert(hoshi::document_code(Code::refused) == HOSHITORI_REFUSED);
  return hoshi::document_code(c);
}

bool usable(hoshitori* db) { return db != nullptr && db->magic == kMagicOpen && db->service != nullptr; }

// Runs fn, translating every exception into a result code and message.
template <class Fn>
int guard(hoshitori* db, Fn&& fn) {
  try {
    return fn();
  } catch (const hoshi::Error& e) {  // the store's, the catalogs' and the ops' outcomes alike
    return fail(db, abi_code(e.code), e.what());
  } catch (const std::bad_alloc&) {
    return fail(db, HOSHITORI_ERROR, "out of memory");
  } catch (const std::exception& e) {
    return fail(db, HOSHITORI_ERROR, e.what());
  } catch (...) {
    return fail(db, HOSHITORI_ERROR, "unknown error");
  }
}

template <std::size_t N>
void copy_str(char (&dst)[N], std::string_view src) {
  std::string_view s = hoshi::text::utf8_prefix(src, N - 1);
  std::memcpy(dst, s.data(), s.size());
  dst[s.size()] = '\0';
}

char* dup(const std::string& s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (!p) throw std::bad_alloc();
  std::memcpy(p, s.data(), s.size() + 1);
  return p;
}
}  // namespace

extern "C" {

const char* hoshitori_version(void) { return HOSHITORI_VERSION; }

int hoshitori_libversion_number(void) { return HOSHITORI_VERSION_NUMBER; }

int hoshitori_open(const char* database, hoshitori** out) { return hoshitori_open_v2(database, nullptr, out); }

int hoshitori_open_v2(const char* database, const hoshitori_open_options* options, hoshitori** out) {
  if (!out) return HOSHITORI_MISUSE;
  *out = nullptr;
  auto* db = new (std::nothrow) hoshitori;
  if (!db) return HOSHITORI_ERROR;
  *out = db;
  // the host's struct, its missing trailing fields at their defaults
  hoshitori_open_options o = HOSHITORI_OPEN_OPTIONS_INIT;
  if (options) {
    const std::size_t size = options->size == kOpenOptionsLegacyVersion ? kOpenOptionsSizes[0] : options->size;
    if (int rc = 0; !size_known(db, "hoshitori_open_options", size, kOpenOptionsSizes, rc)) return rc;
    std::memcpy(&o, options, size);
  }
  if (!database || !*database) return fail(db, HOSHITORI_MISUSE, "no database given");
  return guard(db, [&] {
    hoshi::ServiceOptions so;
    so.database = database;
    const char* today = o.today ? o.today : std::getenv("HOSHITORI_TODAY");
    if (today && *today) {
      hoshi::Date d;
      if (!hoshi::parse_iso_date(today, d))
        return fail(db, HOSHITORI_INVALID, std::string("today: not a date YYYY-MM-DD: ") + today);
      so.today = d;
    }
    if (o.schemas_dir) so.schemas_dir = o.schemas_dir;
    if (o.policy_file) so.policy_file = o.policy_file;
    so.create = o.create != 0;
    if (o.read_connections < 0)
      return fail(db, HOSHITORI_INVALID,
                  "read_connections: " + std::to_string(o.read_connections) + " (0 for the default, or 1 or more)");
    if (o.read_connections > 0) so.read_connections = o.read_connections;
    if (const char* p = std::getenv("HOSHITORI_POLICY"); so.policy_file.empty() && p && *p) so.policy_file = p;
    hoshi::connectors::install_ops();
    db->service = std::make_unique<hoshi::Service>(so);
    return HOSHITORI_OK;
  });
}

int hoshitori_close(hoshitori* db) {
  if (!db) return HOSHITORI_OK;
  if (db->magic != kMagicOpen) return HOSHITORI_MISUSE;
  db->magic = kMagicClosed;
  {
    std::lock_guard lock(db->server_mutex);
    db->server.reset();  // stops it; requests in progress finish first
  }
  // Everything the handle owns is released; its few bytes are kept, marked closed, so
  // a late call through a stale pointer answers MISUSE instead of reading freed memory.
  db->service.reset();
  tls_errors.erase(db);
  // kept reachable (not leaked) for the life of the process
  static std::mutex graveyard_mutex;
  static std::vector<std::unique_ptr<hoshitori>> graveyard;
  std::lock_guard lock(graveyard_mutex);
  graveyard.emplace_back(db);
  return HOSHITORI_OK;
}

const char* hoshitori_errmsg(hoshitori* db) {
  if (!db) return "NULL hoshitori handle";
  if (db->magic != kMagicOpen) return "closed or invalid hoshitori handle";
  auto it = tls_errors.find(db);
  return it == tls_errors.end() ? "not an error" : it->second.c_str();
}

const char* hoshitori_standing_name(int standing) {
  if (standing < 0 || standing > HOSHITORI_STANDING_BELOW) return "invalid";
  return hoshi::standing_name(static_cast<hoshi::Standing>(standing));
}

int hoshitori_supplier_status(hoshitori* db, const char* vendor_code, hoshitori_supplier_status_t* out) {
  if (!usable(db)) return HOSHITORI_MISUSE;
  if (!out) return fail(db, HOSHITORI_MISUSE, "hoshitori_supplier_status_t pointer is NULL");
  if (int rc = 0; !size_known(db, "hoshitori_supplier_status_t", out->size, kStatusSizes, rc)) return rc;
  if (!vendor_code || !*vendor_code) return fail(db, HOSHITORI_INVALID, "vendor_code: empty");
  const unsigned int size = out->size;
  return guard(db, [&] {
    bool found = db->service->with_status(vendor_code, [&](const hoshi::SupplierStanding& s) {
      hoshitori_supplier_status_t full;
      full.size = size;
      full.sa_level = s.view.sa_level;
      full.otasuketai_active = s.otasuketai_active;
      full.scs_level = s.view.scs_level;
      full.required_scs = s.standing.required_scs;
      full.standing = static_cast<int>(s.standing.standing);
      full.active = s.view.active ? 1 : 0;
      const auto& sup = s.supplier;
      copy_str(full.scs_valid_until, sup.scs_valid_until ? sup.scs_valid_until->iso() : "");
      copy_str(full.otasuketai_until, sup.ota_end ? sup.ota_end->iso() : "");
      full.standing_until[0] = '\0';
      if (s.standing.until) {
        const hoshi::Date& d = *s.standing.until;
        std::snprintf(full.standing_until, sizeof full.standing_until, "%04d-%02d-%02d", d.year, d.month, d.day);
      }
      copy_str(full.corporate_number, sup.corporate_number.value_or(""));
      copy_str(full.reason, s.standing.reason);
      std::memcpy(out, &full, size);
    });
    if (!found) return fail(db, HOSHITORI_NOTFOUND, std::string("no supplier with vendor code ") + vendor_code);
    return HOSHITORI_OK;
  });
}

int hoshitori_query_json(hoshitori* db, const char* request_json, char** response_json) {
  if (!usable(db)) return HOSHITORI_MISUSE;
  if (!request_json || !response_json) return fail(db, HOSHITORI_MISUSE, "request or response pointer is NULL");
  *response_json = nullptr;
  int rc = guard(db, [&] {
    try {
      *response_json = dup(hoshi::api::handle(*db->service, request_json));
    } catch (const hoshi::Error& e) {
      if (e.detail || !e.field.empty()) {
        Poco::JSON::Object::Ptr extra = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        if (!e.field.empty()) extra->set("field", e.field);  // the key or field the caller got wrong
        if (e.detail)
          for (const auto& k : e.detail->getNames()) extra->set(k, e.detail->get(k));
        *response_json = dup(hoshi::api::error_json(abi_code(e.code), e.what(), extra));
      }
      throw;
    }
    return HOSHITORI_OK;
  });
  if (rc != HOSHITORI_OK && *response_json == nullptr) {
    try {
      Poco::JSON::Object err;
      err.set("error", tls_errors[db]);  // this call's own failure, set on this thread
      err.set("code", rc);
      *response_json = dup(hoshi::api::to_string(err));
    } catch (...) {
    }
  }
  return rc;
}

int hoshitori_serve_start(hoshitori* db, const char* listen, char** url) {
  if (!usable(db)) return HOSHITORI_MISUSE;
  if (url) *url = nullptr;
  return guard(db, [&] {
    hoshi::http::WebOptions o;
    o.port = 8470;
    if (listen && *listen) {
      std::string why;
      if (!hoshi::http::parse_listen(listen, o.host, o.port, why))
        return fail(db, HOSHITORI_INVALID, std::string("listen \"") + listen + "\": " + why);
    }
    std::lock_guard lock(db->server_mutex);
    if (db->server) return fail(db, HOSHITORI_CONFLICT, "this handle already serves " + db->server->base_url());
    auto server = std::make_unique<hoshi::http::WebServer>(*db->service, o);
    server->start();
    if (url) *url = dup(server->base_url());
    db->server = std::move(server);
    return HOSHITORI_OK;
  });
}

int hoshitori_serve_stop(hoshitori* db) {
  if (!usable(db)) return HOSHITORI_MISUSE;
  return guard(db, [&] {
    std::unique_ptr<hoshi::http::WebServer> server;
    {
      std::lock_guard lock(db->server_mutex);
      server = std::move(db->server);
    }
    server.reset();
    return HOSHITORI_OK;
  });
}

int hoshitori_render_html(hoshitori* db, const char* path, const char* user, const char* role, char** html) {
  if (!usable(db)) return HOSHITORI_MISUSE;
  if (!path || !user || !role || !html) return fail(db, HOSHITORI_MISUSE, "path, user, role or html is NULL");
  *html = nullptr;
  return guard(db, [&] {
    hoshi::http::ScreenRequest r;
    r.caller.actor = user;
    r.caller.via = "c-abi";
    if (!hoshi::records::parse_role(role, r.caller.key.role))
      return fail(db, HOSHITORI_INVALID, std::string("role must be viewer, buyer or admin, not ") + role);
    try {
      std::call_once(db->screens_once, [&] {
        db->screens = std::make_unique<hoshi::http::ErpScreens>(
            *db->service, hoshi::records::default_templates_dir(db->service->schemas_dir()));
      });
      std::string decoded;
      std::vector<std::string> segments;
      hoshi::http::parse_target(path, decoded, segments, r.query);
      if (segments.empty() || segments[0] != "erp") return fail(db, HOSHITORI_NOTFOUND, "screens live under /erp/");
      r.segments.assign(segments.begin() + 1, segments.end());
      hoshi::http::ErpScreens::read_common(r);
      r.fragment = true;
      *html = dup(db->screens->render(r));
      return HOSHITORI_OK;
    } catch (const hoshi::http::HttpError& e) {
      return fail(db,
                  e.status == 404  ? HOSHITORI_NOTFOUND
                  : e.status < 500 ? HOSHITORI_INVALID
                                   : HOSHITORI_ERROR,
                  e.what());
    }
  });
}

void hoshitori_free(void* p) { std::free(p); }

}  // extern "C"
