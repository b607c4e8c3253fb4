#include "http/erp_integrations.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include "store/audit_log.hpp"
#include "store/rows.hpp"

namespace hoshi::http {

// Read on every call (two small queries on a staff screen): another server may have
// disabled a webhook or failed a sync a moment ago.
Poco::JSON::Object::Ptr IntegrationNotice::problems() { return read(); }

Poco::JSON::Object::Ptr IntegrationNotice::read() {
  Poco::JSON::Array::Ptr webhooks = new Poco::JSON::Array, syncs = new Poco::JSON::Array;
  svc_.with_db([&](store::Database& db) {
    for (auto& r : store::select_rows(
             db, "SELECT name, last_error, disabled_at FROM webhook_endpoints WHERE state = 'disabled' ORDER BY name",
             {}, 3)) {
      Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
      o->set("name", *r[0]);
      o->set("last_error", r[1].value_or(""));
      o->set("since", r[2] ? records::utc_to_jst_display(*r[2]) : "");
      webhooks->add(o);
    }
    // the latest run of each connector, when it failed
    for (auto& r : store::select_rows(db,
                                      "SELECT s.connector, s.report, s.finished_at FROM sync_runs s WHERE s.outcome = "
                                      "'failed' AND s.id = (SELECT MAX(t.id) FROM sync_runs t WHERE t.connector = "
                                      "s.connector) ORDER BY s.connector",
                                      {}, 3)) {
      std::string error;
      try {
        auto report = Poco::JSON::Parser().parse(r[1].value_or("{}")).extract<Poco::JSON::Object::Ptr>();
        if (report->has("error")) error = report->getValue<std::string>("error");
      } catch (const std::exception&) {
      }
      Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
      o->set("name", *r[0]);
      o->set("error", error);
      o->set("at", records::utc_to_jst_display(r[2].value_or("")));
      syncs->add(o);
    }
    return 0;
  });
  if (webhooks->size() == 0 && syncs->size() == 0) return nullptr;
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
  out->set("webhooks", webhooks);
  out->set("syncs", syncs);
  return out;
}

}  // namespace hoshi::http
