#include "connectors/sync.hpp"

#include <Poco/JSON/Array.h>

#include <map>
#include <set>

#include "api/json_api.hpp"
#include "connectors/registry.hpp"
#include "core/text.hpp"
#include "importer/row_parser.hpp"
#include "service/service.hpp"
#include "store/audit_log.hpp"
#include "store/supplier_repository.hpp"
#include "store/sync_runs.hpp"

namespace hoshi::connectors {

using Mode = store::WriteTransaction::Mode;

namespace {

Poco::JSON::Object::Ptr object() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

struct Checked {
  const SourceSupplier* from;
  SupplierPatch patch;  // only the fields the source owns and gave
  Supplier fresh;       // a new supplier: the patch, typed
};

// The source's fields through the import's own rules (same limits, same words).
bool check(const Catalogs& catalogs, const Date& today, const SourceSupplier& in, SupplierPatch& patch,
           SyncRejected& why) {
  const std::pair<Field, const std::optional<std::string>*> fields[] = {{Field::corporate_number, &in.corporate_number},
                                                                        {Field::email, &in.email},
                                                                        {Field::contact, &in.contact},
                                                                        {Field::department, &in.department}};
  auto one = [&](Field f, const std::string& raw, const char* label) {
    std::string reason;
    if (importer::parse_cell(catalogs, today, f, raw, patch, reason)) return true;
    why.field = label;
    why.reason = reason;
    return false;
  };
  if (text::trim(in.code).empty()) {
    why.field = "取引先コード";
    why.reason = "コードがありません (give the supplier a code in the source system)";
    return false;
  }
  if (!one(Field::vendor_code, in.code, "取引先コード")) return false;
  if (text::trim(in.name).empty()) {
    why.field = "会社名";
    why.reason = "名前がありません";
    return false;
  }
  if (!one(Field::name, in.name, "会社名")) return false;
  patch[Field::name_normalized] = text::normalize_company_name(*patch[Field::name]);
  const char* labels[] = {"法人番号", "メールアドレス", "担当者", "部署"};
  for (std::size_t i = 0; i < 4; ++i) {
    const auto& v = *fields[i].second;
    if (v && !text::trim(*v).empty() && !one(fields[i].first, *v, labels[i])) return false;
  }
  return true;
}

void record_run(records::SyncRuns& runs, records::AuditLog& audit, const SyncReport& r, const std::string& started,
                const std::string& actor, const Poco::JSON::Object::Ptr& doc) {
  runs.record(r.connector, started, records::audit_now(), r.ok() ? "ok" : "failed", api::to_string(doc));
  audit.append(
      {actor, r.ok() ? "sync.run" : "sync.failed", r.connector, std::nullopt, std::nullopt, api::to_string(doc)});
}

}  // namespace

Poco::JSON::Object::Ptr sync_report_json(const SyncReport& r) {
  auto o = object();
  o->set("connector", r.connector);
  o->set("dry_run", r.dry_run);
  o->set("ok", r.ok());
  if (!r.ok()) o->set("error", r.error);
  o->set("read", r.read);
  o->set("created", r.created);
  o->set("updated", r.updated);
  o->set("unchanged", r.unchanged);
  o->set("deactivated", r.deactivated);
  Poco::JSON::Array::Ptr rejected = new Poco::JSON::Array;
  for (const auto& x : r.rejected) {
    auto e = object();
    e->set("where", x.where);
    e->set("field", x.field);
    e->set("reason", x.reason);
    rejected->add(e);
  }
  o->set("rejected", rejected);
  if (r.pushed) {
    auto p = object();
    p->set("written", r.push.written);
    p->set("unchanged", r.push.unchanged);
    o->set("standings", p);
  }
  return o;
}

std::string last_sync_at(Service& svc, const std::string& connector) {
  return svc.with_repos<records::SyncRuns>([&](records::SyncRuns& runs) { return runs.last_finished(connector); });
}

SyncReport run_sync(Service& svc, const ConnectorSettings& settings, bool dry_run, const std::string& actor) {
  SyncReport report;
  report.connector = settings.name;
  report.dry_run = dry_run;
  const std::string started = records::audit_now();
  auto connector = make_connector(settings);
  auto fail = [&](const std::string& error) {
    report.error = error;
    if (!dry_run)
      svc.in_transaction<records::SyncRuns, records::AuditLog>(
          Mode::serialize, [&](store::WriteTransaction& tx, records::SyncRuns& runs, records::AuditLog& audit) {
            record_run(runs, audit, report, started, actor, sync_report_json(report));
            tx.commit();
          });
    return report;
  };

  std::vector<std::string> listed;                             // codes the source lists (valid or not)
  std::vector<std::pair<std::string, std::string>> listed_ok;  // the valid ones: code, external id
  if (connector->reads_suppliers()) {
    std::vector<SourceSupplier> source;
    try {
      source = connector->read_suppliers();
    } catch (const std::exception& e) {
      return fail(e.what());
    }
    report.read = static_cast<long long>(source.size());
    const Date today = svc.today();
    std::vector<Checked> valid;
    std::map<std::string, std::string> first_where;  // code → where it was first seen
    for (const auto& s : source) {
      Checked c{&s, {}, {}};
      const std::string& where = s.where.empty() ? s.external_id : s.where;
      SyncRejected why{where, "", ""};
      listed.push_back(text::trim(s.code));
      if (!check(svc.catalogs(), today, s, c.patch, why)) {
        report.rejected.push_back(std::move(why));
        continue;
      }
      auto [it, fresh] = first_where.emplace(c.patch.code(), where);
      if (!fresh) {
        report.rejected.push_back(
            {where, "取引先コード", "コード " + c.patch.code() + " は " + it->second + " と重複しています"});
        continue;
      }
      listed_ok.emplace_back(c.patch.code(), s.external_id);
      valid.push_back(std::move(c));
    }

    svc.in_transaction<store::SupplierRepository, records::ConnectorLinks, records::SyncRuns, records::AuditLog>(
        Mode::bump, [&](store::WriteTransaction& tx, store::SupplierRepository& repo, records::ConnectorLinks& links,
                        records::SyncRuns& runs, records::AuditLog& audit) {
          const std::string now = utc_now_iso();
          std::vector<std::string> codes;
          codes.reserve(valid.size());
          for (const auto& c : valid) codes.push_back(c.patch.code());
          auto existing = repo.find_many(codes);
          std::vector<store::SupplierRepository::NewRow> inserts;
          std::vector<Supplier> updates;
          std::vector<store::HistoryEntry> history;
          const std::string source = "sync:" + settings.name;
          for (auto& c : valid) {
            c.patch[Field::active] = "1";  // listed by the source: in business
            auto it = existing.find(c.patch.code());
            if (it == existing.end()) {
              c.fresh = supplier_from_patch(c.patch);
              inserts.push_back({&c.fresh, source + ":" + c.from->external_id});
              ++report.created;
            } else if (store::merge_patch(it->second, c.patch,
                                          {c.patch.code(), tx.generation(), now, actor, source, "", {}, {}}, history)) {
              updates.push_back(it->second);
              ++report.updated;
            } else {
              ++report.unchanged;
            }
          }
          // linked before, not listed now (a rejected row is still listed): inactive, kept
          std::set<std::string> still(listed.begin(), listed.end());
          std::vector<std::string> gone;
          for (const auto& [code, external] : links.of(settings.name))
            if (!still.count(code)) gone.push_back(code);
          for (auto& [code, s] : repo.find_many(gone)) {
            SupplierPatch patch;
            patch[Field::active] = "0";
            if (store::merge_patch(s, patch, {code, tx.generation(), now, actor, source, "", {}, {}}, history)) {
              updates.push_back(s);
              ++report.deactivated;
            }
          }
          repo.update_many(updates, tx.generation(), now);
          repo.insert(inserts, tx.generation(), now, actor);
          repo.add_history(history);
          for (const auto& c : valid) links.link(settings.name, c.patch.code(), c.from->external_id, now);
          if (!dry_run) {
            record_run(runs, audit, report, started, actor, sync_report_json(report));
            tx.commit();
          }
          return 0;
        });
    if (!dry_run) svc.refresh();
  }

  if (connector->writes_standings()) {
    // the suppliers the source listed this run (a sink-only connector: those it linked)
    std::vector<StandingRow> out;
    if (connector->reads_suppliers()) {
      for (const auto& [code, external] : listed_ok) out.push_back({code, external, Standing::unknown, 3, ""});
    } else {
      for (const auto& [code, external] : svc.with_repos<records::ConnectorLinks>(
               [&](records::ConnectorLinks& links) { return links.of(settings.name); }))
        out.push_back({code, external, Standing::unknown, 3, ""});
    }
    for (auto& row : out) {
      if (auto s = svc.get(row.vendor_code)) {  // absent only in a dry run that would create it
        row.standing = s->standing.standing;
        row.required_scs = s->standing.required_scs;
        row.label = standing_label(s->standing);  // 当社の暫定基準（★3相当） under an interim rule
      } else {
        row.label = standing_word(row.standing);
      }
    }
    try {
      report.push = connector->write_standings(out, dry_run);
      report.pushed = true;
    } catch (const std::exception& e) {
      return fail(std::string("writing standings: ") + e.what());
    }
    if (!dry_run && report.push.written > 0)
      svc.in_transaction<records::AuditLog>(Mode::serialize, [&](store::WriteTransaction& tx,
                                                                 records::AuditLog& audit) {
        auto doc = object();
        doc->set("written", report.push.written);
        doc->set("unchanged", report.push.unchanged);
        audit.append({actor, "sync.standings_written", settings.name, std::nullopt, std::nullopt, api::to_string(doc)});
        tx.commit();
        return 0;
      });
  }
  return report;
}

std::vector<SyncReport> run_syncs(Service& svc, const std::vector<ConnectorSettings>& connectors,
                                  const std::string& only, bool dry_run, const std::string& actor) {
  std::vector<SyncReport> out;
  for (const auto& c : connectors) {
    if (!only.empty() && c.name != only) continue;
    try {
      out.push_back(run_sync(svc, c, dry_run, actor));
    } catch (const std::exception& e) {
      SyncReport r;
      r.connector = c.name;
      r.dry_run = dry_run;
      r.error = e.what();
      out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace hoshi::connectors
