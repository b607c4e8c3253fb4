// The connector ops of hoshitori_query_json (and the CLI): sync, webhooks_deliver,
// webhook_status, webhook_enable, export_suppliers; their rows join the op table
// (api/op_table.hpp) through install_ops. A host that embeds the library calls
// sync and webhooks_deliver from its own scheduler instead of running `hoshitori serve`.
#include <sstream>

#include "api/json_api.hpp"
#include "api/op_table.hpp"
#include "catalog/catalog_loader.hpp"
#include "connectors/config.hpp"
#include "connectors/registry.hpp"
#include "connectors/sync.hpp"
#include "connectors/webhook/webhook_sender.hpp"
#include "importer/supplier_export.hpp"
#include "service/json_args.hpp"
#include "service/op_errors.hpp"
#include "store/outbox.hpp"
#include "store/supplier_repository.hpp"
#include "store/webhook_queue.hpp"

namespace hoshi::api {

namespace {

// a bad file: catalog::CatalogError, Code::invalid
connectors::ConnectorsConfig config_of(const Object::Ptr& req) {
  return connectors::load_connectors_config(str_arg(req, "config", true));
}

Array::Ptr strings(const std::vector<std::string>& v) {
  Array::Ptr a = new Array;
  for (const auto& s : v) a->add(s);
  return a;
}

Object::Ptr op_sync(Service& svc, const Object::Ptr& req) {
  const std::string actor = str_arg(req, "actor", true), only = str_arg(req, "connector", false);
  const bool dry = bool_arg(req, "dry_run", false);
  auto cfg = config_of(req);
  if (!only.empty() && !cfg.find(only)) throw Error(Code::notfound, cfg.file + " has no connector named " + only);
  if (!dry) connectors::register_webhooks(svc, cfg, actor);
  Array::Ptr runs = new Array;
  for (const auto& r : connectors::run_syncs(svc, cfg.connectors, only, dry, actor))
    runs->add(connectors::sync_report_json(r));
  auto out = obj();
  out->set("runs", runs);
  return out;
}

Object::Ptr op_webhooks_deliver(Service& svc, const Object::Ptr& req) {
  auto cfg = config_of(req);
  connectors::register_webhooks(svc, cfg, "hoshitori");
  auto pass = connectors::deliver_webhooks(svc, cfg.webhooks, records::SenderId::for_this_process().id);
  auto out = obj();
  out->set("delivered", pass.delivered);
  out->set("failed", pass.failed);
  out->set("disabled", strings(pass.disabled));
  out->set("problems", strings(pass.problems));
  return out;
}

Object::Ptr op_webhook_status(Service& svc, const Object::Ptr&) {
  auto list = svc.with_repos<records::WebhookQueue>([](records::WebhookQueue& q) { return q.status(); });
  Array::Ptr hooks = new Array;
  for (const auto& s : list) {
    auto o = obj();
    o->set("name", s.name);
    o->set("url", s.url);
    o->set("events", strings(records::split_event_types(s.events)));
    o->set("state", s.state);
    o->set("pending", s.pending);
    o->set("delivered", s.delivered);
    o->set("failures", s.failures);
    o->set("next_at", s.next_at);
    o->set("last_error", opt(s.last_error));
    o->set("disabled_at", opt(s.disabled_at));
    hooks->add(o);
  }
  auto out = obj();
  out->set("webhooks", hooks);
  return out;
}

Object::Ptr op_webhook_enable(Service& svc, const Object::Ptr& req) {
  const std::string name = str_arg(req, "name", true), actor = str_arg(req, "actor", true);
  return run([&] {
    svc.with_repos<records::WebhookQueue>([&](records::WebhookQueue& q) { q.enable(name, actor); });
    auto out = obj();
    out->set("name", name);
    out->set("state", "active");
    return out;
  });
}

Object::Ptr op_export_suppliers(Service& svc, const Object::Ptr& req) {
  importer::Encoding encoding = importer::Encoding::utf8;
  const std::string enc = str_arg(req, "encoding", false), file = str_arg(req, "out", true);
  if (!enc.empty() && (!importer::parse_encoding(enc, encoding) || encoding == importer::Encoding::automatic))
    throw Error(Code::invalid, "\"encoding\" must be utf-8 or cp932");
  auto suppliers = svc.with_repos<store::SupplierRepository>([](store::SupplierRepository& r) { return r.list(); });
  std::ostringstream csv;
  try {
    importer::write_suppliers_csv(suppliers, encoding, csv);
  } catch (const importer::ExportError& e) {
    throw Error(Code::invalid, e.what());
  }
  try {
    importer::replace_file(file, csv.str());
  } catch (const importer::ExportError& e) {
    throw Error(Code::error, e.what());
  }
  auto out = obj();
  out->set("exported", static_cast<long long>(suppliers.size()));
  out->set("encoding", encoding == importer::Encoding::cp932 ? "cp932" : "utf-8");
  out->set("out", file);
  return out;
}

}  // namespace

}  // namespace hoshi::api

namespace hoshi::connectors {
void install_ops() {
  using api::Access;
  using records::Role;
  const auto S = api::ArgType::string, B = api::ArgType::boolean;
  // clang-format off
  api::register_ops({
    {"sync", "runs the connectors' syncs (all, or one by name)",
     {{"config", S, true}, {"connector", S}, {"dry_run", B}, {"actor", S, true}},
     Access::writes, Role::admin, api::op_sync,
     {}},
    {"webhooks_deliver", "one webhook delivery pass",
     {{"config", S, true}}, Access::writes, Role::admin, api::op_webhooks_deliver, {}},
    {"webhook_status", "the webhooks' queues", {}, Access::reads, Role::viewer, api::op_webhook_status, {}},
    {"webhook_enable", "re-enables a disabled webhook",
     {{"name", S, true}, {"actor", S, true}}, Access::writes, Role::admin, api::op_webhook_enable, {}},
    {"export_suppliers", "writes the supplier master as CSV",
     {{"encoding", S}, {"out", S, true}}, Access::reads, Role::admin, api::op_export_suppliers, {}},
  });
  // clang-format on
}
}  // namespace hoshi::connectors
