#include "http/erp_routes.hpp"

#include "http/erp_briefing.hpp"
#include "http/erp_campaigns.hpp"
#include "http/erp_negotiation.hpp"
#include "http/erp_request_form.hpp"
#include "http/erp_screen_parts.hpp"
#include "http/evidence_download.hpp"
#include "http/http_error.hpp"
#include "http/supplier_agreement.hpp"
#include "service/requests.hpp"
#include "store/purpose.hpp"
#include "store/staff_link.hpp"

namespace hoshi::http {

namespace {
void html_headers(Exchange& ex, const ErpContext& ctx) {
  // no inline script or style anywhere; assets only from this server
  ex.set_header("Content-Security-Policy",
                "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
                "frame-ancestors " +
                    ctx.frame_ancestors);
  ex.set_header("Cache-Control", "no-store");
}
// A staff form's fields, once its type, size and CSRF token are checked.
FormFields read_form(Exchange& ex, ErpContext& ctx, const Caller& caller) {
  if (ex.header("Content-Type").rfind("application/x-www-form-urlencoded", 0) != 0)
    throw HttpError(415, "Unsupported Media Type", "send the form as application/x-www-form-urlencoded");
  FormFields fields = parse_form_fields(ex.body(64 * 1024));
  std::string presented;
  for (const auto& [k, v] : fields)
    if (k == "csrf") presented = v;
  ctx.auth.check_csrf(caller, presented);
  return fields;
}
// POST /erp/logout: ends the session everywhere, then the signed-out page (which needs no
// session: it is where the browser lands once the cookie is gone).
void logout(Exchange& ex, ErpContext& ctx, const ScreenRequest& r) {
  if (ex.method() != "POST") {
    ex.set_header("Allow", "POST");
    throw HttpError(405, "Method Not Allowed", "sign out with the button on the screen (POST)");
  }
  if (ex.header("Content-Type").rfind("application/x-www-form-urlencoded", 0) != 0)
    throw HttpError(415, "Unsupported Media Type", "send the form as application/x-www-form-urlencoded");
  std::string presented;
  for (const auto& [k, v] : parse_form_fields(ex.body(64 * 1024)))
    if (k == "csrf") presented = v;
  ctx.auth.logout(ex, presented, std::string("/erp/signed-out") + (r.lang == "ja" ? "" : "?lang=" + r.lang));
}

long long campaign_id_segment(const std::string& s) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
    throw HttpError(404, "Not Found", "no such campaign");
  return std::stoll(s);
}

// POST /erp/campaigns/{id}/attendance (urlencoded) and …/materials (multipart): the
// briefing's answers and materials (erp_briefing.hpp); a refusal shows the campaign again.
void briefing_post(Exchange& ex, ErpContext& ctx, ScreenRequest& r, long long id) {
  try {
    if (r.segments[2] == "attendance") {
      record_attendance_from_form(ctx.screens, r.caller, id, read_form(ex, ctx, r.caller));
    } else {
      upload_materials_from_form(ex, ctx.screens, r.caller, id, [&](const std::string& presented) {
        try {
          ctx.auth.check_csrf(r.caller, presented);
          return true;
        } catch (const HttpError&) {
          return false;
        }
      });
    }
  } catch (const HttpError& e) {
    if (e.status != 400 && e.status != 413) throw;
    r.error = e.what();
    return ex.send(e.status, "text/html; charset=utf-8", campaign_screen(ctx.screens, r, id));
  }
  ex.set_header("Location", "/erp/campaigns/" + std::to_string(id) + screen_parts::screen_query(r));
  ex.send(303, "text/plain; charset=utf-8", "");
}

// /erp/campaigns, /erp/campaigns/{id}, POST /erp/campaigns (a draft), POST …/{id}/send.
void handle_campaigns(Exchange& ex, ErpContext& ctx, ScreenRequest& r) {
  const std::size_t n = r.segments.size();
  if (ex.method() == "POST") {
    r.caller = ctx.auth.require(ex, records::Role::buyer);
    r.csrf = ctx.auth.csrf_token(r.caller);
    if (n == 3 && (r.segments[2] == "attendance" || r.segments[2] == "materials"))
      return briefing_post(ex, ctx, r, campaign_id_segment(r.segments[1]));
    const FormFields fields = read_form(ex, ctx, r.caller);
    std::string to;
    if (n == 1) {
      try {
        to = "/erp/campaigns/" + std::to_string(create_campaign_from_form(ctx.screens, r.caller, fields));
      } catch (const HttpError& e) {
        if (e.status != 400) throw;
        r.error = e.what();
        return ex.send(400, "text/html; charset=utf-8", campaigns_screen(ctx.screens, r));
      }
    } else if (n == 3 && r.segments[2] == "send") {
      const long long id = campaign_id_segment(r.segments[1]);
      queue_campaign(ctx.screens, r.caller, id);
      to = "/erp/campaigns/" + std::to_string(id);
    } else {
      throw HttpError(404, "Not Found", "no such screen");
    }
    ex.set_header("Location", to + screen_parts::screen_query(r));
    return ex.send(303, "text/plain; charset=utf-8", "");
  }
  if (ex.method() != "GET" && ex.method() != "HEAD") {
    ex.set_header("Allow", "GET, HEAD, POST");
    throw HttpError(405, "Method Not Allowed", ex.method() + " is not allowed here");
  }
  r.caller = ctx.auth.require(ex, records::Role::viewer);
  r.csrf = ctx.auth.csrf_token(r.caller);
  if (n == 1) return ex.send(200, "text/html; charset=utf-8", campaigns_screen(ctx.screens, r));
  if (n == 4 && r.segments[2] == "materials") {  // a material shown at the briefing
    if (!send_material(ex, ctx.screens, r.caller, campaign_id_segment(r.segments[1]), r.segments[3]))
      throw HttpError(404, "Not Found", "no such material in this campaign");
    return;
  }
  if (n == 2)
    return ex.send(200, "text/html; charset=utf-8",
                   campaign_screen(ctx.screens, r, campaign_id_segment(r.segments[1])));
  throw HttpError(404, "Not Found", "no such screen");
}
}  // namespace

void handle_erp(Exchange& ex, ErpContext& ctx) {
  ScreenRequest r;
  r.segments.assign(ex.segments().begin() + 1, ex.segments().end());
  r.query = ex.query_params();
  html_headers(ex, ctx);
  try {
    ErpScreens::read_common(r);
    if (r.segments.size() == 1 && r.segments[0] == "login") {
      if (ex.method() != "GET") throw HttpError(405, "Method Not Allowed", "open the link with GET");
      return ctx.auth.login(ex);
    }
    if (r.segments.size() == 1 && r.segments[0] == "logout") return logout(ex, ctx, r);
    if (r.segments.size() == 1 && r.segments[0] == "signed-out") {
      if (ex.method() != "GET" && ex.method() != "HEAD") {
        ex.set_header("Allow", "GET, HEAD");
        throw HttpError(405, "Method Not Allowed", ex.method() + " is not allowed here");
      }
      const auto words = ctx.screens.base_context(r);
      return ex.send(200, "text/html; charset=utf-8",
                     ctx.screens.page(r, words->getObject("t")->getValue<std::string>("signed_out"),
                                      ctx.screens.render_template("signed_out", words)));
    }
    if (r.segments.size() == 2 && r.segments[0] == "requests" && r.segments[1] == "new") {
      r.caller = ctx.auth.require(ex, records::Role::buyer);
      const std::string csrf = r.csrf = ctx.auth.csrf_token(r.caller);
      if (ex.method() == "POST") {
        const FormFields fields = read_form(ex, ctx, r.caller);
        return ex.send(200, "text/html; charset=utf-8", request_form_screen(ctx.screens, r, &fields, csrf));
      }
      if (ex.method() != "GET" && ex.method() != "HEAD") {
        ex.set_header("Allow", "GET, HEAD, POST");
        throw HttpError(405, "Method Not Allowed", ex.method() + " is not allowed here");
      }
      return ex.send(200, "text/html; charset=utf-8", request_form_screen(ctx.screens, r, nullptr, csrf));
    }
    if (r.segments.size() == 3 && r.segments[0] == "suppliers" && ex.method() == "POST" &&
        (r.segments[2] == "standing-link" || r.segments[2] == "standing-link-revoke")) {
      // the supplier's standing link for its order documents (service/supplier_initiated.hpp):
      // made (the earlier one stops working) and shown once on the panel, or revoked
      r.caller = ctx.auth.require(ex, records::Role::buyer);
      r.csrf = ctx.auth.csrf_token(r.caller);
      read_form(ex, ctx, r.caller);
      const bool make = r.segments[2] == "standing-link";
      if (make && ctx.public_url.empty() && ex.host().empty())
        throw HttpError(400, "Bad Request",
                        "リンクの URL を作れません: この要求はホスト名 (Host) を名乗っていません。"
                        "hoshitori serve --public-url で公開 URL を設定してください");
      auto op = Poco::JSON::Object::Ptr(new Poco::JSON::Object);
      op->set("op", make ? "standing_link" : "standing_link_revoke");
      op->set("vendor_code", r.segments[1]);
      op->set("actor", r.caller.actor);
      auto out = screen_parts::run_op(ctx.screens.service(), op);
      if (make) {  // shown once, on this page; never put in a URL
        const std::string scheme = ex.header("X-Forwarded-Proto") == "https" ? "https://" : "http://";
        const std::string base = ctx.public_url.empty() ? scheme + ex.host() : ctx.public_url;
        r.new_link = base + out->getValue<std::string>("path");
        r.segments.pop_back();
        return ex.send(200, "text/html; charset=utf-8", ctx.screens.render(r));
      }
      const std::string keep = screen_parts::screen_query(r);
      ex.set_header("Location", "/erp/suppliers/" + records::url_encode(r.segments[1]) + "?done=standing_revoked" +
                                    (keep.empty() ? "" : "&" + keep.substr(1)));
      return ex.send(303, "text/plain; charset=utf-8", "");
    }
    if (r.segments.size() == 3 && r.segments[0] == "requests" && ex.method() == "POST") {
      r.caller = ctx.auth.require(ex, records::Role::buyer);
      r.csrf = ctx.auth.csrf_token(r.caller);
      const FormFields fields = read_form(ex, ctx, r.caller);
      const std::string number = r.segments[1], action = r.segments[2];
      // a supplier link is shown as a whole URL: never one without a host in it
      if (action == "link" && ctx.public_url.empty() && ex.host().empty())
        throw HttpError(400, "Bad Request",
                        "リンクの URL を作れません: この要求はホスト名 (Host) を名乗っていません。"
                        "hoshitori serve --public-url で公開 URL を設定してください");
      PanelResult res;
      try {
        res = panel_action(ctx.screens.service(), r.caller, number, action, fields, ctx.screens.words(r.lang));
      } catch (const HttpError& e) {
        if (e.status != 400) throw;
        // show the panel again, saying what was wrong
        RequestService rs(ctx.screens.service());
        r.segments = {"suppliers", rs.show(number)->getValue<std::string>("supplier")};
        r.error = e.what();
        return ex.send(400, "text/html; charset=utf-8", ctx.screens.render(r));
      }
      r.segments = {"suppliers", res.vendor_code};
      if (!res.link.empty()) {  // shown once, on this page; never put in a URL
        const std::string scheme = ex.header("X-Forwarded-Proto") == "https" ? "https://" : "http://";
        const std::string base = ctx.public_url.empty() ? scheme + ex.host() : ctx.public_url;
        r.new_link = base + res.link;
        return ex.send(200, "text/html; charset=utf-8", ctx.screens.render(r));
      }
      const std::string keep = screen_parts::screen_query(r);
      const std::string q = "?done=" + res.done + (keep.empty() ? "" : "&" + keep.substr(1));
      ex.set_header("Location", "/erp/suppliers/" + records::url_encode(res.vendor_code) + q);
      return ex.send(303, "text/plain; charset=utf-8", "");
    }
    if (!r.segments.empty() && r.segments[0] == "campaigns") return handle_campaigns(ex, ctx, r);
    if (ex.method() != "GET" && ex.method() != "HEAD") {
      ex.set_header("Allow", "GET, HEAD");
      throw HttpError(405, "Method Not Allowed", ex.method() + " is not allowed here");
    }
    r.caller = ctx.auth.require(ex, records::Role::viewer);
    r.csrf = ctx.auth.csrf_token(r.caller);
    if (r.segments.size() == 2 && r.segments[0] == "evidence") {  // a supplier's file, from its panel
      if (!send_evidence(ex, ctx.screens.service(), r.segments[1], r.caller.actor, r.caller.via))
        throw HttpError(404, "Not Found", "no such evidence file");
      return;
    }
    if (r.segments.size() == 3 && r.segments[0] == "requests" &&
        (r.segments[2] == "agreement.html" || r.segments[2] == "agreement-scan")) {
      // the agreement as a printable A4 page, or the scan of the copy the supplier signed on paper
      Service& svc = ctx.screens.service();
      try {
        if (r.segments[2] == "agreement.html") {
          // the printed agreement shows the figures and the thread: a staff read (purpose
          // limitation), recorded before the page goes out
          const std::string vendor = RequestService(svc).show(r.segments[1])->getValue<std::string>("supplier");
          svc.with_repos<records::StaffReads>([&](records::StaffReads& reads) {
            reads.record(r.caller.via, r.caller.actor, vendor, "erp-agreement-print",
                         {{r.segments[1], {"agreement", "cost_figures"}}});
          });
          return send_agreement_html(ex, svc, r.segments[1], ex.query("version"),
                                     [&](const std::string& name, const Poco::JSON::Object::Ptr& c) {
                                       return ctx.screens.render_template(name, c);
                                     });
        }
        if (!send_agreement_scan(ex, svc, r.segments[1], ex.query("version"), r.caller.actor, r.caller.via))
          throw HttpError(404, "Not Found", "この版の合意書には、書面のスキャンが記録されていません");
        return;
      } catch (const Error& e) {
        throw http_error(e);
      }
    }
    if (r.segments.size() == 1 && r.segments[0] == "suppliers.csv") {
      ex.set_header("Content-Disposition", "attachment; filename=\"hoshitori-suppliers.csv\"");
      return ex.send(200, "text/csv; charset=utf-8", ctx.screens.suppliers_csv(r));
    }
    ex.send(200, "text/html; charset=utf-8", ctx.screens.render(r));
  } catch (const HttpError& e) {
    if (ex.sent()) return;
    if (e.status == 401) ex.set_header("WWW-Authenticate", "Bearer realm=\"hoshitori\"");
    std::string html;
    try {
      html = ctx.screens.error_page(r, e.title, e.what());
    } catch (const std::exception&) {
      throw e;  // the page itself failed: the server answers problem+json
    }
    ex.send(e.status, "text/html; charset=utf-8", html);
  }
}

void handle_static(Exchange& ex, ErpContext& ctx) {
  const auto& segs = ex.segments();
  std::string body, type;
  if (segs.size() != 2 || !ctx.screens.static_file(segs[1], body, type))
    throw HttpError(404, "Not Found", "no such file");
  ex.set_header("Cache-Control", "public, max-age=3600");
  ex.send(200, type, body);
}

}  // namespace hoshi::http
