// What the 星取表 tells staff about the connections to other systems when something is
// wrong: a webhook disabled after repeated failures, a connector whose last sync failed.
// Read from the database on every call (the board itself is cached by data version,
// which these do not change).
#pragma once
#include <Poco/JSON/Object.h>

#include "service/service.hpp"

namespace hoshi::http {

class IntegrationNotice {
 public:
  explicit IntegrationNotice(Service& svc) : svc_(svc) {}
  // {"webhooks":[{name,last_error,since}], "syncs":[{name,error,at}]}, or null when all is
  // well (times in Japan time).
  Poco::JSON::Object::Ptr problems();

 private:
  Poco::JSON::Object::Ptr read();
  Service& svc_;
};

}  // namespace hoshi::http
