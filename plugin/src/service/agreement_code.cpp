#include "service/agreement_code.hpp"
#include "core/error.hpp"
#include "domain/request_model.hpp"

#include <stdexcept>

#include "core/secret.hpp"
#include "service/json_args.hpp"
#include "service/json_shapes.hpp"
#include "service/request_common.hpp"
#include "store/agreement_codes.hpp"
#include "store/audit_log.hpp"
#include "store/outbox.hpp"
#include "store/request_store.hpp"
#include "store/staff_link.hpp"
#include "store/supplier_repository.hpp"

namespace hoshi {

std::string masked_address(const std::string& address) {
  const auto at = address.find('@');
  if (at == std::string::npos || at == 0) return "***";
  return address.substr(0, 1) + "***" + address.substr(at);
}

std::string AgreementCodeService::send(const std::string& number, const std::string& link_id,
                                       const std::string& actor) {
  if (!required()) throw Error(Code::invalid, "確認コードは使われていません。そのまま合意書を確認してください。");
  const MailPolicy& mp = svc_.catalogs().policy.mail;
  return svc_.with_db([&](store::Database& db) {
    records::server_secret(db, records::kCodeSecret);  // before the write: the sender keys the code with it
    store::WriteTransaction tx(db);
    records::RequestStore rs(db);
    auto r = rs.find(number);
    if (!r) throw Error(Code::notfound, "no request " + number);
    if (model::stored_state(r->state) != model::State::negotiating)
      throw Error(Code::invalid, "この依頼には、確認を待っている合意書がありません。");
    auto versions = rs.agreements(number, false);
    if (versions.empty()) throw Error(Code::invalid, "この依頼の合意書はまだ作成されていません。");
    const auto& latest = versions.back();
    for (const auto& c : rs.confirmations(number))
      if (c.version == latest.version && c.side == "supplier")
        throw Error(Code::invalid, "貴社はこの合意書を確認済みです。");
    auto supplier = store::SupplierRepository(db).find(r->vendor_code);
    const std::string to = supplier ? supplier->email.value_or("") : "";
    if (to.empty())
      throw Error(
          Code::invalid,
          "貴社のメールアドレスが発注者に登録されていないため、確認コードを送れません。発注者の担当者にお問い合わせ"
          "ください。");
    records::AgreementCodes codes(db);
    if (codes.requested_since(number, records::audit_time_after(-3600)) >= kPerHour)
      throw Error(Code::invalid, "確認コードの送信は1時間に" + std::to_string(kPerHour) +
                                     "回までです。届いたメールのコードをお使いいただくか、しばらくお待ちください。");
    Poco::JSON::Object::Ptr body = detail::parse_obj(r->body);
    const std::string buyer =
        body->has("buyer") ? body->getObject("buyer")->optValue<std::string>("name", "") : std::string();
    const std::string name = supplier->name.value_or(r->vendor_code);
    const std::string now = records::audit_now();
    records::OutboxMessage m;
    m.vendor_code = r->vendor_code;  // no request_number: this mail carries no link
    m.recipient = to;
    m.recipient_name = name;
    m.lang = "ja";
    m.charset = "utf-8";
    m.subject = "【確認コード】合意書（依頼番号 " + number + "・第" + std::to_string(latest.version) + "版）の確認";
    m.text_body =
        name + " ご担当者様\n\n" + (buyer.empty() ? std::string("発注者") : buyer) + "との合意書（依頼番号 " + number +
        "、第" + std::to_string(latest.version) + "版、SHA-256 " + latest.sha256 +
        "）を、貴社専用のリンクの画面で確認するための確認コードです。\n\n確認コード: " + records::kCodePlaceholder +
        "\n\nこのコードはこのメールの送信から" + std::to_string(AgreementPolicy::kCodeMinutes) +
        "分間、1回だけ使えます。" + std::to_string(AgreementPolicy::kCodeTries) +
        "回誤って入力すると使えなくなります。\nお心当たりがない場合は、このメールを破棄し、発注者の担当者に"
        "お知らせください。\n";
    m.message_id = "hoshitori.code." + random_token(12) + "@" + mp.domain();
    m.not_before = now;
    const long long id = records::enqueue(db, m);
    codes.add_request(number, latest.version, link_id, to, id, now);
    auto after = api::obj();
    after->set("version", latest.version);
    after->set("recipient", to);
    after->set("outbox", id);
    after->set("link", link_id);
    records::AuditLog(db, svc_.principal())
        .append({actor, "agreement.code_requested", number, r->vendor_code, std::nullopt, api::to_string(after)});
    tx.commit();
    return masked_address(to);
  });
}

long long AgreementCodeService::check(const std::string& number, long long version, const std::string& link_id,
                                      const std::string& code) {
  std::string digits;
  for (char c : code)
    if (c != ' ' && c != '-') digits += c;
  if (digits.size() != 6 || digits.find_first_not_of("0123456789") != std::string::npos)
    throw Error(Code::invalid, "確認コード（code）は、メールでお送りした6桁の数字を入力してください。");
  using Kind = records::CodeVerdict::Kind;
  records::CodeVerdict v = svc_.with_db([&](store::Database& db) {
    const std::string secret = records::server_secret(db, records::kCodeSecret);
    store::WriteTransaction tx(db);  // a wrong try is counted even though the confirmation is refused
    auto verdict = records::AgreementCodes(db).check(number, version, link_id, digits, secret, records::audit_now());
    tx.commit();
    return verdict;
  });
  switch (v.kind) {
    case Kind::ok:
      return v.id;
    case Kind::none:
      throw Error(Code::invalid, "確認コードをまだお送りしていません。「確認コードを送る」を押してください。");
    case Kind::not_sent:
      throw Error(Code::invalid, "確認コードのメールを送信中です。届いてから入力してください。");
    case Kind::expired:
      throw Error(Code::invalid, "確認コードの有効期限（" + std::to_string(AgreementPolicy::kCodeMinutes) +
                                     "分）が過ぎました。もう一度「確認コードを送る」を押してください。");
    case Kind::exhausted:
      throw Error(Code::invalid,
                  "確認コードの入力を" + std::to_string(AgreementPolicy::kCodeTries) +
                      "回誤ったため、このコードは使えません。もう一度「確認コードを送る」を押してください。");
    case Kind::wrong:
      break;
  }
  throw Error(Code::invalid, "確認コードが違います（あと" + std::to_string(v.tries_left) + "回入力できます）。");
}

}  // namespace hoshi
