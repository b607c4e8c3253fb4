#include "http/erp_integrations.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include "store/audit_log.hpp"
#include "store/sync_runs.hpp"
#include "store/webhook_queue.hpp"

namespace hoshi::http {

// Read on every call (two small queries on a staff screen): another server may have
// disabled a webhook or failed a sync a moment ago.
Poco::JSON::Object::Ptr IntegrationNotice::problems() { return read(); }

Poco::JSON::Object::Ptr IntegrationNotice::read() {
  Poco::JSON::Array::Ptr webhooks = new Poco::JSON::Array, syncs = new Poco::JSON::Array;
  svc_.with_repos<records::WebhookQueue, records::SyncRuns>([&](records::WebhookQueue& q, records::SyncRuns& runs) {
    for (const auto& w : q.disabled()) {
      Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
      o->set("name", w.name);
      o->set("last_error", w.last_error.value_or(""));
      o->set("since", w.disabled_at ? records::utc_to_jst_display(*w.disabled_at) : "");
      webhooks->add(o);
    }
    // the latest run of each connector, when it failed
    for (const auto& r : runs.latest_failed()) {
      std::string error;
      try {
        auto report = Poco::JSON::Parser().parse(r.report).extract<Poco::JSON::Object::Ptr>();
        if (report->has("error")) error = report->getValue<std::string>("error");
      } catch (const std::exception&) {
      }
      Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
      o->set("name", r.connector);
      o->set("error", error);
      o->set("at", records::utc_to_jst_display(r.finished_at));
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
