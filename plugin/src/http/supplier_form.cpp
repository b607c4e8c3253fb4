#include "http/supplier_form.hpp"

#include <algorithm>

#include "http/http_error.hpp"
#include "http/step_view.hpp"

#include <Poco/JSON/Parser.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <tuple>

#include "api/json_api.hpp"
#include "core/date.hpp"
#include "core/secret.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"
#include "domain/request_model.hpp"
#include "http/erp_request_form.hpp"
#include "http/supplier_agreement.hpp"
#include "http/supplier_briefing.hpp"
#include "http/supplier_standing.hpp"
#include "http/supplier_uploads.hpp"
#include "service/agreement_code.hpp"
#include "service/json_args.hpp"
#include "service/letters.hpp"
#include "service/requests.hpp"
#include "service/supplier_evidence.hpp"
#include "store/agreement_codes.hpp"
#include "store/audit_log.hpp"
#include "store/briefing_links.hpp"
#include "store/staff_link.hpp"
#include "store/standing_links.hpp"
#include "store/supplier_links.hpp"

namespace hoshi::http {

using api::obj;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

// "1,200,000円", "１２００００" → 1200000; empty → nullopt; anything else → HttpError naming the field.
std::optional<long long> yen_field(const std::map<std::string, std::string>& f, const std::string& key,
                                   const std::string& label) {
  auto it = f.find(key);
  if (it == f.end()) return std::nullopt;
  std::string digits;
  const std::string& v = it->second;
  for (std::size_t i = 0; i < v.size();) {
    const unsigned char c = static_cast<unsigned char>(v[i]);
    if (c >= '0' && c <= '9') {
      digits += v[i++];
    } else if (c == ',' || c == ' ') {
      ++i;
    } else if (v.compare(i, 3, "\xEF\xBC\x8C") == 0 || v.compare(i, 3, "\xE5\x86\x86") == 0) {  // ，円
      i += 3;
    } else if (c == 0xEF && i + 2 < v.size() && static_cast<unsigned char>(v[i + 1]) == 0xBC &&
               static_cast<unsigned char>(v[i + 2]) >= 0x90 && static_cast<unsigned char>(v[i + 2]) <= 0x99) {
      digits += static_cast<char>('0' + (static_cast<unsigned char>(v[i + 2]) - 0x90));  // ０-９
      i += 3;
    } else {
      throw HttpError(400, "Bad Request", label + "は数字で入力してください（例: 1,200,000）");
    }
  }
  if (digits.empty()) return std::nullopt;
  if (digits.size() > 13) throw HttpError(400, "Bad Request", label + "が大きすぎます");
  return std::stoll(digits);
}

std::string field(const std::map<std::string, std::string>& f, const std::string& key) {
  auto it = f.find(key);
  return it == f.end() ? std::string() : text::trim(it->second);
}

// A select's value: nothing chosen, or one of those the page offers; else 400 in Japanese.
void offered_only(const std::map<std::string, std::string>& f, const std::string& key, const std::string& label,
                  const std::vector<std::string>& offered) {
  const std::string v = field(f, key);
  if (!v.empty() && std::find(offered.begin(), offered.end(), v) == offered.end())
    throw HttpError(400, "Bad Request", label + "は画面の選択肢からお選びください");
}

const char* done_message(const std::string& done) {
  if (done == "answer") return "回答を送信しました。発注者に記録されました。";
  if (done == "estimate") return "見積りを送信しました。";
  if (done == "initiated")
    return "価格協議の申入れを送信しました。発注者に記録されました。"
           "発注者の回答はこのページに表示されます（このページのアドレスを控えておいてください）。";
  if (done == "counter") return "対案を送信しました。";
  if (done == "status") return "対策の状況を更新しました。";
  if (done == "confirm") return "合意書を確認しました。";
  if (done == "confirm-code")
    return "確認コードを、発注者に登録されている貴社のメールアドレスにお送りしました。メールに記載の6桁のコードを入力し"
           "て"
           "ください（有効期限15分）。";
  if (done == "evidence") return "証跡ファイルを受け取りました。";
  if (done == "self-check") return "自己点検の結果を記録しました。";
  if (done == "withdraw") return "ファイルを取り下げました。";
  return nullptr;
}
}  // namespace

SupplierForm::SupplierForm(Service& svc, FailureLimiter& guesses, const std::string& templates_dir)
    : svc_(svc), guesses_(guesses), templates_(templates_dir + "/web") {
  guesses_.attach(svc, "link");
}

const std::string& SupplierForm::secret() {
  std::lock_guard lock(mutex_);
  if (secret_.empty())
    secret_ = svc_.with_repos<records::ServerSecrets>([](records::ServerSecrets& s) { return s.get("supplier-form"); });
  return secret_;
}

void SupplierForm::error_page(Exchange& ex, const HttpError& e) {
  if (ex.sent()) return;
  std::string title = "送信を受け付けられませんでした", detail;
  switch (e.status) {
    case 404:
      title = "ページが見つかりません";
      detail = "リンクをご確認ください。";
      break;
    case 405:
      detail = "ページを開き直して、画面のボタンから送信してください。";
      break;
    case 413:
      detail = "送信された内容が大きすぎます。文章を短くするか、ファイルを分けてお送りください。";
      break;
    case 415:
      detail = "画面のフォームからお送りください。";
      break;
    case 503:
      title = "ただいま混み合っています";
      detail = "少し時間をおいて、もう一度お試しください。";
      break;
    default:
      if (e.status >= 500) {
        title = "エラーが発生しました";
        detail = "お手数ですが、時間をおいてもう一度お試しいただくか、発注者の担当者にお知らせください。";
      } else {
        detail = "入力内容をご確認のうえ、ページを開き直してもう一度お送りください。";
      }
  }
  const std::string what = e.what();
  const bool japanese =
      std::any_of(what.begin(), what.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
  if (japanese && e.status < 500) detail = what;
  if (e.extra && e.extra->has("retry_after")) ex.set_header("Retry-After", e.extra->get("retry_after").toString());
  ex.set_header("Content-Security-Policy", "default-src 'none'; style-src 'self'; frame-ancestors 'none'");
  ex.set_header("Cache-Control", "no-store");
  auto ctx = obj();
  ctx->set("title", title);
  ctx->set("detail", detail);
  ex.send(e.status, "text/html; charset=utf-8", templates_.render("supplier_message", ctx));
}

void SupplierForm::handle(Exchange& ex) {
  ex.set_header("Content-Security-Policy",
                "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
                "frame-ancestors 'none'");
  ex.set_header("Cache-Control", "no-store");
  const auto& segs = ex.segments();
  auto fail_page = [&](int status, const std::string& title, const std::string& detail) {
    auto ctx = obj();
    ctx->set("title", title);
    ctx->set("detail", detail);
    ex.send(status, "text/html; charset=utf-8", templates_.render("supplier_message", ctx));
  };
  const std::string address = ex.client_address();
  // a link that exists is served even to an address past its allowance of bad ones (behind
  // a proxy every supplier shares one address: a guesser must not lock them all out); the
  // allowance slows guessing, which a 256-bit token makes hopeless anyway
  auto blocked = [&] {
    const long wait = guesses_.blocked_for(address);
    if (wait > 0) {
      ex.set_header("Retry-After", std::to_string(wait));
      fail_page(429, "しばらくお待ちください",
                "誤ったリンクが続いたため、一時的に受付を止めています。" + std::to_string(wait) +
                    " 秒後にもう一度お試しください。");
    }
    return wait > 0;
  };
  if (segs.size() < 2 || segs.size() > 3) {
    if (blocked()) return;
    return fail_page(404, "ページが見つかりません", "リンクをご確認ください。");
  }
  const std::string token = segs[1];
  auto link = svc_.with_repos<records::SupplierLinks>([&](records::SupplierLinks& l) { return l.find(token); });
  if (!link)  // a briefing invitation's link: the briefing page (supplier_briefing.hpp)
    if (auto b = svc_.with_repos<records::BriefingLinks>([&](records::BriefingLinks& l) { return l.find(token); }))
      return serve_supplier_briefing(ex, svc_, templates_, secret(), *b, token);
  if (!link)  // the supplier's standing link: its page without a request (supplier_standing.hpp)
    if (auto st = svc_.with_repos<records::StandingLinks>([&](records::StandingLinks& l) { return l.find(token); }))
      return serve_supplier_standing(ex, svc_, templates_, secret(), *st, token);
  if (!link && blocked()) return;
  if (!link) {
    guesses_.failed(address);
    return fail_page(404, "ページが見つかりません",
                     "リンクが正しくないか、存在しません。メールに記載のリンクをそのままお使いください。");
  }
  if (link->state == records::SupplierLink::State::expired &&
      serve_kept_agreement(ex, svc_, *link, "/s/" + token, render_page(templates_), fail_page))
    return;  // past its answering validity, the link of an agreed request still opens the agreement (read-only)
  if (link->state != records::SupplierLink::State::live)
    return fail_page(410, "このリンクは使えなくなりました",
                     link->state == records::SupplierLink::State::expired
                         ? "有効期限が過ぎました。お手数ですが、発注者の担当者に新しいリンクをご依頼ください。"
                         : "発注者がこのリンクを取り消しました。発注者の担当者にお問い合わせください。");

  // CSRF: a random SameSite=Strict cookie, and a form token bound to it and to this link.
  std::string form_cookie = ex.cookie(kCookie);
  if (form_cookie.size() != 43) {
    form_cookie = random_token(32);
    ex.set_header("Set-Cookie", std::string(kCookie) + "=" + form_cookie + "; Path=/s/; HttpOnly; SameSite=Strict" +
                                    ex.cookie_secure());
  }
  const std::string csrf = hmac_sha256(secret(), form_cookie + "\n" + link->token_id);
  const std::string base = "/s/" + token;
  const std::string vendor = link->vendor_code, number = link->number;
  ScopedPrincipal as("supplier-link:" + link->token_id);

  auto run = [&](Object::Ptr op) {
    return Poco::JSON::Parser().parse(api::handle(svc_, api::to_string(op))).extract<Object::Ptr>();
  };

  if (segs.size() == 3 && (segs[2] == "agreement.txt" || segs[2] == "agreement.html") &&
      (ex.method() == "GET" || ex.method() == "HEAD"))
    return send_agreement_download(ex, svc_, number, segs[2], render_page(templates_), fail_page);

  std::string error;
  int error_status = 400;
  FormFields posted;
  if (segs.size() == 3) {
    if (ex.method() != "POST") {
      ex.set_header("Allow", "POST");
      throw HttpError(405, "Method Not Allowed", "send the form with POST");
    }
    const std::string action = segs[2];
    auto csrf_ok = [&](const std::string& presented) {
      return constant_time_equal(presented, csrf) && !ex.cookie(kCookie).empty();
    };
    // the evidence upload is multipart and may be large (supplier_uploads.hpp); every
    // other form is a small urlencoded one
    EvidenceForm upload;
    std::optional<EvidenceRefused> refused;  // no room for even one more file: the body is not read
    if (action == "evidence") {
      const EvidencePolicy& limits = svc_.catalogs().policy.evidence;
      try {
        SupplierEvidence(svc_).check_room(number, link->token_id);
      } catch (const EvidenceRefused& e) {
        drop_upload_body(ex, limits);
        refused = e;
      }
      try {
        if (!refused) upload = read_evidence_form(ex, csrf_ok, limits);
      } catch (const HttpError& e) {
        if (e.status != 413) throw;
        return fail_page(
            413, "ファイルが大きすぎます",
            std::string(e.what()) + "何も保存していません。ファイルを小さくするか、分けてお送りください。");
      }
      posted = std::move(upload.fields);
    } else {
      const std::string ctype = ex.header("Content-Type");
      if (ctype.rfind("application/x-www-form-urlencoded", 0) != 0)
        throw HttpError(415, "Unsupported Media Type", "send the form as application/x-www-form-urlencoded");
      posted = parse_form_fields(ex.body(kMaxForm));
    }
    // every field of the supplier's forms is single: one sent twice is refused, never
    // settled by first or last wins
    std::map<std::string, std::string> f;
    for (const auto& [k, v] : posted)
      if (!f.emplace(k, v).second)
        return fail_page(400, "送信内容を確認してください",
                         "同じ項目（" + std::string(text::utf8_prefix(k, 40)) +
                             "）が二度送られました。ページを開き直して、もう一度送信してください。");
    if (!refused && (upload.stopped_before_files || !csrf_ok(field(f, "csrf"))))
      return fail_page(
          403, "送信を受け付けられませんでした",
          "ページの有効期間が切れたか、別の画面から送信されました。ページを開き直して、もう一度送信してください。");
    const std::string who = text::trim(text::strip_hidden(field(f, "name")));  // no bidi tricks in the actor
    if (who.size() > 200) throw HttpError(400, "Bad Request", "お名前が長すぎます");
    const std::string actor = "supplier:" + vendor + (who.empty() ? "" : " " + who);
    auto step = [&](const std::string& kind, Object::Ptr body) {
      auto op = obj();
      op->set("op", "negotiate");
      op->set("actor", actor);
      op->set("number", number);
      body->set("side", "supplier");
      body->set("kind", kind);
      op->set("step", body);
      run(op);
    };
    try {
      if (refused) throw *refused;
      if (action == "answer") {
        const std::string choice = field(f, "choice"), message = field(f, "message"), reason = field(f, "reason");
        auto b = obj();
        if (choice == "accept" || choice == "plan") {
          std::string m = choice == "accept" ? "要請に対応します。" : "対応を計画しています。";
          if (choice == "plan" && !field(f, "plan_date").empty()) {
            Date planned;
            std::string why;
            if (!parse_date(field(f, "plan_date"), planned, why))
              throw HttpError(400, "Bad Request", "完了予定日を読み取れません（例：2027-03-31）");
            if (planned < svc_.today())
              throw HttpError(400, "Bad Request", "完了予定日には今日以降の日付をご記入ください");
            m += "（完了予定: " + planned.iso() + "）";
          }
          if (!message.empty()) m += "\n" + message;
          b->set("message", m);
          step("acknowledge", b);
        } else if (choice == "negotiate") {
          if (text::visible_length(message) == 0) throw HttpError(400, "Bad Request", "協議したい内容をご記入ください");
          b->set("message", message);
          step("negotiation_request", b);
        } else if (choice == "decline") {
          if (text::visible_length(reason) == 0) throw HttpError(400, "Bad Request", "お断りの理由をご記入ください");
          b->set("reason", reason);
          if (!message.empty()) b->set("message", message);
          step("decline", b);
        } else {
          throw HttpError(400, "Bad Request", "回答を選んでください");
        }
      } else if (action == "estimate") {
        auto b = obj();
        // 物件費 and 人件費 (initial and running), or the totals alone; the service sums the parts
        // and refuses a total that is not their sum
        for (const auto& [key, label] :
             {std::pair<const char*, const char*>{"material_initial_cost", "初期費用のうち物件費"},
              {"labor_initial_cost", "初期費用のうち人件費"},
              {"initial_cost", "初期費用（合計）"},
              {"material_running_cost", "運用費用（年額）のうち物件費"},
              {"labor_running_cost", "運用費用（年額）のうち人件費"},
              {"running_cost", "運用費用（年額・合計）"}}) {
          if (field(f, key).find('-') != std::string::npos)
            throw HttpError(400, "Bad Request", std::string(label) + "に負の金額は入力できません");
          if (auto v = yen_field(f, key, label)) b->set(key, *v);
        }
        for (const auto& [total, m, l, label] :
             {std::tuple<const char*, const char*, const char*, const char*>{"initial_cost", "material_initial_cost",
                                                                             "labor_initial_cost", "初期費用"},
              {"running_cost", "material_running_cost", "labor_running_cost", "運用費用（年額）"}})
          if (b->has(total) && (b->has(m) || b->has(l)) &&
              b->getValue<long long>(total) !=
                  (b->has(m) ? b->getValue<long long>(m) : 0) + (b->has(l) ? b->getValue<long long>(l) : 0))
            throw HttpError(400, "Bad Request",
                            std::string(label) +
                                "（合計）が物件費と人件費の合計と一致しません。合計欄を空にするか、"
                                "内訳と合わせてください");
        if (!field(f, "basis").empty()) b->set("basis", field(f, "basis"));
        if (!field(f, "message").empty()) b->set("message", field(f, "message"));
        if (b->size() == (b->has("basis") ? 1u : 0u) + (b->has("message") ? 1u : 0u))
          throw HttpError(400, "Bad Request", "初期費用か運用費用（物件費・人件費の内訳でも可）をご記入ください");
        step("estimate", b);
      } else if (action == "counter") {
        auto b = obj();
        if (auto v = yen_field(f, "buyer_amount", "発注者に負担を求める金額")) b->set("buyer_amount", *v);
        if (auto v = yen_field(f, "share_percent", "発注者の負担割合")) {
          if (*v > 100) throw HttpError(400, "Bad Request", "発注者の負担割合は0〜100%でご記入ください");
          b->set("share_percent", *v);
        }
        if (!field(f, "message").empty()) b->set("message", field(f, "message"));
        step("counter_proposal", b);
      } else if (action == "confirm") {
        if (field(f, "read") != "yes")
          throw HttpError(400, "Bad Request", "合意書の内容を確認したら、チェックを入れてください");
        // the supplier's own link is the one way (besides a paper scan) to confirm its side
        const std::string sha = field(f, "sha256");
        if (!is_sha256_hex(sha)) throw HttpError(400, "Bad Request", "ページを開き直して、もう一度確認してください");
        AgreementCodeService codes(svc_);
        if (!codes.required()) {
          RequestService(svc_).confirm(number, "supplier", sha, actor, RequestService::kSupplierLinkMethod);
        } else {  // the code mailed to the registered address first (policy agreement.one_time_code)
          RequestService rs(svc_);
          long long version = 0;
          try {
            version = rs.agreement(number, std::nullopt).version;
          } catch (const Error& e) {
            if (e.code != Code::notfound) throw;
            throw StateConflict("この依頼の合意書はまだ作成されていません。");
          }
          const long long code_id = codes.check(number, version, link->token_id, field(f, "code"));
          rs.confirm(
              number, "supplier", sha, actor, RequestService::kSupplierLinkCodeMethod, nullptr,
              [&](records::AgreementCodes& once) {
                if (!once.use(code_id, records::audit_now()))
                  throw StateConflict("この確認コードは使用済みです。もう一度「確認コードを送る」を押してください。");
              });
        }
      } else if (action == "confirm-code") {
        AgreementCodeService(svc_).send(number, link->token_id, actor);
      } else if (action == "status") {
        // each select accepts only what it offers (a hand-made scs_level=★5 is refused)
        std::vector<std::string> services = {"なし"};
        for (const auto& s : svc_.catalogs().otasuketai.services) services.push_back(s.name);
        offered_only(f, "sa_level", "SECURITY ACTION", {"なし", "★", "★★"});
        offered_only(f, "ota_service", "お助け隊サービス", services);
        offered_only(f, "scs_level", "SCS評価制度", {"なし", "★3", "★4"});
        auto op = obj();
        op->set("op", "update_status");
        op->set("vendor_code", vendor);
        op->set("actor", actor);
        op->set("source", "supplier-form:" + number);
        auto sa = obj(), ota = obj(), scs = obj(), eq = obj();
        if (!field(f, "sa_level").empty()) sa->set("level", field(f, "sa_level"));
        if (!field(f, "sa_declared_on").empty()) sa->set("declared_on", field(f, "sa_declared_on"));
        if (!field(f, "ota_service").empty()) ota->set("service", field(f, "ota_service"));
        if (!field(f, "ota_end").empty()) ota->set("end", field(f, "ota_end"));
        // 同等のサービス: the supplier's own arrangement, counted like お助け隊 by the buyer's interim rule
        if (!field(f, "equiv_service").empty()) eq->set("description", field(f, "equiv_service"));
        if (!field(f, "equiv_until").empty()) eq->set("until", field(f, "equiv_until"));
        if (!field(f, "scs_level").empty()) scs->set("level", field(f, "scs_level"));
        if (!field(f, "scs_valid_until").empty()) scs->set("valid_until", field(f, "scs_valid_until"));
        if (!field(f, "scs_evidence").empty()) scs->set("evidence", field(f, "scs_evidence"));
        if (sa->size() > 0) op->set("sa", sa);
        if (ota->size() > 0) op->set("otasuketai", ota);
        if (scs->size() > 0) op->set("scs", scs);
        if (eq->size() > 0) op->set("equivalent", eq);
        if (sa->size() + ota->size() + scs->size() + eq->size() == 0)
          throw HttpError(400, "Bad Request", "更新する項目をご記入ください");
        run(op);
      } else if (action == "evidence") {
        SupplierEvidence(svc_).upload(number, field(f, "topic"), upload.files, who, actor, link->token_id);
      } else if (action == "withdraw") {
        const std::string id = field(f, "file");
        if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos)
          throw HttpError(400, "Bad Request", "取り下げるファイルを選んでください");
        SupplierEvidence(svc_).withdraw(number, std::stoll(id), actor, link->token_id);
      } else if (action == "self-check") {
        SupplierEvidence(svc_).record_self_check(number, self_check_answers(posted), actor);
      } else {
        return fail_page(404, "ページが見つかりません", "リンクをご確認ください。");
      }
      ex.set_header("Location", base + "?done=" + action);
      return ex.send(303, "text/plain; charset=utf-8", "");
    } catch (const HttpError& e) {
      if (e.status != 400) throw;
      error = e.what();
    } catch (const EvidenceRefused& e) {
      using Kind = EvidenceRefused::Kind;
      if (e.kind == Kind::rate_limited) {
        ex.set_header("Retry-After", std::to_string(e.retry_after_seconds));
        return fail_page(429, "しばらくお待ちください", std::string(e.what()) + "。何も保存していません。");
      }
      if (e.kind == Kind::file_too_large)
        return fail_page(413, "ファイルが大きすぎます", std::string(e.what()) + "。何も保存していません。");
      error = e.what();
      if (e.kind != Kind::bad_file) error += "。何も保存していません";
      error_status = e.http_status();
    } catch (const Error& e) {  // the op's, the self-check's and the upload's own checks, a state conflict
      if (http_error(e).status >= 500) throw;
      error = e.what();
    }
  } else if (ex.method() != "GET" && ex.method() != "HEAD") {
    ex.set_header("Allow", "GET, HEAD");
    throw HttpError(405, "Method Not Allowed", "open the page with GET");
  }

  // the page: the request, where it stands, the thread, the forms
  RequestService rs(svc_);
  auto ctx = rs.letter_context(number);
  auto detail = rs.show(number);
  auto status_op = obj();
  status_op->set("op", "status");
  status_op->set("vendor_code", vendor);
  ctx->set("status", run(status_op));
  ctx->set("state", detail->getValue<std::string>("state"));
  const std::string state = detail->getValue<std::string>("state");
  ctx->set("open", !is_final_request_state(state));
  // a negotiation the supplier started itself (想定事例 (4)): no request, letter or deadline to show
  const bool initiated = detail->getObject("request")->optValue<std::string>("origin", "buyer") == "supplier";
  ctx->set("initiated", initiated);
  ctx->set("origin_label", std::string(model::label_ja(initiated ? model::Origin::supplier : model::Origin::buyer)));
  Array::Ptr steps = detail->getArray("steps");
  Array::Ptr thread = new Array;
  for (std::size_t i = 0; i < steps->size(); ++i) {
    auto t = step_view(steps->getObject(static_cast<unsigned>(i)));
    t->set("side_label", t->getValue<std::string>("side") == "buyer" ? "発注者" : "貴社");
    thread->add(t);
  }
  ctx->set("thread", thread);
  ctx->set("has_thread", thread->size() > 0);
  Array::Ptr agreements = detail->getArray("agreements");
  if (agreements && agreements->size() > 0) {
    auto latest = agreements->getObject(static_cast<unsigned>(agreements->size() - 1));
    auto a = obj();
    a->set("version", latest->getValue<long long>("version"));
    a->set("sha256", latest->getValue<std::string>("sha256"));
    a->set("document", rs.agreement(number, latest->getValue<long long>("version")).document);
    bool supplier_done = false, buyer_done = false;
    auto confs = latest->getArray("confirmations");
    for (std::size_t i = 0; i < confs->size(); ++i) {
      const std::string side = confs->getObject(static_cast<unsigned>(i))->getValue<std::string>("side");
      supplier_done = supplier_done || side == "supplier";
      buyer_done = buyer_done || side == "buyer";
    }
    a->set("supplier_confirmed", supplier_done);
    a->set("one_time_code", AgreementCodeService(svc_).required());
    a->set("buyer_confirmed", buyer_done);
    ctx->set("agreement", a);
  }
  Array::Ptr services = new Array;
  for (const auto& s : svc_.catalogs().otasuketai.services) {
    auto o = obj();
    o->set("name", s.name);
    services->add(o);
  }
  ctx->set("ota_services", services);
  ctx->set("csrf", csrf);
  ctx->set("base", base);
  if (!error.empty()) ctx->set("error", error);
  if (auto d = ex.query("done")) {
    if (const char* m = done_message(*d)) ctx->set("done", std::string(m));
  }
  add_supplier_uploads_context(ctx, svc_, number, vendor,
                               !error.empty() && segs.size() == 3 && segs[2] == "self-check" ? &posted : nullptr);
  ex.send(error.empty() ? 200 : error_status, "text/html; charset=utf-8", templates_.render("supplier_form", ctx));
}

}  // namespace hoshi::http
