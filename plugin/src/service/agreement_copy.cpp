#include "service/agreement_copy.hpp"
#include "core/error.hpp"
#include "domain/request_model.hpp"

#include <Poco/JSON/Array.h>

#include <stdexcept>

#include "core/evidence.hpp"
#include "service/json_args.hpp"
#include "service/json_shapes.hpp"
#include "service/request_common.hpp"
#include "store/audit_log.hpp"
#include "store/request_store.hpp"

namespace hoshi {

using api::obj;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {
std::string body_text(const Object::Ptr& body, const std::string& key) {
  return body && body->has(key) && body->get(key).isString() ? body->getValue<std::string>(key) : std::string();
}

// The version a copy shows: asked for, else the one both sides confirmed, else the latest.
const records::AgreementRecord& pick(const std::vector<records::AgreementRecord>& versions,
                                     const std::vector<records::ConfirmationRecord>& confs,
                                     std::optional<long long> version, const std::string& number) {
  if (versions.empty()) throw Error(Code::notfound, "request " + number + " has no agreement document yet");
  if (version) {
    for (const auto& a : versions)
      if (a.version == *version) return a;
    throw Error(Code::notfound, "request " + number + " has no agreement version " + std::to_string(*version));
  }
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    int sides = 0;
    for (const auto& c : confs) sides += c.version == it->version;
    if (sides == 2) return *it;
  }
  return versions.back();
}

// "supplier:V0001 佐藤" → "佐藤"; "" when the supplier gave no name.
std::string supplier_given_name(const std::string& actor, const std::string& vendor) {
  const std::string prefix = "supplier:" + vendor;
  if (actor.rfind(prefix, 0) != 0) return actor;
  std::string rest = actor.substr(prefix.size());
  if (!rest.empty() && rest[0] == ' ') rest.erase(0, 1);
  return rest;
}
}  // namespace

std::string confirmation_method_words(const std::string& method) {
  if (method == "supplier-form")
    return "受注者が専用リンクの確認画面で、合意書の内容（上記 SHA-256）を確認し合意する操作をしました（電子的な確認。"
           "記名押印はありません）。";
  if (method == "supplier-form+one-time-code")
    return "受注者が専用リンクの確認画面で、登録メールアドレスに送られた確認コードを入力し、合意書の内容（上記 "
           "SHA-256）を確認し合意する操作をしました（電子的な確認。記名押印はありません）。";
  if (method.rfind("paper-scan", 0) == 0) {
    std::string note;
    if (auto semi = method.find("; "); semi != std::string::npos) note = method.substr(semi + 2);
    return "発注者側の担当者が、受注者が記名押印したとする書面のスキャンを添えて記録しました（記名押印はスキャンの書面"
           "で確認できます）。" +
           (note.empty() ? std::string() : "（記録時の注記: " + note + "）");
  }
  if (method == "erp-screen") return "発注者の担当者が ERP 画面で確認しました。";
  if (method == "api") return "発注者の担当者が REST API 経由で確認しました。";
  if (method == "cli") return "発注者の担当者がコマンド（hoshitori CLI）で確認しました。";
  return "発注者の担当者が確認しました（記録された確認方法: " + method + "）。";
}

Object::Ptr AgreementCopy::print_context(const std::string& number, std::optional<long long> version) {
  return svc_.with_db([&](store::Database& db) {
    records::RequestStore rs(db);
    auto r = rs.find(number);
    if (!r) throw Error(Code::notfound, "no request " + number);
    const auto versions = rs.agreements(number, true);
    const auto confs = rs.confirmations(number);
    const records::AgreementRecord& a = pick(versions, confs, version, number);
    Object::Ptr body = detail::parse_obj(r->body);
    auto ctx = obj();
    ctx->set("number", number);
    ctx->set("version", a.version);
    ctx->set("sha256", a.sha256);
    ctx->set("created_at", records::utc_to_jst_display(a.created_at));
    ctx->set("document", a.document);
    const std::string supplier = body_text(body, "supplier_name");
    ctx->set("supplier_name", supplier.empty() ? r->vendor_code : supplier);
    ctx->set("buyer_name", body->has("buyer") ? body_text(body->getObject("buyer"), "name") : std::string());
    ctx->set("printed_at", records::utc_to_jst_display(records::audit_now()));
    if (versions.back().version != a.version) ctx->set("newer_version", versions.back().version);

    Array::Ptr confirmed = new Array, missing = new Array;
    bool paper = false;
    records::EvidenceStore evidence(db);
    for (const char* side : {"buyer", "supplier"}) {
      const records::ConfirmationRecord* found = nullptr;
      for (const auto& c : confs)
        if (c.version == a.version && c.side == side) found = &c;
      const std::string label = std::string(side) == "buyer" ? "発注者" : "受注者";
      if (!found) {
        auto m = obj();
        m->set("side_label", label);
        missing->add(m);
        continue;
      }
      auto c = obj();
      c->set("side_label", label);
      c->set("at", records::utc_to_jst_display(found->at));
      c->set("sha256", found->sha256);
      c->set("how", confirmation_method_words(found->method));
      const bool by_link = found->method.rfind("supplier-form", 0) == 0;
      if (std::string(side) == "supplier" && by_link) {
        const std::string name = supplier_given_name(found->actor, r->vendor_code);
        c->set("who", name.empty() ? std::string("（お名前の記入はありません）") : name);
      } else {
        c->set("who", found->actor);
      }
      if (found->method.rfind("paper-scan", 0) == 0) {
        paper = true;
        c->set("who_label", "記録した担当者");
        if (auto s = evidence.agreement_scan(number, a.version, false)) {
          c->set("scan_filename", s->filename);
          c->set("scan_sha256", s->sha256);
          c->set("scan_size", evidence::size_label(s->size));
        }
      } else {
        c->set("who_label", std::string(side) == "supplier" ? "ご担当者（入力されたお名前）" : "担当者");
      }
      confirmed->add(c);
    }
    ctx->set("confirmations", confirmed);
    ctx->set("missing", missing);
    ctx->set("has_missing", missing->size() > 0);
    ctx->set("agreed", missing->size() == 0);
    ctx->set("paper", paper);
    return ctx;
  });
}

std::optional<records::AgreementScan> AgreementCopy::download_scan(const std::string& number,
                                                                   std::optional<long long> version,
                                                                   const std::string& actor) {
  if (actor.empty()) throw Error(Code::invalid, "actor: the acting user is required");
  return svc_.with_db([&](store::Database& db) -> std::optional<records::AgreementScan> {
    store::WriteTransaction tx(db);
    records::RequestStore rs(db);
    auto r = rs.find(number);
    if (!r) throw Error(Code::notfound, "no request " + number);
    const auto versions = rs.agreements(number, false);
    const long long v = pick(versions, rs.confirmations(number), version, number).version;
    auto s = records::EvidenceStore(db).agreement_scan(number, v, true);
    if (!s) return std::nullopt;
    auto after = obj();
    after->set("version", v);
    after->set("scan_sha256", s->sha256);
    after->set("scan_filename", s->filename);
    records::AuditLog(db, svc_.principal())
        .append({actor, "agreement.scan_downloaded", number, r->vendor_code, std::nullopt, api::to_string(after)});
    tx.commit();
    return s;
  });
}

std::optional<Date> AgreementCopy::kept_until(const std::string& number) {
  auto r = svc_.with_db([&](store::Database& db) { return records::RequestStore(db).find(number); });
  if (!r || model::stored_state(r->state) != model::State::agreed) return std::nullopt;
  Date last;
  if (!parse_iso_date(r->last_step_at.substr(0, 10), last))
    throw std::runtime_error("request " + number + ": bad last_step_at");
  const int years = svc_.catalogs().policy.retention.agreements_years;
  Date until{last.year + years, last.month, last.day};
  if (!Date::valid(until.year, until.month, until.day)) until = {until.year, 2, 28};
  return until;
}

}  // namespace hoshi
