// Both parties keep the agreement (issue 15 item 5): what the printable A4 copy says
// (drawn only from the record: the stored document, its version and SHA-256, and each
// side's confirmation with who, when and how), the scan of a paper-signed copy for
// staff, and how long a supplier's link keeps opening the agreement once it is agreed.
#pragma once
#include <Poco/JSON/Object.h>

#include <optional>
#include <string>

#include "core/date.hpp"
#include "service/service.hpp"
#include "store/evidence_store.hpp"

namespace hoshi {

class AgreementCopy {
 public:
  explicit AgreementCopy(Service& svc) : svc_(svc) {}

  // The printable copy's context (templates/web/agreement_print.html.mustache): the
  // agreed version when the request is agreed, otherwise the latest (or `version`).
  // Throws Error (Code::notfound) when the request or the version does not exist.
  Poco::JSON::Object::Ptr print_context(const std::string& number, std::optional<long long> version);

  // The scan kept with the supplier's paper confirmation of `version` (the agreed or
  // latest one when not given), with its bytes; records the staff read
  // (agreement.scan_downloaded). nullopt when that version has no scan.
  std::optional<records::AgreementScan> download_scan(const std::string& number, std::optional<long long> version,
                                                      const std::string& actor);

  // An agreed request's agreement is kept until this day (its last step plus the policy's
  // retention.agreements_years, as `purge` computes it); nullopt when the request is not
  // agreed (or does not exist).
  std::optional<Date> kept_until(const std::string& number);

 private:
  Service& svc_;
};

// "supplier-form" → 「受注者が専用リンクの画面で確認」…: how a confirmation was made, in
// the words the printed copy and the screens show (never the internal code alone).
std::string confirmation_method_words(const std::string& method);

}  // namespace hoshi
