#include "http/supplier_standing.hpp"

#include <map>

#include "core/cost_share.hpp"
#include "core/secret.hpp"
#include "core/text.hpp"
#include "domain/request_input.hpp"
#include "domain/request_model.hpp"
#include "http/erp_request_form.hpp"
#include "http/http_error.hpp"
#include "http/supplier_form.hpp"
#include "service/json_args.hpp"
#include "service/request_common.hpp"
#include "service/requests.hpp"
#include "service/supplier_initiated.hpp"
#include "store/audit_log.hpp"
#include "store/request_store.hpp"
#include "store/supplier_links.hpp"

namespace hoshi::http {

using api::obj;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

constexpr int kRecordLinkDays = 180;

struct InputError {
  std::string ja;
};

std::string form_field(const std::map<std::string, std::string>& f, const std::string& k) {
  auto it = f.find(k);
  return it == f.end() ? std::string() : text::trim(it->second);
}

// "1,200,000", "1,200,000円", "１２０００００" → yen; empty → nullopt; else InputError naming the field.
std::optional<long long> yen_input(const std::map<std::string, std::string>& f, const std::string& key,
                                   const std::string& label) {
  std::string v = text::nfkc(form_field(f, key));
  std::string digits;
  for (std::size_t i = 0; i < v.size();) {
    const char c = v[i];
    if (c >= '0' && c <= '9') {
      digits += c;
      ++i;
    } else if (c == ',' || c == ' ') {
      ++i;
    } else if (v.compare(i, 3, "\xE5\x86\x86") == 0) {  // 円
      i += 3;
    } else if (c == '-') {
      throw InputError{label + "に負の金額は入力できません（0以上の金額を円でご記入ください）"};
    } else {
      throw InputError{label + "は数字で入力してください（例: 1,200,000）"};
    }
  }
  if (digits.empty()) return std::nullopt;
  if (digits.size() > 13) throw InputError{label + "が大きすぎます"};
  return std::stoll(digits);
}

// The helper's inputs as the supplier typed them, checked field by field (Japanese, naming
// the field); the result with the proposed amounts and the calculation.
struct Helper {
  cost_share::Input in;
  cost_share::Result result;
  std::string explanation;
};

Helper read_helper(const std::map<std::string, std::string>& f) {
  Helper h;
  h.in.material_initial = yen_input(f, "material_initial_cost", "初期費用のうち物件費");
  h.in.labor_initial = yen_input(f, "labor_initial_cost", "初期費用のうち人件費");
  h.in.initial = yen_input(f, "initial_cost", "初期費用（合計）");
  h.in.material_running = yen_input(f, "material_running_cost", "運用費用（年額）のうち物件費");
  h.in.labor_running = yen_input(f, "labor_running_cost", "運用費用（年額）のうち人件費");
  h.in.running = yen_input(f, "running_cost", "運用費用（年額・合計）");
  auto split_ok = [](const auto& m, const auto& l, const auto& t, const char* what) {
    if (t && (m || l) && *t != m.value_or(0) + l.value_or(0))
      throw InputError{std::string(what) + "（合計）が物件費と人件費の合計（" +
                       cost_share::yen_text(m.value_or(0) + l.value_or(0)) +
                       "）と一致しません。合計欄を空にするか、内訳と合わせてください"};
  };
  split_ok(h.in.material_initial, h.in.labor_initial, h.in.initial, "初期費用");
  split_ok(h.in.material_running, h.in.labor_running, h.in.running, "運用費用（年額）");
  if (!h.in.material_initial && !h.in.labor_initial && !h.in.initial && !h.in.material_running && !h.in.labor_running &&
      !h.in.running)
    throw InputError{"セキュリティ対策の費用（初期費用か運用費用の少なくとも一方）をご記入ください"};
  std::string why;
  const auto share = cost_share::parse_percent(form_field(f, "sales_share_percent"), why);
  if (!share) throw InputError{"貴社の売上に占める当社との取引の割合（%）" + why};
  h.in.share = *share;
  try {
    h.result = cost_share::compute(h.in);
  } catch (const Error&) {  // cost_share: Code::invalid
    throw InputError{"費用の内訳をご確認ください"};
  }
  h.explanation = form_field(f, "message");
  return h;
}

Object::Ptr step_body(const Helper& h) {
  auto b = obj();
  auto put = [&](const char* k, const std::optional<long long>& v) {
    if (v) b->set(k, *v);
  };
  put("material_initial_cost", h.in.material_initial);
  put("labor_initial_cost", h.in.labor_initial);
  put("material_running_cost", h.in.material_running);
  put("labor_running_cost", h.in.labor_running);
  put("initial_cost", h.result.initial);
  put("running_cost", h.result.running);
  b->set("sales_share_percent", cost_share::percent_text(h.in.share));
  put("buyer_amount", h.result.buyer_initial);
  put("buyer_running_amount", h.result.buyer_running);
  b->set("message", h.explanation);
  return b;
}

}  // namespace

void serve_supplier_standing(Exchange& ex, Service& svc, TemplateCache& templates, const std::string& secret,
                             const records::StandingLink& link, const std::string& token) {
  auto fail_page = [&](int status, const std::string& title, const std::string& detail) {
    auto ctx = obj();
    ctx->set("title", title);
    ctx->set("detail", detail);
    ex.send(status, "text/html; charset=utf-8", templates.render("supplier_message", ctx));
  };
  if (link.state != records::StandingLink::State::live)
    return fail_page(410, "このリンクは使えなくなりました",
                     link.state == records::StandingLink::State::expired
                         ? "有効期限が過ぎました。お手数ですが、発注者の担当者に新しいリンクをご依頼ください。"
                         : "発注者がこのリンクを取り消しました。発注書等に記載の最新のリンクをお使いいただくか、"
                           "発注者の担当者にお問い合わせください。");
  // the live computation is a script of our own (no inline script, no other origin)
  ex.set_header("Content-Security-Policy",
                "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; "
                "base-uri 'none'; frame-ancestors 'none'");
  std::string form_cookie = ex.cookie(SupplierForm::kCookie);
  if (form_cookie.size() != 43) {
    form_cookie = random_token(32);
    ex.set_header("Set-Cookie", std::string(SupplierForm::kCookie) + "=" + form_cookie +
                                    "; Path=/s/; HttpOnly; SameSite=Strict" + ex.cookie_secure());
  }
  const std::string csrf = hmac_sha256(secret, form_cookie + "\nstanding:" + link.token_id);
  const std::string base = "/s/" + token;
  const std::string vendor = link.vendor_code;
  const auto& segs = ex.segments();
  ScopedPrincipal as("standing-link:" + link.token_id);

  std::string error;
  std::map<std::string, std::string> posted;
  std::optional<Helper> preview;
  if (segs.size() == 3) {
    const std::string action = segs[2];
    if (action != "negotiate" && action != "open")
      return fail_page(404, "ページが見つかりません", "リンクをご確認ください。");
    if (ex.method() != "POST") {
      ex.set_header("Allow", "POST");
      throw HttpError(405, "Method Not Allowed", "send the form with POST");
    }
    if (ex.header("Content-Type").rfind("application/x-www-form-urlencoded", 0) != 0)
      throw HttpError(415, "Unsupported Media Type", "send the form as application/x-www-form-urlencoded");
    for (auto& [k, v] : parse_form_fields(ex.body(SupplierForm::kMaxForm)))
      if (!posted.emplace(k, v).second)
        return fail_page(400, "送信内容を確認してください",
                         "同じ項目（" + std::string(text::utf8_prefix(k, 40)) +
                             "）が二度送られました。ページを開き直して、もう一度送信してください。");
    if (!constant_time_equal(form_field(posted, "csrf"), csrf) || ex.cookie(SupplierForm::kCookie).empty())
      return fail_page(
          403, "送信を受け付けられませんでした",
          "ページの有効期間が切れたか、別の画面から送信されました。ページを開き直して、もう一度送信してください。");
    const std::string who = text::trim(text::strip_hidden(form_field(posted, "name")));
    const std::string actor = "supplier:" + vendor + (who.empty() ? "" : " " + who);
    try {
      if (who.size() > 200) throw InputError{"お名前が長すぎます"};
      std::string number;
      if (action == "open") {
        // only this supplier's own open records: another's number is refused, nothing made
        number = form_field(posted, "number");
        auto r = svc.with_repos<records::RequestStore>([&](records::RequestStore& rs) { return rs.find(number); });
        if (!r || r->vendor_code != vendor)
          throw InputError{"指定された番号（" + std::string(text::utf8_prefix(number, 40)) +
                           "）は、このリンクの取引先（貴社）の依頼・協議ではありません"};
        if (!model::is_open(model::stored_state(r->state)))
          throw InputError{"番号 " + number + " は終了しているため、ここからは開けません"};
      } else {
        Helper h = read_helper(posted);
        if (form_field(posted, "do") != "send") {
          preview = h;  // computed and shown, nothing written
        } else {
          if (text::readable_length(h.explanation) < 10)
            throw InputError{"申入れの説明（費用の内容や算定の考え方）を、10文字以上の文章でご記入ください"};
          try {
            number = InitiatedService(svc).open(vendor, step_body(h), actor);
          } catch (const StateConflict& e) {
            throw InputError{e.what()};
          } catch (const Error& e) {
            if (http_error(e).status >= 500) throw;
            throw InputError{std::string("内容を記録できませんでした（") + e.what() + "）"};
          }
        }
      }
      if (!number.empty()) {
        // the record's own page, where the thread, the buyer's answer and the agreement are
        const std::string t = svc.with_repos<records::SupplierLinks>(
            [&](records::SupplierLinks& links) { return links.create(number, kRecordLinkDays, actor); });
        ex.set_header("Location", "/s/" + t + (action == "negotiate" ? "?done=initiated" : ""));
        return ex.send(303, "text/plain; charset=utf-8", "");
      }
    } catch (const InputError& e) {
      error = e.ja;
    }
  } else if (segs.size() != 2) {
    return fail_page(404, "ページが見つかりません", "リンクをご確認ください。");
  } else if (ex.method() != "GET" && ex.method() != "HEAD") {
    ex.set_header("Allow", "GET, HEAD");
    throw HttpError(405, "Method Not Allowed", "open the page with GET");
  }

  auto ctx = obj();
  ctx->set("buyer", detail::buyer_json(svc.catalogs().policy.buyer));
  auto [name, mine] = svc.with_repos<store::SupplierRepository, records::RequestStore>(
      [&](store::SupplierRepository& suppliers, records::RequestStore& rs) {
        return std::make_pair(suppliers.name_of(vendor).value_or(vendor), rs.for_supplier(vendor));
      });
  ctx->set("supplier_name", name);
  Array::Ptr open = new Array;
  for (const auto& r : mine) {
    if (!model::is_open(model::stored_state(r.state))) continue;
    auto o = obj();
    o->set("number", r.number);
    o->set("kind", model::label_ja(model::stored_origin(r.origin)));
    o->set("state", model::label_ja(model::stored_state(r.state)));
    o->set("level", r.level.empty() ? Poco::Dynamic::Var(false) : Poco::Dynamic::Var(records::level_label(r.level)));
    o->set("since", r.created_at.substr(0, 10));
    open->add(o);
  }
  ctx->set("open_records", open);
  ctx->set("has_open_records", open->size() > 0);
  for (const char* k : {"material_initial_cost", "labor_initial_cost", "initial_cost", "material_running_cost",
                        "labor_running_cost", "running_cost", "sales_share_percent", "message", "name"})
    ctx->set(std::string("v_") + k, form_field(posted, k));
  if (preview) {
    auto p = obj();
    p->set("calculation", preview->result.calculation);
    if (preview->result.buyer_initial) p->set("buyer_amount", cost_share::yen_text(*preview->result.buyer_initial));
    if (preview->result.buyer_running)
      p->set("buyer_running_amount", cost_share::yen_text(*preview->result.buyer_running));
    ctx->set("preview", p);
  }
  ctx->set("csrf", csrf);
  ctx->set("base", base);
  if (!error.empty()) ctx->set("error", error);
  ex.send(error.empty() ? 200 : 400, "text/html; charset=utf-8", templates.render("supplier_standing", ctx));
}

}  // namespace hoshi::http
