// One connection to the store (SQLite file or PostgreSQL server) through SOCI,
// schema migrations, and write transactions that bump the shared change counter.
#pragma once
#include <soci/error.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>

namespace soci {
class session;
}

namespace hoshi::store {

class SqliteStatement;

enum class Backend { sqlite, postgresql };

// Raised for store failures; `busy` when another writer held the lock too long.
struct StoreError : std::runtime_error {
  enum class Kind { error, busy, conflict };
  StoreError(Kind k, const std::string& what) : std::runtime_error(what), kind(k) {}
  Kind kind;
};

class Database {
 public:
  // `url`: a SQLite file path, or postgresql://user@host:port/db.
  explicit Database(const std::string& url);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Backend backend() const { return backend_; }
  soci::session& session() { return *session_; }
  const std::string& url() const { return url_; }

  // Creates or upgrades the schema; safe to run again and from several processes.
  void migrate();
  // Version of the schema in the database (0: none yet) and of this build's newest migration.
  int schema_version();
  int latest_version() const;
  bool has_schema_table();
  long long generation();

  // Runs `fn` translating SOCI errors into StoreError (with busy detection); other
  // exceptions pass through unchanged.
  template <class Fn>
  auto guarded(Fn&& fn) -> decltype(fn());

  // SQLite only: a prepared statement kept for the life of the connection, for point
  // queries that run often. Reset it when done (SqliteStatement::Reset does).
  SqliteStatement& cached_statement(const std::string& sql);

 private:
  friend class WriteTransaction;
  void exec_script(const std::string& sql);

  std::string url_;
  Backend backend_;
  std::unique_ptr<soci::session> session_;
  // declared after session_: finalised before the connection closes
  std::unordered_map<std::string, std::unique_ptr<SqliteStatement>> statements_;
};

// BEGIN (IMMEDIATE on SQLite) … COMMIT; rolls back unless committed. Taking the
// change counter's row first serialises writers across processes.
//   bump:      counts a change the cached standings and board pages must see (default);
//   serialize: takes the same lock without counting a change (the outbox's marks, whose
//              audit events need the writers serialised but change no supplier);
//   plain:     no lock beyond the rows touched (PostgreSQL outbox claims, SKIP LOCKED).
class WriteTransaction {
 public:
  enum class Mode { bump, serialize, plain };
  explicit WriteTransaction(Database& db, Mode mode = Mode::bump);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  long long generation() const { return generation_; }
  void commit();

 private:
  Database& db_;
  long long generation_ = 0;
  bool open_ = false;
};

// One consistent view for several reads: BEGIN (SQLite: the snapshot of the first read,
// WAL keeps it) or BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY (PostgreSQL); ended
// when it goes out of scope. For an answer gathered from several queries (a filtered
// page and its rows) that must not mix two states of the data.
class ReadTransaction {
 public:
  explicit ReadTransaction(Database& db);
  ~ReadTransaction();
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  Database& db_;
};

// libpq keyword form of a postgresql:// URL (percent-decoded, quoted).
std::string postgres_keywords(const std::string& url);

// Translates any exception from SOCI into StoreError.
[[noreturn]] void rethrow_store_error(const std::exception& e);

template <class Fn>
auto Database::guarded(Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const soci::soci_error& e) {
    rethrow_store_error(e);
  }
}

}  // namespace hoshi::store
