// The sub-commands. Each opens the service, does one thing, prints text or the
// same JSON hoshitori_query_json returns.
#include <pwd.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include <Poco/JSON/Array.h>

#include "api/json_api.hpp"
#include "catalog/catalog_loader.hpp"
#include "cli.hpp"
#include "connectors/registry.hpp"
#include "core/levels.hpp"
#include "core/text.hpp"
#include "importer/supplier_export.hpp"
#include "progress.hpp"
#include "service/service.hpp"
#include "store/supplier_repository.hpp"

namespace hoshi::cli {

namespace {

bool is_postgres(const std::string& db) { return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0; }

}  // namespace

std::unique_ptr<Service> open_service(const Globals& g, bool must_exist) {
  if (must_exist && !is_postgres(g.db) && !std::filesystem::exists(g.db)) {
    std::cerr << "hoshitori: database " << g.db << " does not exist (run `hoshitori init` or pass --db)\n";
    return nullptr;
  }
  ServiceOptions o;
  o.database = g.db;
  o.schemas_dir = g.schemas;
  o.policy_file = g.policy;
  o.create = !must_exist;
  // --user and --by are what the operator says; the login is what the system knows.
  const passwd* pw = getpwuid(geteuid());
  o.principal = std::string("cli:") + (pw && pw->pw_name ? pw->pw_name : std::to_string(geteuid()));
  if (const char* t = std::getenv("HOSHITORI_TODAY"); t && *t) {
    Date d;
    if (!parse_iso_date(t, d)) {
      std::cerr << "hoshitori: HOSHITORI_TODAY is not a date YYYY-MM-DD: " << t << "\n";
      return nullptr;
    }
    o.today = d;
  }
  try {
    connectors::install_ops();
    return std::make_unique<Service>(o);
  } catch (const std::exception& e) {
    std::cerr << "hoshitori: " << e.what() << "\n";
    return nullptr;
  }
}

namespace {

std::unique_ptr<Service> open(const Globals& g, bool must_exist) { return open_service(g, must_exist); }

void print_json(const Poco::Dynamic::Var& v) { std::cout << api::to_string(v) << "\n"; }

}  // namespace

int cmd_init(const Globals& g, Args& a) {
  if (!a.positionals().empty()) throw UsageError{"init takes no arguments"};
  auto svc = open(g, false);
  if (!svc) return kUnusable;
  std::cout << "hoshitori: database " << g.db << " is ready\n";
  return kOk;
}

int cmd_export_suppliers(const Globals& g, Args& a) {
  const std::string enc = a.take_value("--encoding"), file = a.take_value("--out");
  if (!a.positionals().empty()) throw UsageError{"usage: export suppliers [--encoding utf-8|cp932] [--out FILE]"};
  importer::Encoding encoding = importer::Encoding::utf8;
  if (!enc.empty() && (!importer::parse_encoding(enc, encoding) || encoding == importer::Encoding::automatic))
    throw UsageError{"--encoding must be utf-8 or cp932"};
  auto svc = open(g, true);
  if (!svc) return kUnusable;
  auto suppliers = svc->with_repos<store::SupplierRepository>([](store::SupplierRepository& r) { return r.list(); });
  std::ostringstream csv;  // all or nothing: a character CP932 lacks stops it before any output
  try {
    importer::write_suppliers_csv(suppliers, encoding, csv);
    if (file.empty() || file == "-") {
      std::cout << csv.str() << std::flush;
    } else {
      importer::replace_file(file, csv.str());
    }
  } catch (const std::exception& e) {
    std::cerr << "hoshitori: " << e.what() << "\n";
    return kRejected;
  }
  std::cerr << "hoshitori: exported " << suppliers.size() << " suppliers ("
            << (encoding == importer::Encoding::cp932 ? "CP932" : "UTF-8 with BOM") << ")\n";
  return kOk;
}

int cmd_import(const Globals& g, Args& a) {
  std::string enc = a.take_value("--encoding");
  bool all_or_nothing = a.take_switch("--all-or-nothing");
  bool json = a.take_switch("--json");
  auto pos = a.positionals();
  if (pos.size() != 2 || pos[0] != "suppliers") throw UsageError{"usage: import suppliers FILE"};
  importer::ImportOptions opts;
  if (!enc.empty() && !importer::parse_encoding(enc, opts.encoding))
    throw UsageError{"--encoding must be auto, utf-8 or cp932"};
  opts.all_or_nothing = all_or_nothing;
  opts.actor = g.actor;
  if (pos[1] != "-" && !std::filesystem::exists(pos[1])) {
    std::cerr << "hoshitori: " << pos[1] << ": no such file\n";
    return kUnusable;
  }
  auto svc = open(g, false);
  if (!svc) return kUnusable;
  std::unique_ptr<Progress> bar;
  if (!json && isatty(STDERR_FILENO)) {
    bar = std::make_unique<Progress>(std::cerr);
    opts.progress = [&](const char* phase, std::size_t done, std::size_t total) { bar->update(phase, done, total); };
  }
  importer::ImportReport r;
  try {
    r = svc->import_file(pos[1], opts);
  } catch (const importer::ImportError& e) {
    if (bar) bar->finish();
    std::cerr << e.what() << "\n";
    return kUnusable;
  } catch (const std::exception& e) {
    if (bar) bar->finish();
    std::cerr << "hoshitori: " << e.what() << "\n";
    return kUnusable;
  }
  if (bar) bar->finish();
  for (const auto& x : r.rejected)
    std::cerr << pos[1] << ":" << x.line << ": " << (x.column.empty() ? "row" : x.column) << ": " << x.reason << "\n";
  if (json) {
    print_json(api::import_report_json(r));
  } else {
    std::cout << "imported " << r.imported << ", updated " << r.updated << ", unchanged " << r.unchanged
              << ", rejected " << r.rejected.size() << " (" << r.rows << " rows, " << r.encoding << ")\n";
    if (!r.ignored_columns.empty()) {
      std::cout << "ignored columns:";
      for (const auto& c : r.ignored_columns) std::cout << " " << c;
      std::cout << "\n";
    }
    if (!r.written) std::cout << "nothing written (--all-or-nothing and some rows were rejected)\n";
  }
  return r.rejected.empty() ? kOk : kRejected;
}

int cmd_suppliers(const Globals& g, Args& a) {
  ListQuery q;
  std::string standing = a.take_value("--standing");
  std::string dept = a.take_value("--department");
  std::string name = a.take_value("--name");
  bool json = a.take_switch("--json");
  if (!a.positionals().empty()) throw UsageError{"suppliers takes no positional arguments"};
  if (!standing.empty()) {
    Standing s;
    if (!parse_standing(standing, s)) throw UsageError{"--standing must be meets, expiring, expired, below or unknown"};
    q.standing = s;
  }
  if (!dept.empty()) q.filter.department = dept;
  if (!name.empty()) {
    q.filter.name_like = text::normalize_company_name(name);
    if (q.filter.name_like->find_first_not_of("%_\\") == std::string::npos)
      throw UsageError{"--name: nothing to search for once 株式会社/(株)/… and wildcards are set aside"};
  }
  auto svc = open(g, true);
  if (!svc) return kUnusable;
  std::vector<SupplierStanding> rows;
  try {
    rows = svc->list(q);
  } catch (const std::exception& e) {
    std::cerr << "hoshitori: " << e.what() << "\n";
    return kUnusable;
  }
  if (json) {
    Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
    for (const auto& r : rows) arr->add(api::status_json(r));
    print_json(arr);
    return kOk;
  }
  std::cout << "vendor_code\tstanding\tSA\tお助け隊\tSCS\t要求\tname\n";
  for (const auto& r : rows) {
    std::cout << r.supplier.code() << "\t" << standing_name(r.standing.standing) << "\t"
              << levels::sa_symbol(r.view.sa_level) << "\t"
              << (r.otasuketai_active == 1   ? "契約中"
                  : r.otasuketai_active == 0 ? "なし/終了"
                                             : "未回答")
              << "\t" << levels::scs_symbol(r.view.scs_level) << "\t★" << r.standing.required_scs << "\t"
              << r.supplier.name.value_or("") << "\n";
  }
  std::cerr << rows.size() << " suppliers\n";
  return kOk;
}

int cmd_status(const Globals& g, Args& a) {
  bool json = a.take_switch("--json");
  auto pos = a.positionals();
  if (pos.size() != 1) throw UsageError{"usage: status VENDOR_CODE"};
  auto svc = open(g, true);
  if (!svc) return kUnusable;
  std::optional<SupplierStanding> s;
  try {
    s = svc->get(pos[0]);
  } catch (const AmbiguousKey& e) {
    std::cerr << "hoshitori: " << e.what() << "\n";
    return kUnusable;
  } catch (const std::exception& e) {
    std::cerr << "hoshitori: " << e.what() << "\n";
    return kUnusable;
  }
  if (!s) {
    std::cerr << "hoshitori: no supplier with vendor code " << pos[0] << "\n";
    return kNotFound;
  }
  if (json) {
    print_json(api::status_json(*s));
    return kOk;
  }
  const Supplier& sup = s->supplier;
  auto date = [](const std::optional<Date>& d) { return d->iso(); };
  std::cout << sup.code() << "  " << sup.name.value_or("—") << (s->view.active ? "" : "（取引停止）") << "\n"
            << "  法人番号          " << sup.corporate_number.value_or("—") << "\n"
            << "  SECURITY ACTION   " << levels::sa_symbol(s->view.sa_level);
  if (sup.sa_declared_on) std::cout << "（宣言日 " << date(sup.sa_declared_on) << "）";
  std::cout << "\n  お助け隊          " << sup.ota_service.value_or(s->view.ota_known ? "なし" : "未回答");
  if (sup.ota_end) std::cout << "（契約期限 " << date(sup.ota_end) << "）";
  if (s->view.equiv_known) {
    std::cout << "\n  同等のサービス    " << sup.equiv_service.value_or("—");
    if (sup.equiv_until) std::cout << "（有効期限 " << date(sup.equiv_until) << "）";
  }
  std::cout << "\n  SCS               " << levels::scs_symbol(s->view.scs_level);
  if (sup.scs_valid_until) std::cout << "（有効期限 " << date(sup.scs_valid_until) << "）";
  std::cout << "\n  要求レベル        ★" << s->standing.required_scs << "\n"
            << "  判定              " << standing_name(s->standing.standing) << "（" << standing_label(s->standing)
            << "）\n"
            << "  理由              " << s->standing.reason << "\n";
  return kOk;
}

int cmd_history(const Globals& g, Args& a) {
  bool json = a.take_switch("--json");
  auto pos = a.positionals();
  if (pos.size() != 1) throw UsageError{"usage: history VENDOR_CODE"};
  auto svc = open(g, true);
  if (!svc) return kUnusable;
  if (!svc->get(pos[0])) {
    std::cerr << "hoshitori: no supplier with vendor code " << pos[0] << "\n";
    return kNotFound;
  }
  auto entries = svc->history(pos[0]);
  if (json) {
    Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
    for (const auto& e : entries) arr->add(api::history_entry_json(e));
    print_json(arr);
    return kOk;
  }
  for (const auto& e : entries)
    std::cout << e.changed_at << "  " << e.actor << "  " << e.field << ": " << e.old_value.value_or("∅") << " → "
              << e.new_value.value_or("∅") << "  (" << e.source << ")\n";
  return kOk;
}

}  // namespace hoshi::cli
