// A supplier's evidence file, downloaded by staff: through the REST API
// (GET /api/v1/evidence/{id}) and from the supplier panel (GET /erp/evidence/{id}).
// Every download is recorded (evidence_downloads, an evidence.downloaded audit event).
#pragma once
#include <string>

#include "http/exchange.hpp"
#include "service/service.hpp"

namespace hoshi::http {

// attachment; filename="ASCII fallback"; filename*=UTF-8''percent-encoded (RFC 6266, 5987).
std::string attachment_disposition(const std::string& filename);

// Sends the stored bytes (their SHA-256 checked) with the type judged from them at upload,
// as an attachment, nosniff and a sandboxing CSP, and records the download by `actor`
// (via `via`, the caller's key or session) — a supplier's withdrawal keeps the bytes the
// buyer has. False, and nothing sent, when `id` is not the number of a stored file;
// HttpError 410 when the supplier withdrew it and its bytes were deleted.
bool send_evidence(Exchange& ex, Service& svc, const std::string& id, const std::string& actor, const std::string& via);

}  // namespace hoshi::http
