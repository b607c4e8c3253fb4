// Kept apart: SOCI's SQLite header wraps sqlite3.h in its own namespace, which
// cannot share a translation unit with the plain C API used in sqlite_direct.cpp.
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

namespace hoshi::store {

void* soci_sqlite_connection(soci::session& session) {
  // Only called for sessions Database opened with the SQLite factory (SOCI exports
  // no type information for a dynamic_cast).
  auto* be = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
  return be ? static_cast<void*>(be->conn_) : nullptr;
}

}  // namespace hoshi::store
