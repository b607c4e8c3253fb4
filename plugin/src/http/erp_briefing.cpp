#include "http/erp_briefing.hpp"

#include "core/evidence.hpp"
#include "http/erp_screen_parts.hpp"
#include "http/evidence_download.hpp"
#include "http/http_error.hpp"
#include "http/supplier_uploads.hpp"
#include "service/briefing.hpp"
#include "service/json_args.hpp"
#include "store/staff_link.hpp"

namespace hoshi::http {

using api::obj;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

// The field an error names, in the screen's words.
std::string field_label(const std::string& field) {
  if (field == "answer") return "出欠";
  if (field == "attendees") return "人数";
  if (field == "note") return "連絡事項";
  if (field == "channel") return "受けた方法";
  if (field == "vendor_code") return "取引先";
  return field;
}

}  // namespace

void add_briefing_context(ErpScreens& screens, const ScreenRequest& r, long long id, Object::Ptr& ctx) {
  const Object::Ptr t = ctx->getObject("t");
  BriefingService bs(screens.service());
  Object::Ptr att = bs.attendance(id);
  auto b = obj();
  b->set("counts", att->getObject("counts"));
  Array::Ptr rows = new Array, options = new Array;
  Array::Ptr list = att->getArray("suppliers");
  for (std::size_t i = 0; i < list->size(); ++i) {
    Object::Ptr s = list->getObject(static_cast<unsigned>(i));
    const std::string answer = s->isNull("answer") ? "" : s->getValue<std::string>("answer");
    auto o = obj();
    o->set("code", s->getValue<std::string>("vendor_code"));
    o->set("name", s->optValue<std::string>("name", ""));
    o->set("panel", "/erp/suppliers/" + records::url_encode(s->getValue<std::string>("vendor_code")) +
                        screen_parts::screen_query(r));
    o->set("answer", t->getValue<std::string>(answer == "attend"   ? "b_attend"
                                              : answer == "absent" ? "b_absent"
                                                                   : "b_unanswered"));
    o->set("attend", answer == "attend");
    if (!answer.empty()) {
      if (!s->isNull("attendees")) o->set("attendees", s->getValue<int>("attendees"));
      o->set("note", s->optValue<std::string>("note", ""));
      o->set("via", s->optValue<std::string>("via_words", ""));
      o->set("recorded", s->optValue<std::string>("recorded_at", "").substr(0, 16) + " " +
                             s->optValue<std::string>("recorded_by", ""));
      o->set("answers", s->getValue<long long>("answers"));
      o->set("earlier", s->getValue<long long>("answers") > 1);
    }
    rows->add(o);
    auto opt = obj();
    opt->set("value", s->getValue<std::string>("vendor_code"));
    opt->set("label", s->getValue<std::string>("vendor_code") + " " + s->optValue<std::string>("name", ""));
    options->add(opt);
  }
  b->set("suppliers", rows);
  b->set("supplier_options", options);
  Array::Ptr channels = new Array;
  for (const auto& c : briefing::staff_channels()) channels->add(c);
  b->set("channels", channels);
  Array::Ptr mats = new Array;
  for (const auto& m : bs.materials(id)) {
    auto o = obj();
    o->set("href", "/erp/campaigns/" + std::to_string(id) + "/materials/" + std::to_string(m.id) +
                       screen_parts::screen_query(r));
    o->set("name", m.filename);
    o->set("size", evidence::size_label(m.size));
    o->set("sha256", m.sha256);
    o->set("added", m.added_at.substr(0, 16) + " " + m.added_by);
    mats->add(o);
  }
  b->set("materials", mats);
  b->set("has_materials", mats->size() > 0);
  b->set("can_record", r.caller.key.role >= records::Role::buyer);
  b->set("max_note", static_cast<int>(briefing::kMaxNoteChars));
  ctx->set("briefing", b);
}

void record_attendance_from_form(ErpScreens& screens, const Caller& caller, long long id, const FormFields& f) {
  try {
    const auto in = briefing::parse_answer(form_value(f, "answer"), form_value(f, "attendees"), form_value(f, "note"));
    const std::string via = briefing::staff_via(form_value(f, "channel"));
    const std::string code = form_value(f, "vendor_code");
    if (code.empty()) throw briefing::InputError("vendor_code", "required", "取引先を選んでください");
    ScopedPrincipal as(caller.via);
    BriefingService(screens.service()).answer(id, code, in, via, caller.actor);
  } catch (const briefing::InputError& e) {
    throw HttpError(400, "Bad Request", field_label(e.field) + "（" + e.field + "）：" + e.ja);
  } catch (const Error& e) {
    if (e.code != Code::invalid) throw http_error(e);
    const std::string what = e.what();
    if (what.rfind("vendor_code:", 0) == 0)
      throw HttpError(400, "Bad Request",
                      "取引先（vendor_code）：" + form_value(f, "vendor_code") + " はこの説明会に招待されていません");
    throw HttpError(400, "Bad Request", what);
  }
}

void upload_materials_from_form(Exchange& ex, ErpScreens& screens, const Caller& caller, long long id,
                                const std::function<bool(const std::string&)>& csrf_ok) {
  const EvidencePolicy& limits = screens.service().catalogs().policy.evidence;
  EvidenceForm form = read_evidence_form(ex, csrf_ok, limits);
  if (form.stopped_before_files || !csrf_ok(form_value(form.fields, "csrf")))
    throw HttpError(403, "Forbidden", "the form's token does not match this session: open the screen again");
  if (form.files.size() != 1)
    throw HttpError(400, "Bad Request", "ファイル（file）：資料のファイルを1つ選んでください");
  try {
    ScopedPrincipal as(caller.via);
    BriefingService(screens.service()).add_material(id, form.files[0].filename, form.files[0].content, caller.actor);
  } catch (const Error& e) {
    if (e.code != Code::invalid) throw http_error(e);
    const std::string what = e.what();
    std::string ja = what;
    if (what.find("is not a PDF, PNG or JPEG") != std::string::npos)
      ja = "ファイル（file）：PDF・PNG・JPEG のファイルを選んでください（スライドはPDFに保存してください）";
    else if (what.find("evidence.max_file_bytes") != std::string::npos)
      ja = "ファイル（file）：" + evidence::size_label(limits.max_file_bytes) + " を超えるファイルは添付できません";
    else if (what.find("is empty") != std::string::npos)
      ja = "ファイル（file）：空のファイルは添付できません";
    else if (what.find("materials already") != std::string::npos)
      ja = "資料は1つの説明会につき" + std::to_string(BriefingService::kMaxMaterials) + "個までです";
    throw HttpError(400, "Bad Request", ja);
  }
}

bool send_material(Exchange& ex, ErpScreens& screens, const Caller& caller, long long id, const std::string& mid) {
  if (mid.empty() || mid.size() > 18 || mid.find_first_not_of("0123456789") != std::string::npos) return false;
  std::optional<BriefingMaterial> m;
  {
    ScopedPrincipal as(caller.via);
    m = BriefingService(screens.service()).download(id, std::stoll(mid), caller.actor);
  }
  if (!m) return false;
  ex.set_header("Content-Disposition", attachment_disposition(m->filename));
  ex.set_header("X-Content-Type-Options", "nosniff");
  ex.set_header("Content-Security-Policy", "default-src 'none'; sandbox");
  ex.send(200, m->media_type, m->content);
  return true;
}

}  // namespace hoshi::http
