// Small helpers shared by the request service's files.
#pragma once
#include <Poco/JSON/Parser.h>

#include <string>
#include <vector>

#include "core/catalogs.hpp"
#include "records/request_store.hpp"
#include "service/json_args.hpp"
#include "service/requests.hpp"

namespace hoshi::detail {

inline std::string json(const Poco::Dynamic::Var& v) { return api::to_string(v); }

inline Poco::JSON::Object::Ptr parse_obj(const std::string& s) {
  return Poco::JSON::Parser().parse(s).extract<Poco::JSON::Object::Ptr>();
}

inline Poco::JSON::Object::Ptr state_doc(const std::string& state) {
  auto o = api::obj();
  o->set("state", state);
  return o;
}

// The supplier's latest step that asks the buyer to talk (declining, asking to
// negotiate, an estimate or counter-proposal) with no buyer proposal, counter-proposal,
// message or agreement draft after it; "" when every such step was answered.
inline std::string unanswered_step(const std::vector<records::StepRecord>& steps) {
  std::string open;
  for (const auto& s : steps) {
    if (s.side == "supplier" && (s.kind == "negotiation_request" || s.kind == "estimate" ||
                                 s.kind == "counter_proposal" || s.kind == "decline"))
      open = "ステップ" + std::to_string(s.step) + "（" + s.kind + "、" + s.at + "）";
    if (s.side == "buyer" &&
        (s.kind == "proposal" || s.kind == "counter_proposal" || s.kind == "message" || s.kind == "agreement"))
      open.clear();
  }
  return open;
}

// Sets "items" (no, title, category from the SCS catalog) and "has_items" on a
// template context from the request body's item numbers.
void add_items_context(Poco::JSON::Object::Ptr& ctx, const Poco::JSON::Object::Ptr& body, const Catalogs& cat);

}  // namespace hoshi::detail
