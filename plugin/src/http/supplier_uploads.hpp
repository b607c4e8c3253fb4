// The supplier page's forms beyond answering (see supplier_form.hpp):
//   POST /s/<token>/evidence    evidence files, multipart/form-data
//   POST /s/<token>/withdraw    withdraws one of them (file=<id>), urlencoded
//   POST /s/<token>/self-check  the SCS self-check, one radio group per requirement item
// and what the page shows of them. The upload is the one route whose body may exceed
// SupplierForm::kMaxForm: up to max_upload_body(), read part by part, each file cut off
// at the policy's max_file_bytes (policy.yaml `evidence:`).
#pragma once
#include <Poco/JSON/Object.h>

#include <functional>
#include <string>
#include <vector>

#include "core/evidence.hpp"
#include "http/erp_request_form.hpp"
#include "http/exchange.hpp"
#include "service/supplier_evidence.hpp"

namespace hoshi::http {

// The most an upload's body may be: max_files_per_upload × max_file_bytes and the form's
// own fields and part headers.
std::size_t max_upload_body(const EvidencePolicy& limits);

struct EvidenceForm {
  FormFields fields;  // the text fields, in order
  std::vector<EvidenceUpload> files;
  bool stopped_before_files = false;  // a file came before a matching CSRF token: not read
};

// Reads the multipart body. `csrf_ok(token)` is asked before the first file is read,
// with the "csrf" field sent so far (the form puts it first), so a forged upload costs
// no more than its headers. Throws HttpError 415 (not multipart/form-data), 413 (the
// body or one file too large: the message, in Japanese, names the file and the limit)
// and 400 (a malformed body, more files than max_files_per_upload). After 413 or an
// early stop the connection is closed.
EvidenceForm read_evidence_form(Exchange& ex, const std::function<bool(const std::string&)>& csrf_ok,
                                const EvidencePolicy& limits);
// Reads and drops an upload's body (up to max_upload_body; past that the connection is
// closed after the answer), for an upload refused before it was read.
void drop_upload_body(Exchange& ex, const EvidencePolicy& limits);

// The self-check form's fields (sc:<item> = done|planned|not_planned, sc_date:<item>,
// sc_note:<item>) → answers, for the items where anything was given. A date is kept
// only with "planned" (the form keeps showing an earlier date when the answer changes).
std::vector<SelfCheckAnswer> self_check_answers(const FormFields& f);

// Adds to the page's context: "evidence" (this request's files: id, name, status, size,
// SHA-256, when, who, whether withdrawn or downloaded by the buyer) with "has_evidence",
// "evidence_limits" and "evidence_usage"; "self_check" (the
// request's items with the latest answer, or `posted` when the form is shown again
// after an error) with "has_self_check".
void add_supplier_uploads_context(Poco::JSON::Object::Ptr& ctx, Service& svc, const std::string& number,
                                  const std::string& vendor_code, const FormFields* posted);

}  // namespace hoshi::http
