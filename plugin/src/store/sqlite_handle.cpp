// Everything that needs SOCI's SQLite header, kept apart: it wraps sqlite3.h in its own
// namespace, which cannot share a translation unit with the plain C API used elsewhere.
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <memory>
#include <string>

namespace hoshi::store {

std::unique_ptr<soci::session> open_sqlite_session(const std::string& connect) {
  return std::make_unique<soci::session>(*soci::factory_sqlite3(), connect);
}

void* soci_sqlite_connection(soci::session& session) {
  // Only called for sessions Database opened with the SQLite factory (SOCI exports
  // no type information for a dynamic_cast).
  auto* be = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
  return be ? static_cast<void*>(be->conn_) : nullptr;
}

}  // namespace hoshi::store
