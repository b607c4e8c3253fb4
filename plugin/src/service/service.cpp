#include "service/service.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <sstream>
#include <stdexcept>

#include "catalog/catalog_loader.hpp"
#include "core/corporate_number.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "store/audit_log.hpp"
#include "store/migrations.hpp"
#include "store/webhook_queue.hpp"

namespace hoshi {

namespace {
std::string schemas_or_default(const std::string& dir) {
  return catalog::default_schemas_dir(dir.empty() ? nullptr : dir.c_str());
}

// The read pool's size: the option, else $HOSHITORI_READ_CONNECTIONS, else 4. An in-memory
// SQLite database is private to its connection: its reads stay on the one connection.
std::size_t read_pool_size(const ServiceOptions& o) {
  const std::string& url = o.database;
  if (url == ":memory:" || url.find("mode=memory") != std::string::npos) return 1;
  if (o.read_connections > 0) return static_cast<std::size_t>(o.read_connections);
  if (const char* env = std::getenv("HOSHITORI_READ_CONNECTIONS"); env && *env) {
    char* end = nullptr;
    const long n = std::strtol(env, &end, 10);
    if (*end != '\0' || n < 1 || n > 64)
      throw Error(Code::invalid, std::string("HOSHITORI_READ_CONNECTIONS: ") + env + " is not a number from 1 to 64");
    return static_cast<std::size_t>(n);
  }
  return 4;
}
thread_local const std::string* t_principal = nullptr;
}  // namespace

ScopedPrincipal::ScopedPrincipal(std::string principal) : principal_(std::move(principal)), previous_(t_principal) {
  t_principal = &principal_;
}
ScopedPrincipal::~ScopedPrincipal() { t_principal = previous_; }

const std::string& Service::principal() const { return t_principal ? *t_principal : principal_; }

Service::Service(const ServiceOptions& options)
    : catalogs_(catalog::load_all(schemas_or_default(options.schemas_dir), options.policy_file)),
      schemas_dir_(schemas_or_default(options.schemas_dir)),
      principal_(options.principal),
      fixed_today_(options.today),
      db_(options.database) {
  if (options.create) db_.migrate();
  const int have = db_.schema_version(), want = db_.latest_version();
  if (have == 0)
    throw store::StoreError(store::StoreError::Kind::error,
                            "the database has no Hoshitori schema yet: run `hoshitori init`");
  if (have < want)
    throw store::StoreError(store::StoreError::Kind::error, "the database schema is version " + std::to_string(have) +
                                                                ", this Hoshitori needs " + std::to_string(want) +
                                                                ": run `hoshitori init` to upgrade it");
  if (have > want)
    throw store::StoreError(store::StoreError::Kind::error, "the database schema (version " + std::to_string(have) +
                                                                ") is newer than this Hoshitori (" +
                                                                std::to_string(want) + "): upgrade Hoshitori");
  if (const auto missing = store::missing_migrations(db_); !missing.empty())
    throw store::StoreError(store::StoreError::Kind::error, "the database schema lacks migration " +
                                                                std::to_string(missing.front()) +
                                                                ": run `hoshitori init` to upgrade it");
  if (const std::size_t n = read_pool_size(options); n > 1)
    read_pool_ = std::make_unique<store::ReadPool>(options.database, n);
  known_generation_ = db_.generation();
  evaluated_for_ = today().days();
}

Date Service::today() const { return fixed_today_ ? *fixed_today_ : Date::today_tokyo(); }

SupplierStanding Service::evaluate(Supplier s, const Date& today) const {
  SupplierStanding out;
  out.view = StatusView::from(s);
  out.standing = hoshi::evaluate(catalogs_.policy, out.view, today);
  if (out.view.ota_known)
    out.otasuketai_active = (out.view.ota_service && (!out.view.ota_end || !(*out.view.ota_end < today)) &&
                             (!out.view.ota_start || !(today < *out.view.ota_start)))
                                ? 1
                                : 0;
  if (out.view.equiv_known)
    out.equivalent_active = out.view.equiv_service && out.view.equiv_until && !(*out.view.equiv_until < today) ? 1 : 0;
  out.supplier = std::move(s);
  return out;
}

// Every read is validated against the database's change counter, never by time alone:
// an answer reflects every change committed before the read began, whichever process
// made it. Readers that arrive together share one check: a check covers every reader that
// arrived before the check began (it reads the counter after they arrived).
void Service::maybe_refresh() {
  const unsigned long long ticket = arrivals_.fetch_add(1, std::memory_order_acq_rel) + 1;
  std::lock_guard guard(refresh_mutex_);
  if (covered_ >= ticket) return;
  const unsigned long long cover = arrivals_.load(std::memory_order_acquire);
  refresh_locked();
  covered_ = cover;
}

void Service::refresh_now() {
  std::lock_guard guard(refresh_mutex_);
  refresh_locked();
}

void Service::refresh_locked() {
  // Entries another process changed are dropped; the next lookup reloads them.
  long long gen = 0;
  bool cache_empty = false;
  {
    std::shared_lock lock(cache_mutex_);
    cache_empty = by_code_.empty();
  }
  std::vector<std::string> changed;
  with_read_db([&](store::Database& db) {
    gen = db.generation();
    if (gen != known_generation_ && !cache_empty)
      changed = store::SupplierRepository(db).changed_since(known_generation_);
  });
  const Date day = today();
  std::unique_lock lock(cache_mutex_);
  for (const auto& code : changed) by_code_.erase(code);
  // Skipped (the cache was empty): an entry a load cached meanwhile may have been read
  // before `gen`'s changes committed, with nothing here to drop it — drop them all.
  if (gen != known_generation_ && cache_empty) by_code_.clear();
  // a change may have given another supplier the same 法人番号: learn the numbers again
  if (!changed.empty() || (gen != known_generation_ && cache_empty)) code_by_corporate_number_.clear();
  known_generation_ = gen;
  if (day.days() != evaluated_for_) {
    for (auto& [code, e] : by_code_) e = std::make_shared<const SupplierStanding>(evaluate(e->supplier, day));
    evaluated_for_ = day.days();
  }
}

Service::Entry Service::load(const std::string& key) {
  long long observed = 0;
  {
    std::shared_lock lock(cache_mutex_);
    observed = known_generation_;
  }
  std::optional<Supplier> s;
  std::string by_number;  // set when found by an unambiguous 法人番号
  with_read_db([&](store::Database& db) {
    store::SupplierRepository repo(db);
    s = repo.find(key);
    std::string number, why;
    if (!s && corporate_number::normalize(key, number, why)) {  // 1180-3010-18771, T1180…, full-width
      auto found = repo.find_by_corporate_number(number, 2);
      if (found.size() > 1)
        throw AmbiguousKey("法人番号 " + number + " は複数の取引先コードにあります (" + found[0].code() + ", " +
                           found[1].code() + ", …): 取引先コードで指定してください");
      if (!found.empty()) {
        s = std::move(found.front());
        by_number = number;
      }
    }
  });
  if (!s) return nullptr;
  std::string code = s->code();
  auto e = std::make_shared<const SupplierStanding>(evaluate(std::move(*s), today()));
  std::unique_lock lock(cache_mutex_);
  // A refresh that ran meanwhile may have skipped this code (it was not cached yet):
  // what we read could predate it, so it is returned but not cached.
  if (known_generation_ != observed) return e;
  // only numbers known to belong to one supplier are remembered (the key as given and normalised)
  if (!by_number.empty()) {
    code_by_corporate_number_.emplace(by_number, code);
    code_by_corporate_number_.emplace(key, code);
  }
  auto [it, fresh] = by_code_.emplace(code, e);  // another thread's load may have won: keep one
  return it->second;
}

std::optional<SupplierStanding> Service::get(const std::string& key) {
  std::optional<SupplierStanding> out;
  with_status(key, [&](const SupplierStanding& s) { out = s; });
  return out;
}

std::shared_ptr<const Service::Board> Service::board() {
  const Date day = today();
  return with_read_db([&](store::Database& db) {
    store::ReadTransaction snapshot(db);
    return board_locked(db, day);
  });
}

// Inside a read snapshot of db: the board of the snapshot's generation.
std::shared_ptr<const Service::Board> Service::board_locked(store::Database& db, const Date& day) {
  const long long gen = db.generation();
  std::lock_guard lock(board_mutex_);
  if (board_ && board_->generation == gen && board_->day == day.days()) return board_;
  auto b = std::make_shared<Board>();
  b->generation = gen;
  std::vector<Supplier> all = store::SupplierRepository(db).list({});
  b->day = day.days();
  b->rows.reserve(all.size());
  std::set<std::string> depts;
  for (auto& s : all) {
    SupplierStanding st = evaluate(std::move(s), day);
    BoardRow r{st.supplier.code(), st.supplier.department.value_or(""), st.supplier.name_normalized.value_or(""),
               st.standing.standing, st.view.active};
    if (!r.department.empty()) depts.insert(r.department);
    ++b->counts[static_cast<std::size_t>(r.standing)];
    if (st.standing.interim && r.standing == Standing::meets) ++b->on_interim;
    if (r.active) {
      ++b->active;
      if (meets_policy(r.standing)) ++b->meeting;
    }
    b->rows.push_back(std::move(r));
  }
  b->departments.assign(depts.begin(), depts.end());
  board_ = std::move(b);
  return board_;
}

std::vector<SupplierStanding> Service::list(const ListQuery& q, std::size_t* total) {
  std::string needle;
  if (q.filter.name_like)
    for (char c : *q.filter.name_like)
      if (c != '%' && c != '_' && c != '\\') needle += c;  // as the SQL path: no wildcards
  // The filters run on the board, the page's rows are read in the same snapshot: one
  // state of the data, so a row never says "below" on a page filtered for "meets".
  const Date day = today();
  return with_read_db([&](store::Database& db) {
    store::ReadTransaction snapshot(db);
    auto b = board_locked(db, day);
    std::vector<std::string> page;
    std::size_t matched = 0;
    for (const BoardRow& r : b->rows) {
      if (q.filter.department && r.department != *q.filter.department) continue;
      if (!q.filter.include_inactive && !r.active) continue;
      if (!needle.empty() && r.name_normalized.find(needle) == std::string::npos) continue;
      if (q.standing && r.standing != *q.standing) continue;
      if (matched++ < q.offset) continue;
      if (q.limit == 0 || page.size() < q.limit) page.push_back(r.code);
    }
    if (total) *total = matched;
    auto rows = store::SupplierRepository(db).find_many(page);
    std::vector<SupplierStanding> out;
    out.reserve(page.size());
    for (const auto& code : page)
      if (auto it = rows.find(code); it != rows.end()) out.push_back(evaluate(std::move(it->second), day));
    return out;
  });
}

std::array<std::size_t, 5> Service::standing_counts() { return board()->counts; }

std::size_t Service::interim_count() { return board()->on_interim; }

std::pair<long long, long> Service::board_version() {
  auto b = board();
  return {b->generation, b->day};
}

std::vector<std::string> Service::departments() { return board()->departments; }

std::vector<store::HistoryEntry> Service::history(const std::string& vendor_code) {
  return with_read_db([&](store::Database& db) {
    store::SupplierRepository repo(db);
    std::vector<store::HistoryEntry> out;
    if (auto c = repo.creation(vendor_code)) {
      store::HistoryEntry created;
      created.vendor_code = vendor_code;
      created.changed_at = (*c)[0];
      created.actor = (*c)[1];
      created.source = (*c)[2];
      created.field = "created";
      out.push_back(std::move(created));
    }
    auto changes = repo.history(vendor_code);
    out.insert(out.end(), std::make_move_iterator(changes.begin()), std::make_move_iterator(changes.end()));
    return out;
  });
}

importer::ImportReport Service::import_file(const std::string& path, importer::ImportOptions options) {
  options.today = today();
  if (options.via.empty()) options.via = principal();
  importer::ImportReport report;
  {
    std::lock_guard db_lock(db_mutex_);
    report = importer::import_suppliers(db_, catalogs_, path, options);
  }
  refresh_now();
  return report;
}

SupplierStanding Service::update_status(const StatusUpdate& u) {
  if (u.actor.empty()) throw Error(Code::invalid, "actor: the acting user is required for a change");
  {
    std::lock_guard db_lock(db_mutex_);
    db_.guarded([&] {
      store::WriteTransaction tx(db_);
      store::SupplierRepository repo(db_);
      auto current = repo.find(u.vendor_code);
      if (!current) throw Error(Code::notfound, "no supplier with vendor code " + u.vendor_code);
      Supplier merged = *current;
      std::vector<store::HistoryEntry> history;
      const std::string now = utc_now_iso();
      SupplierPatch patch = u.patch;
      patch[Field::name_normalized].reset();  // derived below, from the name
      store::merge_patch(merged, patch, {u.vendor_code, tx.generation(), now, u.actor, u.source, "", {}, {}}, history);
      if (history.empty()) return 0;
      if (!merged.name || merged.name->empty()) throw Error(Code::invalid, "name: must not be empty");
      // an equivalent service counts until its validity date: one without it cannot be judged
      if (merged.equiv_service && *merged.equiv_service != kOtasuketaiNone && !merged.equiv_until)
        throw Error(Code::invalid, "equivalent.until: 同等のサービスには有効期限が必要です");
      merged.name_normalized = text::normalize_company_name(*merged.name);
      repo.update(merged, tx.generation(), now);
      repo.add_history(history);
      Poco::JSON::Object before(Poco::JSON_PRESERVE_KEY_ORDER), after(Poco::JSON_PRESERVE_KEY_ORDER);
      for (const auto& h : history) {
        before.set(h.field, h.old_value ? Poco::Dynamic::Var(*h.old_value) : Poco::Dynamic::Var());
        after.set(h.field, h.new_value ? Poco::Dynamic::Var(*h.new_value) : Poco::Dynamic::Var());
      }
      std::ostringstream b, a;
      Poco::JSON::Stringifier::condense(before, b);
      Poco::JSON::Stringifier::condense(after, a);
      records::AuditLog(db_, principal())
          .append({u.actor, "supplier.updated", u.vendor_code, u.vendor_code, b.str(), a.str()});
      if (auto event = records::standing_event(catalogs_.policy, &*current, merged, today()))
        records::enqueue_webhook_events(db_, {*event});
      tx.commit();
      return 0;
    });
  }
  refresh_now();
  auto s = get(u.vendor_code);
  if (!s) throw Error(Code::notfound, "no supplier with vendor code " + u.vendor_code);
  return *s;
}

}  // namespace hoshi
