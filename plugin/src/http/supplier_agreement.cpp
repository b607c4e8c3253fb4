#include "http/supplier_agreement.hpp"

#include <cctype>

#include "service/requests.hpp"

namespace hoshi::http {

void send_supplier_agreement(Exchange& ex, Service& svc, const std::string& number,
                             const std::optional<std::string>& version, const FailPage& fail_page) {
  std::optional<long long> v;
  if (version) {
    if (version->empty() || version->size() > 6 || version->find_first_not_of("0123456789") != std::string::npos)
      return fail_page(400, "送信を受け付けられませんでした", "合意書の版は数字で指定してください（例: version=1）");
    v = std::stoll(*version);
  }
  records::AgreementRecord a;
  try {
    a = RequestService(svc).agreement(number, v);
  } catch (const std::out_of_range&) {
    return fail_page(404, "合意書が見つかりません",
                     v ? "指定された版の合意書はありません。" : "この依頼の合意書はまだ作成されていません。");
  }
  std::string safe;
  for (char c : number) safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  ex.set_header("Content-Disposition",
                "attachment; filename=\"agreement-" + safe + "-v" + std::to_string(a.version) + ".txt\"");
  ex.set_header("X-Hoshitori-Agreement-Version", std::to_string(a.version));
  ex.set_header("X-Hoshitori-Agreement-SHA256", a.sha256);
  ex.set_header("X-Content-Type-Options", "nosniff");
  ex.send(200, "text/plain; charset=utf-8", a.document);
}

}  // namespace hoshi::http
