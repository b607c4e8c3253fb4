// Small helpers shared by the request service's files.
#pragma once
#include <Poco/JSON/Parser.h>

#include <string>
#include <vector>

#include "core/catalogs.hpp"
#include "domain/request_model.hpp"
#include "service/json_args.hpp"
#include "service/requests.hpp"
#include "store/request_store.hpp"

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

// The thread as the negotiation model reads it (model::ThreadStep): kind and side
// parsed, the cost keys each step states an amount for, whether it states a basis.
std::vector<model::ThreadStep> thread_of(const std::vector<records::StepRecord>& steps);

// The supplier's price ask still unanswered with substance (model::open_ask), in words
// ("ステップ3（見積り、…）"); "" when there is none.
inline std::string unanswered_step(const std::vector<records::StepRecord>& steps) {
  auto a = model::open_ask(thread_of(steps));
  return a ? model::describe(*a) : std::string();
}

// The buyer as a record states it (policy buyer: name, department, contact, email, phone).
inline Poco::JSON::Object::Ptr buyer_json(const Buyer& b) {
  auto o = api::obj();
  o->set("name", b.name);
  o->set("department", b.department);
  o->set("contact", b.contact);
  o->set("email", b.email);
  o->set("phone", b.phone);
  return o;
}

// Sets "items" (no, title, category from the SCS catalog) and "has_items" on a
// template context from the request body's item numbers.
void add_items_context(Poco::JSON::Object::Ptr& ctx, const Poco::JSON::Object::Ptr& body, const Catalogs& cat);

}  // namespace hoshi::detail
