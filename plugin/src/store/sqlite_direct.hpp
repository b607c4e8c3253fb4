// Direct use of the SQLite C API under a SOCI session, for the bulk paths where
// SOCI's per-value conversions cost more than the database work itself (imports of
// 100,000 suppliers). Same SQL, same transaction: only the binding differs.
#pragma once
#include <sqlite3.h>

#include <optional>
#include <string>

namespace soci {
class session;
}

namespace hoshi::store {

sqlite3* sqlite_handle(soci::session& session);

class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, const std::string& sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Binds by 1-based position; the text must outlive step().
  void bind(int pos, const std::optional<std::string>& v);
  void bind(int pos, const std::string& v);
  void bind(int pos, long long v);
  // True while there is a row; throws on error.
  bool step();
  void reset();
  // Column as text, or nullopt for NULL.
  std::optional<std::string> column(int i) const;
  // The same into an existing value, reusing its buffer (for long scans).
  void column_into(int i, std::optional<std::string>& out) const;
  sqlite3_stmt* get() const { return stmt_; }

  // Resets a (cached) statement when the scope ends, however it ends.
  struct Reset {
    SqliteStatement& st;
    ~Reset() { st.reset(); }
  };

 private:
  [[noreturn]] void fail(const char* what) const;
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace hoshi::store
