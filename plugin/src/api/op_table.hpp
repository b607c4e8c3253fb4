// The one table of JSON operations: for each op its name, its arguments (key, type,
// required), whether it writes, the role a REST caller needs, its handler and its REST
// route. hoshitori_query_json (api::handle) dispatches by it and refuses a key it does not
// list; http/api_routes.cpp builds its routes from it and calls the handlers with the
// parsed arguments; `hoshitori ops` lists it; tests/scripts/check_ops.py writes the
// README's operation reference from it and checks README.md and schemas/openapi.yaml.
//
// The built-in rows come from the api layer's files; a layer above (the connectors) adds
// its rows with register_ops at start-up, before the first call (the table is read
// without a lock, and the REST routes keep pointers to its rows).
#pragma once
#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

#include "store/api_keys.hpp"

namespace hoshi {
class Service;
}

namespace hoshi::api {

enum class ArgType { string, integer, boolean, object, text_or_integer, any };
struct Arg {
  const char* key;
  ArgType type;
  bool required = false;
};

enum class Access { reads, writes };

// Where a REST route takes the op's arguments from (besides the path's {key} segments and
// "actor", which the X-Hoshitori-User header fills when the op takes one).
enum class RestArgs {
  none,           // nothing: a body is read and dropped, the query is not looked at
  query,          // the query parameters, each one an argument (integers and booleans parsed)
  body,           // a JSON object body
  body_or_empty,  // a JSON object body, or none at all
  own,            // the route's own handler in http/ (a stream, the status cache)
};
struct RestRoute {
  const char* method = nullptr;  // null: no REST route
  const char* path = nullptr;    // after /api/v1/; "{key}" is the argument `key`
  RestArgs args = RestArgs::none;
  int status = 200;
};

using OpHandler = Poco::JSON::Object::Ptr (*)(Service&, const Poco::JSON::Object::Ptr&);

struct OpDef {
  const char* name;
  const char* summary;
  std::vector<Arg> args;  // besides "op"
  Access access;
  records::Role role;  // what a REST caller's key needs
  OpHandler handler;
  RestRoute rest;
};

// The table, built-in rows first, then those registered, in order.
const std::vector<OpDef>& op_table();
// Adds rows (a name already in the table is skipped). At start-up, before the first call.
void register_ops(const std::vector<OpDef>& rows);
// nullptr for a name not in the table.
const OpDef* find_op(const std::string& name);
bool takes(const OpDef& op, const char* key);

// Refuses a key `args` holds that the op does not list ("op" aside), naming it.
void check_keys(const OpDef& op, const Poco::JSON::Object::Ptr& args);
// Checks the keys and runs the handler. Throws Error.
Poco::JSON::Object::Ptr run_op(Service& svc, const OpDef& op, const Poco::JSON::Object::Ptr& args);

// The table as a document ({"ops": [{name, summary, access, role, args, rest}, …]}).
Poco::JSON::Object::Ptr op_table_json();

// The built-in rows, by file.
std::vector<OpDef> supplier_ops();  // json_api.cpp
std::vector<OpDef> records_ops();   // request_api.cpp
std::vector<OpDef> evidence_ops();  // evidence_api.cpp
std::vector<OpDef> campaign_ops();  // campaign_api.cpp
std::vector<OpDef> briefing_ops();  // briefing_api.cpp
std::vector<OpDef> initiate_ops();  // op_table.cpp (service/supplier_initiated.hpp)

}  // namespace hoshi::api
