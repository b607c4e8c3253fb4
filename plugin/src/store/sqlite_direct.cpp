#include "store/sqlite_direct.hpp"

#include "store/database.hpp"

namespace hoshi::store {

void* soci_sqlite_connection(soci::session& session);  // sqlite_handle.cpp
std::string busy_message(const std::string& what);     // database.cpp

sqlite3* sqlite_handle(soci::session& session) {
  auto* conn = static_cast<sqlite3*>(soci_sqlite_connection(session));
  if (!conn) throw StoreError(StoreError::Kind::error, "internal: not a SQLite session");
  return conn;
}

SqliteStatement::SqliteStatement(sqlite3* db, const std::string& sql) : db_(db) {
  if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK) fail("prepare");
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

void SqliteStatement::fail(const char* what) const {
  int code = sqlite3_errcode(db_);
  std::string msg = std::string("database: ") + what + ": " + sqlite3_errmsg(db_);
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) throw StoreError(StoreError::Kind::busy, busy_message(msg));
  auto kind = (sqlite3_extended_errcode(db_) == SQLITE_CONSTRAINT_UNIQUE ||
               sqlite3_extended_errcode(db_) == SQLITE_CONSTRAINT_PRIMARYKEY)
                  ? StoreError::Kind::conflict
                  : StoreError::Kind::error;
  throw StoreError(kind, msg);
}

void SqliteStatement::bind(int pos, const std::optional<std::string>& v) {
  int rc = v ? sqlite3_bind_text(stmt_, pos, v->data(), static_cast<int>(v->size()), SQLITE_STATIC)
             : sqlite3_bind_null(stmt_, pos);
  if (rc != SQLITE_OK) fail("bind");
}

void SqliteStatement::bind(int pos, const std::string& v) {
  if (sqlite3_bind_text(stmt_, pos, v.data(), static_cast<int>(v.size()), SQLITE_STATIC) != SQLITE_OK) fail("bind");
}

void SqliteStatement::bind(int pos, long long v) {
  if (sqlite3_bind_int64(stmt_, pos, v) != SQLITE_OK) fail("bind");
}

bool SqliteStatement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail("step");
}

void SqliteStatement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::optional<std::string> SqliteStatement::column(int i) const {
  if (sqlite3_column_type(stmt_, i) == SQLITE_NULL) return std::nullopt;
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
  return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i)));
}

void SqliteStatement::column_into(int i, std::optional<std::string>& out) const {
  if (sqlite3_column_type(stmt_, i) == SQLITE_NULL) {
    out.reset();
    return;
  }
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
  const auto n = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i));
  if (out)
    out->assign(p, n);  // keeps the capacity: no allocation once warmed up
  else
    out.emplace(p, n);
}

}  // namespace hoshi::store
