// The object behind a hoshitori handle: the store, the catalogs, and an in-memory
// cache of supplier standing for the ERP's hot path. Thread-safe.
#pragma once
#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "core/catalogs.hpp"
#include "core/error.hpp"
#include "core/standing.hpp"
#include "core/supplier.hpp"
#include "importer/supplier_import.hpp"
#include "store/database.hpp"
#include "store/supplier_repository.hpp"

namespace hoshi {

// A 法人番号 given as the key belongs to several suppliers (vendor codes).
struct AmbiguousKey : Error {
  explicit AmbiguousKey(const std::string& what) : Error(Code::conflict, what) {}
};

struct ServiceOptions {
  std::string database;
  std::string schemas_dir;  // empty: default_schemas_dir
  std::string policy_file;  // empty: schemas_dir/policy.yaml
  std::optional<Date> today;
  bool create = true;
  // The identity the program itself knows (a CLI run's operating-system login; a
  // REST API key): recorded as "via" on every audit event, beside the named actor.
  std::string principal;
  // Connections for reads run at once (store::ReadPool); 1: reads share the write
  // connection, one at a time; 0: $HOSHITORI_READ_CONNECTIONS, else 4.
  int read_connections = 0;
};

// A supplier with its standing evaluated for today.
struct SupplierStanding {
  Supplier supplier;
  StatusView view;
  StandingResult standing;
  int otasuketai_active = -1;  // -1 never reported, 0 none or ended, 1 in force today
  int equivalent_active = -1;  // 同等のサービス, likewise (1: valid today, its validity date on record)
  // The status document as JSON text, written on first use by api::status_json_text
  // (std::atomic_load/store: several API threads may read one cached entry at once). A
  // cache entry is replaced, never changed, when the supplier or the day changes.
  mutable std::shared_ptr<const std::string> json_text;
};

struct ListQuery {
  store::SupplierFilter filter;
  std::optional<Standing> standing;
  std::size_t offset = 0;
  std::size_t limit = 0;  // 0: all
};

// A change of statuses from a host or a person, applied as one history-recorded update.
struct StatusUpdate {
  std::string vendor_code;
  SupplierPatch patch;  // only the fields that change; name_normalized is derived
  std::string actor;
  std::string source;
};

class Service {
 public:
  explicit Service(const ServiceOptions& options);

  const Catalogs& catalogs() const { return catalogs_; }
  Date today() const;
  store::Backend backend() const { return db_.backend(); }

  // Hot path: calls fn(const SupplierStanding&) under a shared lock; false when unknown.
  // `key` is a vendor code, or a 法人番号 (any spelling the import accepts) when no vendor
  // code matches; throws AmbiguousKey when that number belongs to several suppliers.
  template <class Fn>
  bool with_status(const std::string& key, Fn&& fn);

  std::optional<SupplierStanding> get(const std::string& key);
  // One page of suppliers in vendor-code order. Filters run over a compact in-memory
  // index of every supplier's standing (rebuilt when the data or the day changes), so a
  // page costs the same with 100 or 100,000 suppliers; the page's rows are read in the
  // same database snapshot as the index's version, so they always agree with the filter.
  std::vector<SupplierStanding> list(const ListQuery& query, std::size_t* total = nullptr);
  // Counts by standing of every supplier (active or not), from the same index.
  std::array<std::size_t, 5> standing_counts();
  // How many of the suppliers counted as meets do so only by the buyer's own interim rule,
  // not the scheme's ★ (the board says 「うち当社の暫定基準 N」 beside the count).
  std::size_t interim_count();
  // What the board pages are computed from: {generation, day}, read from the database on
  // each call. Equal versions, equal pages: a screen may keep a page it rendered while
  // this stays the same, when the version read before rendering equals the one read after
  // (then nothing committed in between).
  std::pair<long long, long> board_version();
  // Coverage over time: how many active suppliers met the policy (standing meets or
  // expiring) at the end of each of the last `months` calendar months in Japan, oldest
  // first; the last point is today's board. Past months are replayed from the history
  // (undoing each later change) under today's policy, once per calendar month, and kept.
  struct CoveragePoint {
    int year = 0, month = 0;
    std::size_t meeting = 0, total = 0;
  };
  std::vector<CoveragePoint> coverage(int months = 12);
  // The departments named in the supplier master, sorted.
  std::vector<std::string> departments();
  // The creation (field "created") followed by every recorded change, oldest first.
  std::vector<store::HistoryEntry> history(const std::string& vendor_code);
  importer::ImportReport import_file(const std::string& path, importer::ImportOptions options);
  // Returns the supplier after the change; throws Error (Code::invalid) naming a bad field.
  SupplierStanding update_status(const StatusUpdate& update);

  // Runs fn(store::Database&) holding the connection (one user at a time). Writers
  // open their own store::WriteTransaction inside; errors come out as StoreError. For
  // service/ only (tests/layers/check_sql.py holds it): the layers above reach the
  // store through with_repos.
  template <class Fn>
  auto with_db(Fn&& fn) -> decltype(fn(std::declval<store::Database&>())) {
    std::lock_guard db_lock(db_mutex_);
    return db_.guarded([&] { return fn(db_); });
  }
  // Runs fn(store::Database&) for reads only, on a connection of the read pool (several
  // threads at once), or on the one connection when the pool has a single connection.
  // fn must not write: the database is asked anew, nothing is kept between calls.
  template <class Fn>
  auto with_read_db(Fn&& fn) -> decltype(fn(std::declval<store::Database&>())) {
    if (read_pool_) return read_pool_->with(std::forward<Fn>(fn));
    return with_db(std::forward<Fn>(fn));
  }
  // How many connections reads may use at once (1: they share the write connection).
  std::size_t read_connections() const { return read_pool_ ? read_pool_->size() : 1; }
  // Runs fn(Repo&...) holding the connection, each repository made on it (with
  // principal() as the "via" of its audit events where it takes one): how the layers
  // above service/ use a repository without the raw connection.
  template <class... Repos, class Fn>
  auto with_repos(Fn&& fn) {
    return with_db([&](store::Database& db) {
      std::tuple<Repos...> repos{repo_on<Repos>(db)...};
      return std::apply(fn, repos);
    });
  }
  // The same inside a store::WriteTransaction of `mode`: fn(tx, Repo&...) commits it
  // (tx.commit()), else everything it wrote is rolled back.
  template <class... Repos, class Fn>
  auto in_transaction(store::WriteTransaction::Mode mode, Fn&& fn) {
    return with_db([&](store::Database& db) {
      store::WriteTransaction tx(db, mode);
      std::tuple<store::WriteTransaction&, Repos...> args{tx, repo_on<Repos>(db)...};
      return std::apply(fn, args);
    });
  }
  // Evaluates a supplier's standing for today (without the cache).
  SupplierStanding evaluate_now(Supplier s) const { return evaluate(std::move(s), today()); }
  const std::string& schemas_dir() const { return schemas_dir_; }
  // The store's URL, for a caller that needs a connection of its own (a long export).
  const std::string& database_url() const { return db_.url(); }
  // The "via" of audit events: the principal a ScopedPrincipal set on this thread
  // (the REST API's key for one request), else ServiceOptions.principal.
  const std::string& principal() const;
  // Call after writing suppliers through with_db, so cached standings follow.
  void refresh() { refresh_now(); }

 private:
  using Entry = std::shared_ptr<const SupplierStanding>;
  struct BoardRow {
    std::string code, department, name_normalized;
    Standing standing;
    bool active;
  };
  struct Board {
    long long generation = -1;
    long day = 0;
    std::vector<BoardRow> rows;  // by vendor code
    std::vector<std::string> departments;
    std::array<std::size_t, 5> counts{};  // by Standing
    std::size_t on_interim = 0;           // of counts[meets]: those by the buyer's interim rule
    std::size_t active = 0, meeting = 0;  // active suppliers, and those meeting the policy
  };
  std::shared_ptr<const Board> board();
  std::shared_ptr<const Board> board_locked(store::Database& db, const Date& day);  // in a snapshot of db
  template <class Repo>
  Repo repo_on(store::Database& db) const {
    if constexpr (std::is_constructible_v<Repo, store::Database&, std::string>)
      return Repo(db, principal());
    else
      return Repo(db);
  }
  SupplierStanding evaluate(Supplier s, const Date& today) const;
  void maybe_refresh();
  void refresh_now();
  void refresh_locked();  // refresh_mutex_ held
  Entry load(const std::string& key);

  Catalogs catalogs_;
  std::string schemas_dir_;
  std::string principal_;
  std::optional<Date> fixed_today_;
  std::mutex db_mutex_;  // one SOCI session: one user at a time
  store::Database db_;
  std::unique_ptr<store::ReadPool> read_pool_;  // null: reads use db_

  std::shared_mutex cache_mutex_;
  std::unordered_map<std::string, Entry> by_code_;
  std::unordered_map<std::string, std::string> code_by_corporate_number_;
  long evaluated_for_ = 0;  // day the cached standings were computed for
  std::mutex refresh_mutex_;
  std::mutex board_mutex_;
  std::shared_ptr<const Board> board_;
  std::mutex coverage_mutex_;
  long coverage_for_ = -1;                    // year * 12 + month the past points were replayed in
  std::vector<CoveragePoint> coverage_past_;  // oldest first, without the current month
  long long known_generation_ = 0;
  std::atomic<unsigned long long> arrivals_{0};  // readers that asked for a check
  unsigned long long covered_ = 0;               // readers the last check covered (refresh_mutex_)
};

// While alive, audit events appended on this thread name `principal` as their "via".
class ScopedPrincipal {
 public:
  explicit ScopedPrincipal(std::string principal);
  ~ScopedPrincipal();
  ScopedPrincipal(const ScopedPrincipal&) = delete;
  ScopedPrincipal& operator=(const ScopedPrincipal&) = delete;

 private:
  std::string principal_;
  const std::string* previous_;
};

template <class Fn>
bool Service::with_status(const std::string& key, Fn&& fn) {
  maybe_refresh();
  {
    std::shared_lock lock(cache_mutex_);
    auto it = by_code_.find(key);
    if (it == by_code_.end()) {
      auto cn = code_by_corporate_number_.find(key);
      if (cn != code_by_corporate_number_.end()) it = by_code_.find(cn->second);
    }
    if (it != by_code_.end()) {
      fn(*it->second);
      return true;
    }
  }
  Entry e = load(key);
  if (!e) return false;
  fn(*e);
  return true;
}

}  // namespace hoshi
