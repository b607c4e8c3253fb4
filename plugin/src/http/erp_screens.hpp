// The staff screens' HTML: the 星取表 dashboard and the supplier panel, rendered from
// templates/web/*.html.mustache (every value escaped) as a whole page or as a
// fragment a host pastes into its own page. Used by the web server (/erp/) and by
// hoshitori_render_html.
#pragma once
#include <Poco/JSON/Object.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "http/auth.hpp"
#include "http/erp_integrations.hpp"
#include "http/template_cache.hpp"
#include "service/service.hpp"

namespace hoshi::http {

struct ScreenRequest {
  std::vector<std::string> segments;  // after "erp": {} dashboard, {"suppliers", CODE} panel
  std::vector<std::pair<std::string, std::string>> query;
  Caller caller;
  bool fragment = false;
  std::string lang = "ja";              // ja | en
  std::string csrf;                     // the token forms echo (buyers see forms)
  std::string notice, error, new_link;  // after a form: what happened, what went wrong, a link made
};

class ErpScreens {
 public:
  // `templates_dir` holds web/ (layout, screens, labels.yaml, static/). Throws
  // std::runtime_error when labels.yaml is missing a word in either language.
  ErpScreens(Service& svc, const std::string& templates_dir);

  // The screen's HTML; throws HttpError (404 no such screen or supplier, 400 bad filter).
  std::string render(const ScreenRequest& r);
  // An error as a page (or fragment) in the caller's language.
  std::string error_page(const ScreenRequest& r, const std::string& title, const std::string& detail);
  // The dashboard's filtered list as CSV (UTF-8 with BOM, Japanese headers), every page.
  std::string suppliers_csv(const ScreenRequest& r);
  // A file under static/ ("hoshitori.css"), or false when there is none.
  bool static_file(const std::string& name, std::string& body, std::string& content_type);

  // ?fragment=1 and ?lang=en|ja, read from the query (HttpError 400 for another language).
  static void read_common(ScreenRequest& r);

  // For the other screens (erp_request_form.cpp): a body in the layout (or alone, as a
  // fragment), a template, and the context every screen starts from (t, lang, user…).
  std::string page(const ScreenRequest& r, const std::string& title, const std::string& body);
  std::string render_template(const std::string& name, const Poco::JSON::Object::Ptr& ctx);
  Poco::JSON::Object::Ptr base_context(const ScreenRequest& r);
  Service& service() { return svc_; }
  // The screen's words in one language ("ja" or "en").
  const Poco::JSON::Object::Ptr& words(const std::string& lang) const { return labels_.at(lang); }

 private:
  std::string dashboard(const ScreenRequest& r);
  std::string notice_html(const ScreenRequest& r);
  std::string dashboard_body(const ScreenRequest& r);
  std::string supplier(const ScreenRequest& r, const std::string& code);

  Service& svc_;
  std::string dir_;
  TemplateCache templates_;
  std::map<std::string, Poco::JSON::Object::Ptr> labels_;         // lang → words
  std::map<std::string, Poco::JSON::Object::Ptr> layout_labels_;  // lang → the layout's few words
  // Rendered dashboard bodies by filters, page, language and fragment mode, valid for one
  // Service::board_version() (emptied when it changes, or when it holds too many).
  IntegrationNotice notice_;
  std::mutex dashboard_mutex_;
  std::pair<long long, long> dashboard_version_{-1, -1};
  std::unordered_map<std::string, std::shared_ptr<const std::string>> dashboard_cache_;
};

}  // namespace hoshi::http
