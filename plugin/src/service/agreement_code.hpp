// The optional one-time code before the supplier confirms an agreement on its page
// (policy agreement.one_time_code; records/agreement_codes.hpp keeps the codes). Every
// refusal is a Error (Code::invalid) in Japanese, shown on the supplier page as it is.
#pragma once
#include <string>

#include "service/service.hpp"

namespace hoshi {

class AgreementCodeService {
 public:
  explicit AgreementCodeService(Service& svc) : svc_(svc) {}

  bool required() const { return svc_.catalogs().policy.agreement.one_time_code; }

  // Queues a mail with a new code to the supplier's registered address (the outbox makes
  // the code as it sends it) for the latest agreement version, which the supplier has not
  // confirmed yet. At most kPerHour per request. Returns the address, partly hidden
  // ("t***@v001.example"), for the page to say where it went.
  std::string send(const std::string& number, const std::string& link_id, const std::string& actor);

  // Checks `code` for the latest version asked through `link_id`; a wrong one counts a try
  // (committed). Returns the code's id for RequestService::confirm's `inside` (use()).
  long long check(const std::string& number, long long version, const std::string& link_id, const std::string& code);

  static constexpr int kPerHour = 5;

 private:
  Service& svc_;
};

// "tanaka@v001.example" → "t***@v001.example".
std::string masked_address(const std::string& address);

}  // namespace hoshi
