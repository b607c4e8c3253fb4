#include "api/op_table.hpp"

#include <Poco/JSON/Array.h>

#include <mutex>

#include "service/json_args.hpp"
#include "service/supplier_initiated.hpp"

namespace hoshi::api {

namespace {

std::vector<OpDef> builtin_ops() {
  std::vector<OpDef> all;
  for (auto part : {supplier_ops, records_ops, evidence_ops, campaign_ops, briefing_ops, initiate_ops})
    for (auto& row : part()) all.push_back(std::move(row));
  return all;
}

std::vector<OpDef>& table() {
  static std::vector<OpDef> rows = builtin_ops();
  return rows;
}

const char* const kTypeNames[] = {"string", "integer", "boolean", "object", "string or integer", "any"};
const char* const kRestArgsNames[] = {"none", "query", "body", "body_or_empty", "own"};

}  // namespace

const std::vector<OpDef>& op_table() { return table(); }

void register_ops(const std::vector<OpDef>& rows) {
  static std::mutex m;
  std::lock_guard<std::mutex> lock(m);
  for (const auto& row : rows)
    if (!find_op(row.name)) table().push_back(row);
}

const OpDef* find_op(const std::string& name) {
  for (const auto& row : table())
    if (name == row.name) return &row;
  return nullptr;
}

bool takes(const OpDef& op, const char* key) {
  for (const auto& a : op.args)
    if (std::string(a.key) == key) return true;
  return false;
}

void check_keys(const OpDef& op, const Object::Ptr& args) {
  for (const auto& key : args->getNames()) {
    if (key == "op" || takes(op, key.c_str())) continue;
    std::string list = "op";
    for (const auto& a : op.args) list += std::string(", ") + a.key;
    std::string extra =
        key == "name" || key == "vendor_name" ? " (names come from the supplier master: import it)" : "";
    throw Error(Code::invalid, "unknown key \"" + key + "\" in " + op.name + extra + " (known: " + list + ")", key);
  }
}

Object::Ptr run_op(Service& svc, const OpDef& op, const Object::Ptr& args) {
  check_keys(op, args);
  return op.handler(svc, args);
}

Object::Ptr op_table_json() {
  Array::Ptr ops = new Array;
  for (const auto& row : table()) {
    auto o = obj();
    o->set("name", row.name);
    o->set("summary", row.summary);
    o->set("access", row.access == Access::writes ? "writes" : "reads");
    o->set("role", records::role_name(row.role));
    Array::Ptr args = new Array;
    for (const auto& a : row.args) {
      auto e = obj();
      e->set("key", a.key);
      e->set("type", kTypeNames[static_cast<int>(a.type)]);
      e->set("required", a.required);
      args->add(e);
    }
    o->set("args", args);
    if (row.rest.method) {
      auto r = obj();
      r->set("method", row.rest.method);
      r->set("path", std::string("/api/v1/") + row.rest.path);
      r->set("args", kRestArgsNames[static_cast<int>(row.rest.args)]);
      r->set("status", row.rest.status);
      o->set("rest", r);
    } else {
      o->set("rest", Poco::Dynamic::Var());
    }
    ops->add(o);
  }
  auto out = obj();
  out->set("ops", ops);
  return out;
}

std::vector<OpDef> initiate_ops() {
  using records::Role;
  // clang-format off
  return {
    {"standing_link_show", "the supplier's standing link, never its token",
     {{"vendor_code", ArgType::string, true}}, Access::reads, Role::viewer, op_standing_link_show,
     {"GET", "suppliers/{vendor_code}/standing-link", RestArgs::none, 200}},
    {"standing_link", "a new standing link for the supplier (the earlier one revoked)",
     {{"vendor_code", ArgType::string, true}, {"days", ArgType::integer}, {"actor", ArgType::string, true}},
     Access::writes, Role::buyer, op_standing_link,
     {"POST", "suppliers/{vendor_code}/standing-link", RestArgs::body_or_empty, 201}},
    {"standing_link_revoke", "revokes the supplier's standing link",
     {{"vendor_code", ArgType::string, true}, {"actor", ArgType::string, true}},
     Access::writes, Role::buyer, op_standing_link_revoke,
     {"DELETE", "suppliers/{vendor_code}/standing-link", RestArgs::none, 200}},
  };
  // clang-format on
}

}  // namespace hoshi::api
