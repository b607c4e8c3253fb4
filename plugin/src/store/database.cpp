#include "store/database.hpp"

#include <soci/soci.h>
#ifdef HOSHITORI_WITH_POSTGRESQL
#include <soci/postgresql/soci-postgresql.h>
#endif

#include <algorithm>
#include <ctime>
#include <set>

#include "core/date.hpp"
#include "store/migrations.hpp"
#include "store/sqlite_direct.hpp"

namespace hoshi::store {

std::unique_ptr<soci::session> open_sqlite_session(const std::string& connect);  // sqlite_handle.cpp

namespace {
bool is_postgres_url(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}
int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string quote_kv(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\\' || c == '\'') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

// The URL with any password replaced by ***, for messages.
std::string redacted(const std::string& url) {
  auto scheme = url.find("://");
  auto at = url.rfind('@');
  if (scheme == std::string::npos || at == std::string::npos) return url;
  auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

// On the way out of a failed transaction: a failing ROLLBACK must not hide the cause.
void rollback_quietly(soci::session& s) {
  try {
    s << "ROLLBACK";
  } catch (...) {
  }
}

}  // namespace

// postgresql://user:password@host:port/db?sslmode=… → libpq "key='value' …" (SOCI
// mangles URLs, so they are turned into keyword form first).
std::string postgres_keywords(const std::string& url) {
  std::string rest = url.substr(url.find("://") + 3);
  std::string query;
  if (auto q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest.erase(q);
  }
  std::string dbname;
  if (auto slash = rest.find('/'); slash != std::string::npos) {
    dbname = rest.substr(slash + 1);
    rest.erase(slash);
  }
  std::string user, password;
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    user = rest.substr(0, at);
    rest.erase(0, at + 1);
    if (auto colon = user.find(':'); colon != std::string::npos) {
      password = user.substr(colon + 1);
      user.erase(colon);
    }
  }
  std::string host = rest, port;
  if (!host.empty() && host[0] == '[') {  // [::1]:5432
    auto close = host.find(']');
    if (close != std::string::npos) {
      if (close + 1 < host.size() && host[close + 1] == ':') port = host.substr(close + 2);
      host = host.substr(1, close - 1);
    }
  } else if (auto colon = host.rfind(':'); colon != std::string::npos) {
    port = host.substr(colon + 1);
    host.erase(colon);
  }
  std::string kv;
  auto add = [&](const char* key, const std::string& value) {
    if (value.empty()) return;
    kv += (kv.empty() ? "" : " ") + std::string(key) + "=" + quote_kv(percent_decode(value));
  };
  add("host", host);
  add("port", port);
  add("user", user);
  add("password", password);
  add("dbname", dbname);
  std::size_t start = 0;
  while (start < query.size()) {
    std::size_t amp = query.find('&', start);
    if (amp == std::string::npos) amp = query.size();
    std::string pair = query.substr(start, amp - start);
    if (auto eq = pair.find('='); eq != std::string::npos) {
      std::string key = percent_decode(pair.substr(0, eq));
      bool safe = !key.empty();
      for (char c : key) safe = safe && ((c >= 'a' && c <= 'z') || c == '_');
      if (safe) add(key.c_str(), pair.substr(eq + 1));
    }
    start = amp + 1;
  }
  return kv;
}

// A busy store's message says what happened and that the caller may try again (the
// transaction was rolled back); sqlite_direct.cpp uses it too.
std::string busy_message(const std::string& what) {
  return "database busy: another writer held the lock too long; try again (" + what + ")";
}

void rethrow_store_error(const std::exception& e) {
  std::string msg = e.what();
  bool busy = msg.find("database is locked") != std::string::npos ||
              msg.find("database is busy") != std::string::npos ||
              msg.find("could not obtain lock") != std::string::npos || msg.find("lock timeout") != std::string::npos;
  bool conflict = msg.find("UNIQUE constraint") != std::string::npos || msg.find("duplicate key") != std::string::npos;
  if (busy) throw StoreError(StoreError::Kind::busy, busy_message("database: " + msg));
  throw StoreError(conflict ? StoreError::Kind::conflict : StoreError::Kind::error, "database: " + msg);
}

Database::Database(const std::string& url) : url_(url) {
  try {
    if (is_postgres_url(url)) {
#ifdef HOSHITORI_WITH_POSTGRESQL
      backend_ = Backend::postgresql;
      std::string kv = postgres_keywords(url);
      if (kv.find("connect_timeout=") == std::string::npos) kv += " connect_timeout='10'";
      session_ = std::make_unique<soci::session>(*soci::factory_postgresql(), kv);
      *session_ << "SET client_min_messages TO WARNING";
      // like SQLite's busy timeout: a writer waits at most 30 s for another, then BUSY
      *session_ << "SET lock_timeout = '30s'";
#else
      throw StoreError(StoreError::Kind::error, "this build has no PostgreSQL support");
#endif
    } else {
      backend_ = Backend::sqlite;
      if (url.empty()) throw StoreError(StoreError::Kind::error, "no database given");
      session_ = open_sqlite_session("db=" + url + " timeout=30 shared_cache=false");
      try {
        *session_ << "PRAGMA journal_mode=WAL";
      } catch (const soci::soci_error&) {
        // a file this user may only read (an auditor's copy): reading still works,
        // and any write fails later with SQLite's own "readonly database"
      }
      *session_ << "PRAGMA synchronous=NORMAL";
      *session_ << "PRAGMA foreign_keys=ON";
      *session_ << "PRAGMA cache_size=-16384";  // 16 MiB: bulk imports touch many index pages
    }
  } catch (const StoreError&) {
    throw;
  } catch (const std::exception& e) {
    throw StoreError(StoreError::Kind::error, "cannot open database '" + redacted(url) + "': " + e.what());
  }
}

Database::~Database() = default;

SqliteStatement& Database::cached_statement(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end())
    it = statements_.emplace(sql, std::make_unique<SqliteStatement>(sqlite_handle(*session_), sql)).first;
  return *it->second;
}

void Database::exec_script(const std::string& sql) {
  // A statement ends with ';' at the end of a line, except inside a $$-quoted body or a
  // trigger's BEGIN … END block (which then ends with "END;"). "--" lines are comments.
  std::string stmt;
  bool in_dollar = false, in_block = false;
  std::size_t pos = 0;
  while (pos < sql.size()) {
    std::size_t eol = sql.find('\n', pos);
    if (eol == std::string::npos) eol = sql.size();
    std::string line = sql.substr(pos, eol - pos);
    pos = eol + 1;
    std::size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || (!in_dollar && line.compare(first, 2, "--") == 0)) continue;
    std::size_t last = line.find_last_not_of(" \t\r");
    std::string trimmed = line.substr(first, last - first + 1);
    for (std::size_t d = line.find("$$"); d != std::string::npos; d = line.find("$$", d + 2)) in_dollar = !in_dollar;
    if (!in_dollar && trimmed == "BEGIN") in_block = true;
    stmt += line + "\n";
    bool ends = !in_dollar && trimmed.back() == ';' && (!in_block || trimmed == "END;");
    if (ends) {
      stmt.erase(stmt.find_last_of(';'));
      *session_ << stmt;
      stmt.clear();
      in_block = false;
    }
  }
  if (stmt.find_first_not_of(" \t\r\n") != std::string::npos) *session_ << stmt;
}

bool Database::has_schema_table() {
  return guarded([&] {
    int n = 0;
    if (backend_ == Backend::sqlite)
      *session_ << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'", soci::into(n);
    else
      *session_ << "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'schema_version' AND "
                   "table_schema = current_schema()",
          soci::into(n);
    return n > 0;
  });
}

int Database::latest_version() const {
  const std::string mine = backend_ == Backend::sqlite ? "sqlite" : "postgresql";
  int latest = 0;
  for (const Migration& m : embedded_migrations())
    if (!*m.backend || mine == m.backend) latest = std::max(latest, m.version);
  return latest;
}

std::vector<int> missing_migrations(Database& db) {
  std::set<int> applied;
  if (db.has_schema_table())
    db.guarded([&] {
      soci::rowset<int> rs = db.session().prepare << "SELECT version FROM schema_version";
      applied.insert(rs.begin(), rs.end());
      return 0;
    });
  const std::string mine = db.backend() == Backend::sqlite ? "sqlite" : "postgresql";
  std::vector<int> out;
  for (const Migration& m : embedded_migrations())
    if ((!*m.backend || mine == m.backend) && !applied.count(m.version)) out.push_back(m.version);
  std::sort(out.begin(), out.end());
  return out;
}

void Database::migrate() {
  // Up to date already: no write lock, so readers never wait for one another. Every
  // migration is checked, not the newest only: one may be missing below a newer one.
  if (has_schema_table() && missing_migrations(*this).empty()) return;
  if (backend_ == Backend::sqlite && !has_schema_table()) {
    int tables = 0;
    guarded([&] {
      *session_ << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
          soci::into(tables);
      return 0;
    });
    if (tables > 0)
      throw StoreError(StoreError::Kind::error, url_ + " is not a Hoshitori database (it holds " +
                                                    std::to_string(tables) + " other tables): give a new file");
  }
  guarded([&] {
    soci::session& s = *session_;
    // All pending migrations in one transaction; one migrating process at a time.
    if (backend_ == Backend::sqlite) {
      s << "BEGIN IMMEDIATE";
    } else {
      s << "BEGIN";
      s << "SELECT pg_advisory_xact_lock(7402110001)";
    }
    try {
      s << "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
           "applied_at TEXT NOT NULL)";
      const std::string mine = backend_ == Backend::sqlite ? "sqlite" : "postgresql";
      for (const Migration& m : embedded_migrations()) {
        if (*m.backend && mine != m.backend) continue;
        int applied = 0;
        s << "SELECT COUNT(*) FROM schema_version WHERE version = :v", soci::use(m.version), soci::into(applied);
        if (applied != 0) continue;
        std::string sql = m.sql;
        const std::string id_col =
            backend_ == Backend::sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY";
        for (std::size_t p; (p = sql.find("@ID@")) != std::string::npos;) sql.replace(p, 4, id_col);
        exec_script(sql);
        std::string name = m.name, now = utc_now_iso();
        int version = m.version;
        s << "INSERT INTO schema_version (version, name, applied_at) VALUES (:v, :n, :t)", soci::use(version),
            soci::use(name), soci::use(now);
      }
      s << "COMMIT";
    } catch (...) {
      rollback_quietly(s);
      throw;
    }
    return 0;
  });
}

int Database::schema_version() {
  if (!has_schema_table()) return 0;
  return guarded([&] {
    int v = 0;
    soci::indicator ind;
    *session_ << "SELECT MAX(version) FROM schema_version", soci::into(v, ind);
    return ind == soci::i_ok ? v : 0;
  });
}

long long Database::generation() {
  return guarded([&] {
    long long g = 0;
    if (backend_ == Backend::sqlite) {  // every read of a cached answer asks: kept prepared
      SqliteStatement& st = cached_statement("SELECT value FROM meta WHERE key = 'generation'");
      SqliteStatement::Reset reset{st};
      if (st.step()) g = sqlite3_column_int64(st.get(), 0);
      return g;
    }
    *session_ << "SELECT value FROM meta WHERE key = 'generation'", soci::into(g);
    return g;
  });
}

WriteTransaction::WriteTransaction(Database& db, Mode mode) : db_(db) {
  db_.guarded([&] {
    soci::session& s = db_.session();
    s << (db_.backend() == Backend::sqlite ? "BEGIN IMMEDIATE" : "BEGIN");
    open_ = true;
    try {
      if (mode == Mode::bump) {
        s << "UPDATE meta SET value = value + 1 WHERE key = 'generation'";
        s << "SELECT value FROM meta WHERE key = 'generation'", soci::into(generation_);
      } else if (mode == Mode::serialize) {
        s << (db_.backend() == Backend::sqlite ? "SELECT value FROM meta WHERE key = 'generation'"
                                               : "SELECT value FROM meta WHERE key = 'generation' FOR UPDATE"),
            soci::into(generation_);
      }
    } catch (...) {
      open_ = false;
      rollback_quietly(s);
      throw;
    }
    return 0;
  });
}

ReadTransaction::ReadTransaction(Database& db) : db_(db) {
  db_.guarded([&] {
    db_.session() << (db_.backend() == Backend::sqlite ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    return 0;
  });
}

ReadTransaction::~ReadTransaction() {
  try {
    db_.session() << "COMMIT";  // nothing was written: ends the snapshot
  } catch (...) {
    rollback_quietly(db_.session());
  }
}

void WriteTransaction::commit() {
  db_.guarded([&] {
    db_.session() << "COMMIT";
    open_ = false;
    return 0;
  });
}

WriteTransaction::~WriteTransaction() {
  if (open_) rollback_quietly(db_.session());
}

std::unique_ptr<Database> ReadPool::take() {
  std::unique_lock lock(mutex_);
  freed_.wait(lock, [&] { return !idle_.empty() || open_ < size_; });
  if (!idle_.empty()) {
    auto db = std::move(idle_.back());
    idle_.pop_back();
    return db;
  }
  ++open_;  // counted before opening (outside the lock), so no more than size_ open
  lock.unlock();
  try {
    return std::make_unique<Database>(url_);
  } catch (...) {
    give_back(nullptr);
    throw;
  }
}

void ReadPool::give_back(std::unique_ptr<Database> db) {
  {
    std::lock_guard lock(mutex_);
    if (db)
      idle_.push_back(std::move(db));
    else
      --open_;
  }
  freed_.notify_one();
}

}  // namespace hoshi::store
