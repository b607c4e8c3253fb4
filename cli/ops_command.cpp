// `hoshitori ops [--json]`: the op table (api/op_table.hpp) — each op's arguments, whether
// it writes, the role a REST caller needs and its route; with --json also every REST route
// (tests/scripts/check_ops.py checks README.md and schemas/openapi.yaml against it).
#include <iostream>

#include "api/op_table.hpp"
#include "cli.hpp"
#include "connectors/registry.hpp"
#include "http/api_routes.hpp"
#include "service/json_args.hpp"

namespace hoshi::cli {

int cmd_ops(const Globals&, Args& a) {
  const bool json = a.take_switch("--json");
  if (!a.positionals().empty()) throw UsageError{"ops takes no arguments"};
  connectors::install_ops();
  if (json) {
    auto doc = api::op_table_json();
    Poco::JSON::Array::Ptr routes = new Poco::JSON::Array;
    for (const auto& r : http::api_route_list()) {
      auto o = api::obj();
      o->set("method", r.method);
      o->set("path", r.path);
      o->set("op", r.op.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(r.op));
      routes->add(o);
    }
    doc->set("routes", routes);
    std::cout << api::to_string(doc) << "\n";
    return kOk;
  }
  for (const auto& op : api::op_table()) {
    std::string args;
    for (const auto& arg : op.args)
      args += (args.empty() ? "" : " ") + std::string(arg.key) + (arg.required ? "*" : "");
    std::cout << op.name << "  " << (op.access == api::Access::writes ? "writes" : "reads") << "  "
              << records::role_name(op.role) << "  {" << args << "}";
    if (op.rest.method) std::cout << "  " << op.rest.method << " /api/v1/" << op.rest.path;
    std::cout << "\n";
  }
  return kOk;
}

}  // namespace hoshi::cli
