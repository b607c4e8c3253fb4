#include "connectors/tryton/tryton_connector.hpp"

#include <Poco/JSON/Object.h>

#include <algorithm>
#include <map>
#include <set>

#include "catalog/yaml_doc.hpp"
#include "connectors/tryton/json_rpc.hpp"

namespace hoshi::connectors {

namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

Array::Ptr array_of(const Var& v, const std::string& what) {
  if (v.type() != typeid(Array::Ptr)) throw ConnectorError("Tryton's answer to " + what + " is not a list");
  return v.extract<Array::Ptr>();
}

template <class... T>
Array::Ptr list(T&&... items) {
  Array::Ptr a = new Array;
  (a->add(Var(std::forward<T>(items))), ...);
  return a;
}

Array::Ptr ids_of(const std::vector<long long>& ids) {
  Array::Ptr a = new Array;
  for (long long id : ids) a->add(id);
  return a;
}

Object::Ptr empty_context() { return new Object; }

std::string text_of(const Object::Ptr& o, const std::string& key) {
  if (!o->has(key) || o->isNull(key)) return "";
  Var v = o->get(key);
  return v.isString() ? v.extract<std::string>() : v.toString();
}

class TrytonConnector : public Connector {
 public:
  TrytonConnector(TrytonRpc rpc, std::string select, std::string category, std::string standing_root)
      : rpc_(std::move(rpc)),
        select_(std::move(select)),
        category_(std::move(category)),
        standing_root_(std::move(standing_root)) {}

  bool reads_suppliers() const override { return true; }
  bool writes_standings() const override { return true; }

  std::vector<SourceSupplier> read_suppliers() override {
    Array::Ptr domain = new Array;
    if (select_ == "category") {
      auto found = array_of(rpc_.call("model.party.category.search",
                                      list(list(list("name", "=", category_)), 0, Var(), Var(), empty_context())),
                            "party.category.search");
      // a missing category must not read as "no suppliers" (every one would go inactive)
      if (found->size() == 0)
        throw ConnectorError("Tryton has no party category named " + category_ +
                             " (suppliers: category in connectors.yaml)");
      domain->add(list("categories", "child_of", found, "parent"));
    } else if (select_ == "purchased") {
      auto purchases = array_of(rpc_.call("model.purchase.purchase.search_read",
                                          list(Array::Ptr(new Array), 0, Var(), Var(), list("party"), empty_context())),
                                "purchase.purchase.search_read");
      std::set<long long> parties;
      for (std::size_t i = 0; i < purchases->size(); ++i)
        parties.insert(purchases->getObject(static_cast<unsigned>(i))->getValue<long long>("party"));
      domain->add(list("id", "in", ids_of({parties.begin(), parties.end()})));
    }
    auto parties = array_of(
        rpc_.call("model.party.party.search_read", list(domain, 0, Var(), list(list("id", "ASC")),
                                                        list("code", "name", "email", "categories"), empty_context())),
        "party.party.search_read");
    std::vector<long long> ids;
    current_categories_.clear();
    std::vector<SourceSupplier> out;
    for (std::size_t i = 0; i < parties->size(); ++i) {
      auto p = parties->getObject(static_cast<unsigned>(i));
      const long long id = p->getValue<long long>("id");
      ids.push_back(id);
      SourceSupplier s;
      s.external_id = std::to_string(id);
      s.code = text_of(p, "code");
      s.name = text_of(p, "name");
      s.where = "Tryton party " + s.external_id + (s.code.empty() ? "" : " (" + s.code + ")");
      const std::string email = text_of(p, "email");
      if (!email.empty()) s.email = email;
      auto cats = p->getArray("categories");
      for (std::size_t j = 0; cats && j < cats->size(); ++j)
        current_categories_[id].insert(cats->getElement<long long>(static_cast<unsigned>(j)));
      out.push_back(std::move(s));
    }
    if (!ids.empty()) {
      auto identifiers =
          array_of(rpc_.call("model.party.identifier.search_read",
                             list(list(list("party", "in", ids_of(ids)), list("type", "=", "jp_cn")), 0, Var(),
                                  list(list("id", "ASC")), list("party", "code"), empty_context())),
                   "party.identifier.search_read");
      std::map<long long, std::string> numbers;
      for (std::size_t i = 0; i < identifiers->size(); ++i) {
        auto r = identifiers->getObject(static_cast<unsigned>(i));
        numbers.emplace(r->getValue<long long>("party"), text_of(r, "code"));  // the first one
      }
      for (auto& s : out) {
        auto it = numbers.find(std::stoll(s.external_id));
        if (it != numbers.end()) s.corporate_number = it->second;
      }
    }
    read_ = true;
    return out;
  }

  PushReport write_standings(const std::vector<StandingRow>& rows, bool dry_run) override {
    PushReport report;
    if (rows.empty()) return report;
    std::vector<long long> ids;
    for (const auto& r : rows) ids.push_back(std::stoll(r.external_id));
    if (!read_) {  // a sink-only run: read the parties' categories now
      auto parties =
          array_of(rpc_.call("model.party.party.read", list(ids_of(ids), list("categories"), empty_context())),
                   "party.party.read");
      for (std::size_t i = 0; i < parties->size(); ++i) {
        auto p = parties->getObject(static_cast<unsigned>(i));
        auto cats = p->getArray("categories");
        for (std::size_t j = 0; cats && j < cats->size(); ++j)
          current_categories_[p->getValue<long long>("id")].insert(
              cats->getElement<long long>(static_cast<unsigned>(j)));
      }
    }
    std::set<std::string> labels;  // beside the five standings: 当社の暫定基準（★3相当） and the like
    for (const auto& r : rows) labels.insert(r.label);
    std::map<std::string, long long> children = standing_categories(dry_run, labels);
    std::set<long long> ours;
    for (const auto& [label, id] : children) ours.insert(id);
    std::map<std::string, std::vector<long long>> by_label;  // what to write
    for (const auto& r : rows) {
      const long long party = std::stoll(r.external_id);
      std::set<long long> have;
      for (long long c : current_categories_[party])
        if (ours.count(c)) have.insert(c);
      auto target = children.find(r.label);
      if (target != children.end() && have == std::set<long long>{target->second}) {
        ++report.unchanged;
        continue;
      }
      by_label[r.label].push_back(party);
      ++report.written;
    }
    if (dry_run || by_label.empty()) return report;
    // one write call with every (parties, values) pair: one Tryton transaction, all or nothing
    Array::Ptr args = new Array;
    for (const auto& [label, parties] : by_label) {
      args->add(ids_of(parties));
      Object::Ptr values = new Object;
      Array::Ptr ops = new Array;
      if (!ours.empty()) ops->add(list("remove", ids_of({ours.begin(), ours.end()})));
      ops->add(list("add", list(children.at(label))));
      values->set("categories", ops);
      args->add(values);
    }
    args->add(empty_context());
    rpc_.call("model.party.party.write", args);
    return report;
  }

 private:
  // label → category id under the standing root, made when missing (not in a dry run):
  // the five standings' words and any other label a row carries (an interim rule's).
  std::map<std::string, long long> standing_categories(bool dry_run, const std::set<std::string>& row_labels) {
    auto root = array_of(rpc_.call("model.party.category.search",
                                   list(list(list("name", "=", standing_root_), list("parent", "=", Var())), 0, Var(),
                                        Var(), empty_context())),
                         "party.category.search");
    long long root_id = 0;
    if (root->size() > 0) {
      root_id = root->getElement<long long>(0);
    } else if (!dry_run) {
      Object::Ptr v = new Object;
      v->set("name", standing_root_);
      root_id = array_of(rpc_.call("model.party.category.create", list(list(v), empty_context())), "create")
                    ->getElement<long long>(0);
    }
    std::map<std::string, long long> out;
    if (root_id == 0) return out;
    auto children =
        array_of(rpc_.call("model.party.category.search_read",
                           list(list(list("parent", "=", root_id)), 0, Var(), Var(), list("name"), empty_context())),
                 "party.category.search_read");
    for (std::size_t i = 0; i < children->size(); ++i) {
      auto c = children->getObject(static_cast<unsigned>(i));
      out.emplace(text_of(c, "name"), c->getValue<long long>("id"));
    }
    if (dry_run) return out;
    Array::Ptr missing = new Array;
    std::vector<std::string> names;
    std::vector<std::string> wanted;
    for (Standing st : kAllStandings) wanted.emplace_back(standing_word(st));
    for (const auto& l : row_labels)
      if (std::find(wanted.begin(), wanted.end(), l) == wanted.end()) wanted.push_back(l);
    for (const auto& label : wanted)
      if (!out.count(label)) {
        Object::Ptr v = new Object;
        v->set("name", label);
        v->set("parent", root_id);
        missing->add(v);
        names.push_back(label);
      }
    if (!names.empty()) {
      auto made = array_of(rpc_.call("model.party.category.create", list(missing, empty_context())), "create");
      for (std::size_t i = 0; i < names.size() && i < made->size(); ++i)
        out.emplace(names[i], made->getElement<long long>(static_cast<unsigned>(i)));
    }
    return out;
  }

  TrytonRpc rpc_;
  std::string select_, category_, standing_root_;
  std::map<long long, std::set<long long>> current_categories_;
  bool read_ = false;
};

}  // namespace

std::unique_ptr<Connector> make_tryton_connector(const ConnectorSettings& s) {
  const auto& doc = *s.doc;
  const YAML::Node& n = s.node;
  doc.only_keys(n, {"name", "kind", "every_minutes", "url", "database", "user", "password_env", "password_file",
                    "suppliers", "standing_category", "timeout_seconds"});
  const std::string url = doc.str(n, "url");
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
    throw doc.fail(n["url"], "connector " + s.name + ": url must start with http:// or https://");
  std::string select = "all", category;
  if (n["suppliers"].IsDefined() && !n["suppliers"].IsNull()) {
    const YAML::Node& sel = n["suppliers"];
    if (!sel.IsMap() || sel.size() != 1)
      throw doc.fail(sel,
                     "connector " + s.name + ": suppliers takes one of category: NAME, purchased: true, all: true");
    doc.only_keys(sel, {"category", "purchased", "all"});
    if (sel["category"].IsDefined()) {
      select = "category";
      category = doc.str(sel, "category");
    } else if (sel["purchased"].IsDefined()) {
      if (!doc.boolean(sel, "purchased", false)) throw doc.fail(sel, "purchased: true, or leave it out");
      select = "purchased";
    } else if (!doc.boolean(sel, "all", true)) {
      throw doc.fail(sel, "all: true, or leave it out");
    }
  }
  std::string root = doc.opt_str(n, "standing_category");
  if (root.empty()) root = "星取表";
  TrytonRpc rpc(url, doc.str(n, "database"), doc.str(n, "user"),
                SecretRef::from(doc, n, "password", "connector " + s.name),
                doc.integer(n, "timeout_seconds", 1, 600, 30));
  return std::make_unique<TrytonConnector>(std::move(rpc), select, category, root);
}

}  // namespace hoshi::connectors
