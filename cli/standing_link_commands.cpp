// hoshitori standing-link create|show|revoke CODE: the supplier's standing link
// (/s/<token>) that the buyer prints in its order documents, where the supplier can ask
// to negotiate its security costs without a request (service/supplier_initiated.hpp).
#include <Poco/JSON/Object.h>

#include <iostream>

#include "api/json_api.hpp"
#include "cli.hpp"
#include "service/service.hpp"

namespace hoshi::cli {

using Poco::JSON::Object;

int cmd_standing_link(const Globals& g, Args& a) {
  const char* usage =
      "standing-link create CODE [--days N] [--by USER] | standing-link show CODE | "
      "standing-link revoke CODE [--by USER]";
  const std::string sub = a.take_first();
  Object::Ptr req = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  Object::Ptr out;
  if (sub == "create") {
    const std::string days = a.take_value("--days");
    req->set("op", "standing_link");
    req->set("actor", by(g, a));
    if (!days.empty()) {
      if (days.size() > 4 || days.find_first_not_of("0123456789") != std::string::npos)
        throw UsageError{"--days is a whole number of days (1-3650)"};
      req->set("days", std::stoll(days));
    }
  } else if (sub == "revoke") {
    req->set("op", "standing_link_revoke");
    req->set("actor", by(g, a));
  } else if (sub == "show") {
    req->set("op", "standing_link_show");
  } else {
    throw UsageError{usage};
  }
  auto pos = a.positionals();
  if (pos.size() != 1) throw UsageError{usage};
  req->set("vendor_code", pos[0]);
  int rc = call(g, sub != "show", req, out);
  if (rc != kOk) return rc;
  if (sub == "create") {
    auto svc = open_service(g, true);
    if (!svc) return kUnusable;
    std::cout << svc->catalogs().policy.mail.public_url << out->getValue<std::string>("path") << std::endl;
    std::cerr << "hoshitori: the supplier's standing link, shown only now (valid " << out->getValue<long long>("days")
              << " days; an earlier link of " << pos[0] << " no longer works): print it in its order documents\n";
  } else if (sub == "revoke") {
    std::cerr << "hoshitori: "
              << (out->getValue<bool>("revoked") ? "the standing link of " + pos[0] + " revoked"
                                                 : pos[0] + " has no standing link")
              << "\n";
  } else if (out->isNull("link")) {
    std::cout << pos[0] << "\tnone\n";
  } else {
    auto l = out->getObject("link");
    std::cout << pos[0] << "\t" << l->getValue<std::string>("state") << "\t" << l->getValue<std::string>("id")
              << "\tcreated " << l->getValue<std::string>("created_at") << "\texpires "
              << l->getValue<std::string>("expires_at") << "\n";
  }
  return kOk;
}

}  // namespace hoshi::cli
