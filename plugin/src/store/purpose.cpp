#include "store/purpose.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

#include "store/audit_log.hpp"

namespace hoshi::records {

using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {
bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() > tail.size() && s.substr(s.size() - tail.size()) == tail;
}

Object::Ptr marker() {
  Object::Ptr m = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  m->set("withheld", std::string("purpose"));
  return m;
}

bool is_marker(const Poco::Dynamic::Var& v) {
  if (v.type() != typeid(Object::Ptr)) return false;
  Object::Ptr o = v.extract<Object::Ptr>();
  return o && o->size() == 1 && o->has("withheld");
}

int withhold_var(const std::string& action, Poco::Dynamic::Var& v);

int withhold_object(const std::string& action, Object::Ptr o) {
  if (!o) return 0;
  int n = 0;
  for (const auto& k : o->getNames()) {
    if (is_withheld_key(action, k)) {
      if (o->isNull(k) || is_marker(o->get(k))) continue;  // nothing there to withhold
      o->set(k, marker());
      ++n;
      continue;
    }
    Poco::Dynamic::Var v = o->get(k);
    if (int m = withhold_var(action, v)) {
      o->set(k, v);
      n += m;
    }
  }
  return n;
}

int withhold_var(const std::string& action, Poco::Dynamic::Var& v) {
  if (v.type() == typeid(Object::Ptr)) return withhold_object(action, v.extract<Object::Ptr>());
  if (v.type() == typeid(Array::Ptr)) {
    Array::Ptr a = v.extract<Array::Ptr>();
    int n = 0;
    for (std::size_t i = 0; a && i < a->size(); ++i) {
      Poco::Dynamic::Var e = a->get(static_cast<unsigned>(i));
      if (int m = withhold_var(action, e)) {
        a->set(static_cast<unsigned>(i), e);
        n += m;
      }
    }
    return n;
  }
  return 0;
}

// Whether withhold() would find anything, without changing the document.
bool holds_withheld(const std::string& action, const Poco::Dynamic::Var& v) {
  if (v.type() == typeid(Object::Ptr)) {
    Object::Ptr o = v.extract<Object::Ptr>();
    for (const auto& k : o ? o->getNames() : std::vector<std::string>{}) {
      if (is_withheld_key(action, k) && !o->isNull(k)) return true;
      if (holds_withheld(action, o->get(k))) return true;
    }
  } else if (v.type() == typeid(Array::Ptr)) {
    Array::Ptr a = v.extract<Array::Ptr>();
    for (std::size_t i = 0; a && i < a->size(); ++i)
      if (holds_withheld(action, a->get(static_cast<unsigned>(i)))) return true;
  }
  return false;
}

std::string condensed(const Poco::Dynamic::Var& v) {
  std::ostringstream s;
  Poco::JSON::Stringifier::condense(v, s);
  return s.str();
}
}  // namespace

std::optional<Purpose> parse_purpose(const std::string& s) {
  if (s == "negotiation") return Purpose::negotiation;
  if (s == "audit") return Purpose::audit;
  return std::nullopt;
}

const char* purpose_name(Purpose p) {
  switch (p) {
    case Purpose::negotiation:
      return "negotiation";
    case Purpose::audit:
      return "audit";
    default:
      return "";
  }
}

std::string purpose_error(const std::string& flag, const std::string& given) {
  std::string shown = given.size() > 80 ? given.substr(0, 80) + "…" : given;
  return flag + " must be negotiation or audit, not \"" + shown +
         "\" (name what the copy with the supplier's cost figures is for; leave it out to export without them)";
}

bool is_cost_key(std::string_view key) {
  if (key == "amount" || key == "initial_cost" || key == "running_cost" || key == "share_percent" ||
      key == "buyer_share_percent")
    return true;
  for (std::string_view tail : {"_cost", "_costs", "_amount", "_amounts", "_percent"})
    if (ends_with(key, tail)) return true;
  return false;
}

bool is_withheld_key(std::string_view action, std::string_view key) {
  if (is_cost_key(key)) return true;
  const bool step = action.rfind("negotiation.", 0) == 0 || action == "price_decision.refused";
  // the cost-share helper's calculation (a supplier-initiated negotiation) states the figures in words
  if (step && (key == "basis" || key == "calculation")) return true;
  if (action == "self_check.answered" && (key == "answer" || key == "note" || key == "planned_on")) return true;
  return false;
}

int withhold(const std::string& action, Object::Ptr doc) { return withhold_object(action, doc); }

std::optional<std::string> withhold_payload(const std::string& action, const std::string& json) {
  if (json.empty() || json[0] != '{') return std::nullopt;
  Object::Ptr doc;
  try {
    Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));  // keep the stored key order
    doc = parser.parse(json).extract<Object::Ptr>();
  } catch (const Poco::Exception&) {
    return std::nullopt;
  }
  if (withhold(action, doc) == 0) return std::nullopt;
  return condensed(doc);
}

void record_purpose(store::Database& db, const std::string& via, const std::string& actor, const std::string& what,
                    Purpose purpose, const Object::Ptr& details, const std::optional<std::string>& vendor_code) {
  Object::Ptr after = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  after->set("export", what);
  after->set("purpose", std::string(purpose_name(purpose)));
  if (details)
    for (const auto& k : details->getNames()) after->set(k, details->get(k));
  AuditLog(db, via).append({actor, "export.purpose", "export:" + what, vendor_code, std::nullopt, condensed(after)});
}

void record_staff_read(store::Database& db, const std::string& via, const std::string& actor,
                       const std::string& vendor_code, const std::string& view, const std::vector<StaffRead>& reads) {
  Array::Ptr list = new Array;
  std::string subject;
  for (const auto& r : reads) {
    if (r.what.empty()) continue;
    Object::Ptr e = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    e->set("number", r.number);
    Array::Ptr what = new Array;
    for (const auto& w : r.what) what->add(w);
    e->set("read", what);
    list->add(e);
    subject = list->size() == 1 ? r.number : vendor_code;
  }
  if (list->size() == 0) return;
  Object::Ptr after = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  after->set("view", view);
  after->set("requests", list);
  // serialised like every writer (the audit chain) without counting a change: a read
  // changes no standing
  store::WriteTransaction tx(db, store::WriteTransaction::Mode::serialize);
  AuditLog(db, via).append({actor.empty() ? std::string("host") : actor, "supplier_info.read", subject, vendor_code,
                            std::nullopt, condensed(after)});
  tx.commit();
}

std::vector<std::string> protected_content(const Object::Ptr& doc) {
  std::vector<std::string> what;
  if (!doc) return what;
  bool costs = false;
  auto scan = [&](const std::string& action, const Object::Ptr& o) {
    if (o && !costs) costs = holds_withheld(action, Poco::Dynamic::Var(o));
  };
  Array::Ptr steps = doc->getArray("steps");
  for (std::size_t i = 0; steps && i < steps->size(); ++i) {
    Object::Ptr s = steps->getObject(static_cast<unsigned>(i));
    if (s) scan("negotiation." + s->optValue<std::string>("kind", ""), s->getObject("body"));
  }
  Array::Ptr agreements = doc->getArray("agreements");
  for (std::size_t i = 0; agreements && i < agreements->size(); ++i) {
    Object::Ptr a = agreements->getObject(static_cast<unsigned>(i));
    if (a) scan("negotiation.agreement", a->getObject("terms"));
  }
  if (costs) what.push_back("cost_figures");
  Array::Ptr checks = doc->getArray("self_check");
  if (checks && checks->size() > 0) what.push_back("self_check");
  if (agreements && agreements->size() > 0) what.push_back("agreement");
  return what;
}

}  // namespace hoshi::records
