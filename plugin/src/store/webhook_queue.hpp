// The durable webhook queue: an event is written in the transaction of the change it
// reports (so there is no change without its event and no event without its change),
// with one delivery row for each endpoint that takes its type. One worker at a time
// holds an endpoint (a lease), posts its deliveries in event order and marks each right
// after the host answers. A failed attempt stops the endpoint until its back-off ends,
// so no event overtakes an earlier one; after `disable_after` failures in a row the
// endpoint is disabled (its events keep queueing) and the audit trail says so.
//
// At least once, with a unique id: a worker that dies between the host's answer and the
// mark, or a host slower than the timeout, means the host sees that event again with
// the same id and a higher attempt number; receivers de-duplicate on the id.
#pragma once
#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

#include "core/catalogs.hpp"
#include "core/supplier.hpp"
#include "store/database.hpp"

namespace hoshi::records {

// The event types a host can subscribe to.
inline constexpr const char* kWebhookEventTypes[] = {"supplier.standing_changed", "request.answered",
                                                     "agreement.confirmed"};
bool is_webhook_event_type(const std::string& type);
// The types of an endpoint's `events` column (space separated).
std::vector<std::string> split_event_types(const std::string& events);

struct WebhookEvent {
  std::string type, vendor_code;
  Poco::JSON::Object::Ptr data;
};

// Inside the caller's write transaction. Nothing is written when no endpoint wants the
// type (the table of endpoints is read once per call).
void enqueue_webhook_events(store::Database& db, const std::vector<WebhookEvent>& events);

// Whether any endpoint takes `type` (a bulk writer asks once before building events).
bool webhooks_want(store::Database& db, const std::string& type);

// supplier.standing_changed for a change of statuses (or a new supplier with any): the
// standing before and after under the buyer's policy and the status fields that moved.
// nullopt when no status field changed.
std::optional<WebhookEvent> standing_event(const Policy& policy, const Supplier* before, const Supplier& after,
                                           const Date& today);

struct EndpointSpec {
  std::string name, url;
  std::vector<std::string> events;
};

struct EndpointState {
  long long id = 0;
  std::string name, url, events, state, next_at;
  std::optional<std::string> last_error, disabled_at;
  long long failures = 0, pending = 0, delivered = 0;
};

struct Backoff {
  int base_seconds = 30, max_seconds = 3600, disable_after = 10;
  // base × 2^(n−1), at most max: the wait after the n-th failure in a row.
  long long after_failures(long long n) const;
};

struct WebhookDelivery {
  long long event_id = 0;
  std::string uid, type, vendor_code, occurred_at, data;
  long long attempt = 0;  // this attempt's number, from 1
};

class WebhookQueue {
 public:
  WebhookQueue(store::Database& db, std::string via) : db_(db), via_(std::move(via)) {}

  // Makes the endpoints table say what the configuration says: new names are added,
  // changed URLs or event lists updated, names no longer configured marked removed (their
  // undelivered events stay). Each change is an audit event. Returns how many changed.
  int register_endpoints(const std::vector<EndpointSpec>& specs, const std::string& actor);
  std::optional<long long> endpoint_id(const std::string& name);

  // Takes the endpoint for `worker` for `lease_seconds` when it is active, due and no
  // other live worker holds it; deliveries a lapsed worker left in flight are freed.
  bool acquire(long long endpoint, const std::string& worker, int lease_seconds);
  // Lets the endpoint go; what `worker` claimed and did not post goes back untried.
  void release(long long endpoint, const std::string& worker);
  // Up to `max` pending deliveries in event order, marked in flight (attempt counted).
  std::vector<WebhookDelivery> claim(long long endpoint, const std::string& worker, int max, int lease_seconds);
  // The host answered 2xx; the lease is renewed. False when `worker` no longer holds the
  // endpoint (it stalled past its lease and another took over): it must stop posting.
  bool delivered(long long endpoint, const std::string& worker, const WebhookDelivery& d, int status,
                 int lease_seconds);
  // The attempt failed: the endpoint backs off (or is disabled, with its audit event,
  // returning true); what `worker` still holds goes back to the queue untried.
  bool failed(long long endpoint, const std::string& worker, const WebhookDelivery& d, const std::string& error,
              const Backoff& backoff);
  // A disabled endpoint delivers again (from its oldest undelivered event).
  void enable(const std::string& name, const std::string& actor);

  std::vector<EndpointState> status();
  // The disabled endpoints, by name: name, last_error and disabled_at filled.
  std::vector<EndpointState> disabled();

 private:
  store::Database& db_;
  std::string via_;
};

}  // namespace hoshi::records
