// One connection to the store (SQLite file or PostgreSQL server) through SOCI,
// schema migrations, and write transactions that bump the shared change counter.
#pragma once
#include <soci/error.h>

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"

namespace soci {
class session;
}

namespace hoshi::store {

class SqliteStatement;

enum class Backend { sqlite, postgresql };

// Raised for store failures; `busy` when another writer held the lock too long.
struct StoreError : Error {
  enum class Kind { error, busy, conflict };
  StoreError(Kind k, const std::string& what)
      : Error(k == Kind::busy       ? Code::busy
              : k == Kind::conflict ? Code::conflict
                                    : Code::error,
              what),
        kind(k) {}
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

// Connections for reads only, opened as needed up to `size`, each used by one thread at a
// time: SQLite in WAL mode and PostgreSQL let them read while the write connection writes.
// Every read asks the database (autocommit: each statement sees every commit before it).
class ReadPool {
 public:
  ReadPool(std::string url, std::size_t size) : url_(std::move(url)), size_(size) {}
  std::size_t size() const { return size_; }
  // Runs fn(Database&) on a free connection (waits while all `size` are busy), translating
  // SOCI errors into StoreError. A connection that raised StoreError is closed, not reused.
  template <class Fn>
  auto with(Fn&& fn) -> decltype(fn(std::declval<Database&>()));

 private:
  std::unique_ptr<Database> take();
  void give_back(std::unique_ptr<Database> db);  // null: a failed connection, closed
  std::string url_;
  std::size_t size_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Database>> idle_;
  std::size_t open_ = 0;  // idle and in use
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

template <class Fn>
auto ReadPool::with(Fn&& fn) -> decltype(fn(std::declval<Database&>())) {
  std::unique_ptr<Database> db = take();
  try {
    if constexpr (std::is_void_v<decltype(fn(*db))>) {
      db->guarded([&] { fn(*db); });
      give_back(std::move(db));
    } else {
      auto out = db->guarded([&] { return fn(*db); });
      give_back(std::move(db));
      return out;
    }
  } catch (const StoreError&) {
    give_back(nullptr);  // the connection may be broken: the next call opens another
    throw;
  } catch (...) {
    give_back(std::move(db));
    throw;
  }
}

}  // namespace hoshi::store
