#include "service/json_shapes.hpp"

#include <Poco/JSON/Array.h>

#include "core/json_text.hpp"
#include "core/standing.hpp"
#include "core/text.hpp"
#include "service/json_args.hpp"

namespace hoshi::api {

namespace {
Poco::Dynamic::Var opt_bool(const std::optional<bool>& b) {
  if (!b) return Poco::Dynamic::Var();
  return *b;
}
}  // namespace

Poco::JSON::Object::Ptr status_json(const SupplierStanding& st) {
  const Supplier& s = st.supplier;
  const StatusView& v = st.view;
  auto o = obj();
  o->set("vendor_code", s.code());
  o->set("name", opt(s.name));
  o->set("corporate_number", opt(s.corporate_number));
  o->set("email", opt(s.email));
  o->set("contact", opt(s.contact));
  o->set("department", opt(s.department));
  o->set("active", v.active);
  // 取適法's size tests (資本金, 常時使用する従業員の数): numbers, null when not on record
  for (const auto& [f, n] : {std::pair{Field::capital_yen, s.capital_yen}, std::pair{Field::employees, s.employees}})
    o->set(std::string(field_name(f)), n ? Poco::Dynamic::Var(static_cast<Poco::Int64>(*n)) : Poco::Dynamic::Var());

  auto sa = obj();
  sa->set("level", std::max(0, v.sa_level));
  sa->set("reported", v.sa_level >= 0);
  sa->set("declared_on", opt(text_of(s, Field::sa_declared_on)));
  sa->set("declaration_id", opt(s.sa_declaration_id));
  o->set("sa", sa);

  auto ota = obj();
  ota->set("service", opt(v.ota_service));
  ota->set("reported", v.ota_known);
  ota->set("provider", opt(s.ota_provider));
  ota->set("start", opt(text_of(s, Field::ota_start)));
  ota->set("end", opt(text_of(s, Field::ota_end)));
  ota->set("active", st.otasuketai_active == 1);
  o->set("otasuketai", ota);

  // 同等のサービス: the supplier's own arrangement an interim rule naming お助け隊 accepts too
  auto eq = obj();
  eq->set("description", opt(v.equiv_service));
  eq->set("reported", v.equiv_known);
  eq->set("until", opt(text_of(s, Field::equiv_until)));
  eq->set("active", st.equivalent_active == 1);
  o->set("equivalent", eq);

  auto scs = obj();
  scs->set("level", std::max(0, v.scs_level));
  scs->set("reported", v.scs_level >= 0);
  scs->set("valid_until", opt(text_of(s, Field::scs_valid_until)));
  scs->set("evidence", opt(s.scs_evidence));
  o->set("scs", scs);

  auto chart = obj();
  for (int i = 0; i < 3; ++i) chart->set(kChartIds[i], opt_bool(v.chart[i]));
  o->set("decision_chart", chart);

  o->set("required_scs", st.standing.required_scs);
  o->set("standing", standing_name(st.standing.standing));
  // what the standing rests on: the scheme's ★ ("scheme"), or the buyer's own interim rule
  // ("interim": the supplier does not hold SCS ★required; the label says 当社の暫定基準)
  const char* basis = standing_basis(st.standing);
  o->set("basis", *basis ? Poco::Dynamic::Var(std::string(basis)) : Poco::Dynamic::Var());
  o->set("standing_label", standing_label(st.standing));
  if (const auto& rule = st.standing.interim; rule && *basis) {
    auto ir = obj();
    ir->set("id", rule->id);
    ir->set("label", vocab::interim_words(st.standing.required_scs, vocab::Lang::ja));
    ir->set("description", rule->description);
    ir->set("until", rule->until.iso());
    ir->set("by", st.standing.by_equivalent ? "equivalent" : rule->otasuketai ? "otasuketai" : "security_action");
    o->set("interim_rule", ir);
  } else {
    o->set("interim_rule", Poco::Dynamic::Var());
  }
  o->set("standing_until", st.standing.until ? Poco::Dynamic::Var(st.standing.until->iso()) : Poco::Dynamic::Var());
  o->set("reason", st.standing.reason);
  return o;
}

SupplierStanding find_supplier(Service& svc, const std::string& code) {
  std::optional<SupplierStanding> s = svc.get(code);  // AmbiguousKey: Code::conflict
  if (!s) throw Error(Code::notfound, "no supplier with vendor code " + code);
  return std::move(*s);
}

std::string status_json_text(const SupplierStanding& s) {
  if (auto cached = std::atomic_load(&s.json_text)) return *cached;
  auto text = std::make_shared<const std::string>(to_string(status_json(s)));
  std::atomic_store(&s.json_text, text);
  return *text;
}

Poco::JSON::Object::Ptr import_report_json(const importer::ImportReport& r) {
  auto o = obj();
  o->set("imported", r.imported);
  o->set("updated", r.updated);
  o->set("unchanged", r.unchanged);
  Array::Ptr rejected = new Array;
  for (const auto& x : r.rejected) {
    auto e = obj();
    e->set("line", x.line);
    e->set("column", x.column);
    e->set("reason", x.reason);
    rejected->add(e);
  }
  o->set("rejected", rejected);
  o->set("rows", r.rows);
  o->set("header_line", r.header_line);
  o->set("encoding", r.encoding);
  o->set("written", r.written);
  Array::Ptr ignored = new Array;
  for (const auto& c : r.ignored_columns) ignored->add(c);
  o->set("ignored_columns", ignored);
  return o;
}

Poco::JSON::Object::Ptr history_entry_json(const store::HistoryEntry& e) {
  auto o = obj();
  o->set("changed_at", e.changed_at);
  o->set("actor", e.actor);
  o->set("source", e.source);
  o->set("field", e.field);
  o->set("from", opt(e.old_value));
  o->set("to", opt(e.new_value));
  return o;
}

}  // namespace hoshi::api
