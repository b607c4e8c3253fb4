#include "http/supplier_agreement.hpp"

#include <cctype>
#include <stdexcept>

#include "core/base64.hpp"
#include "core/error.hpp"
#include "core/sha256.hpp"
#include "http/evidence_download.hpp"
#include "http/http_error.hpp"
#include "service/agreement_copy.hpp"
#include "service/requests.hpp"

namespace hoshi::http {

namespace {
// 'sha256-…' for a CSP source: the base64 of the raw digest.
std::string csp_hash(const std::string& text) {
  const std::string hex = sha256_hex(text);
  std::string raw;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    raw += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return "'sha256-" + base64_encode(raw) + "'";
}

std::string safe_name(const std::string& number) {
  std::string safe;
  for (char c : number) safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  return safe;
}
}  // namespace

std::optional<long long> agreement_version_param(const std::optional<std::string>& version) {
  if (!version) return std::nullopt;
  if (version->empty() || version->size() > 6 || version->find_first_not_of("0123456789") != std::string::npos)
    throw Error(Code::invalid, "合意書の版（version）は数字で指定してください（例: version=1）");
  return std::stoll(*version);
}

void send_supplier_agreement(Exchange& ex, Service& svc, const std::string& number,
                             const std::optional<std::string>& version, const FailPage& fail_page) {
  std::optional<long long> v;
  try {
    v = agreement_version_param(version);
  } catch (const Error& e) {
    return fail_page(http_error(e).status, "送信を受け付けられませんでした", e.what());
  }
  records::AgreementRecord a;
  try {
    // without ?version: the version both sides confirmed, else the latest (as the page)
    if (!v) v = AgreementCopy(svc).print_context(number, std::nullopt)->getValue<long long>("version");
    a = RequestService(svc).agreement(number, v);
  } catch (const Error& e) {
    if (e.code != Code::notfound) throw;
    return fail_page(404, "合意書が見つかりません",
                     version ? "指定された版の合意書はありません。" : "この依頼の合意書はまだ作成されていません。");
  }
  ex.set_header("Content-Disposition",
                "attachment; filename=\"agreement-" + safe_name(number) + "-v" + std::to_string(a.version) + ".txt\"");
  ex.set_header("X-Hoshitori-Agreement-Version", std::to_string(a.version));
  ex.set_header("X-Hoshitori-Agreement-SHA256", a.sha256);
  ex.set_header("X-Content-Type-Options", "nosniff");
  ex.send(200, "text/plain; charset=utf-8", a.document);
}

void send_agreement_html(Exchange& ex, Service& svc, const std::string& number,
                         const std::optional<std::string>& version, const RenderPage& render) {
  auto ctx = AgreementCopy(svc).print_context(number, agreement_version_param(version));
  const std::string html = render("agreement_print", ctx);
  const auto open = html.find("<style>"), close = html.find("</style>");
  std::string style_src = "'none'";
  if (open != std::string::npos && close != std::string::npos && close > open)
    style_src = csp_hash(html.substr(open + 7, close - open - 7));
  ex.set_header("Content-Security-Policy", "default-src 'none'; style-src " + style_src +
                                               "; img-src data:; base-uri 'none'; form-action 'none'; "
                                               "frame-ancestors 'none'");
  ex.set_header("Cache-Control", "no-store");
  ex.set_header("X-Hoshitori-Agreement-Version", std::to_string(ctx->getValue<long long>("version")));
  ex.set_header("X-Hoshitori-Agreement-SHA256", ctx->getValue<std::string>("sha256"));
  ex.send(200, "text/html; charset=utf-8", html);
}

void send_agreement_download(Exchange& ex, Service& svc, const std::string& number, const std::string& file,
                             const RenderPage& render, const FailPage& fail_page) {
  if (file == "agreement.txt") return send_supplier_agreement(ex, svc, number, ex.query("version"), fail_page);
  try {
    send_agreement_html(ex, svc, number, ex.query("version"), render);
  } catch (const Error& e) {
    const int status = http_error(e).status;
    if (status == 404)
      fail_page(
          404, "合意書が見つかりません",
          ex.query("version") ? "指定された版の合意書はありません。" : "この依頼の合意書はまだ作成されていません。");
    else if (status < 500)
      fail_page(status, "送信を受け付けられませんでした", e.what());
    else
      throw;
  }
}

bool serve_kept_agreement(Exchange& ex, Service& svc, const records::SupplierLink& link, const std::string& base,
                          const RenderPage& render, const FailPage& fail_page) {
  const auto until = AgreementCopy(svc).kept_until(link.number);
  if (!until || *until < svc.today()) return false;
  const auto& segs = ex.segments();
  const bool read = ex.method() == "GET" || ex.method() == "HEAD";
  if (read && segs.size() == 3 && (segs[2] == "agreement.txt" || segs[2] == "agreement.html")) {
    send_agreement_download(ex, svc, link.number, segs[2], render, fail_page);
    return true;
  }
  if (!read || segs.size() != 2) {
    fail_page(410, "このリンクでは合意書の閲覧のみできます",
              "回答の受付期間は終わりました。合意が成立した合意書は、保存期間（" + until->iso() +
                  " まで）の間、このリンクから閲覧・ダウンロードできます。");
    return true;
  }
  auto ctx = AgreementCopy(svc).print_context(link.number, std::nullopt);
  ctx->set("base", base);
  ctx->set("kept_until", until->iso());
  ex.send(200, "text/html; charset=utf-8", render("supplier_agreement_kept", ctx));
  return true;
}

bool send_agreement_scan(Exchange& ex, Service& svc, const std::string& number,
                         const std::optional<std::string>& version, const std::string& actor, const std::string& via) {
  std::optional<records::AgreementScan> s;
  {
    ScopedPrincipal as(via);
    s = AgreementCopy(svc).download_scan(number, agreement_version_param(version), actor);
  }
  if (!s) return false;
  ex.set_header("Content-Disposition", attachment_disposition(s->filename));
  ex.set_header("X-Content-Type-Options", "nosniff");
  ex.set_header("Content-Security-Policy", "default-src 'none'; sandbox");
  ex.set_header("X-Hoshitori-Scan-SHA256", s->sha256);
  ex.send(200, s->media_type, s->content);
  return true;
}

}  // namespace hoshi::http
