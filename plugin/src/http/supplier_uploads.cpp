#include "http/supplier_uploads.hpp"

#include <Poco/Net/MediaType.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/MultipartReader.h>
#include <Poco/Net/NameValueCollection.h>

#include <limits>
#include <map>
#include <sstream>

#include "core/text.hpp"
#include "service/json_args.hpp"
#include "store/audit_log.hpp"

namespace hoshi::http {

using api::obj;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {
constexpr std::size_t kMaxFieldParts = 16;  // the form's own fields (and a few to spare)
constexpr std::size_t kMaxFieldBytes = 8 * 1024;

// Up to `limit` bytes of a part; reads the part to its end when it is shorter.
std::string read_up_to(std::istream& in, std::size_t limit) {
  std::string out;
  char buf[16384];
  while (out.size() < limit && in) {
    in.read(buf, static_cast<std::streamsize>(std::min(sizeof buf, limit - out.size())));
    out.append(buf, static_cast<std::size_t>(in.gcount()));
  }
  return out;
}

// Reads and drops the rest of the body (it is bounded by max_upload_body), so the
// client, which sends it all before it reads the answer, gets the answer; a body cut
// short at the bound closes the connection instead.
void discard_rest(Exchange& ex, std::istream& body) {
  body.ignore(std::numeric_limits<std::streamsize>::max());
  if (ex.body_cut_short()) ex.set_header("Connection", "close");
}

HttpError too_large(Exchange& ex, const std::string& what) {
  if (ex.body_cut_short()) ex.set_header("Connection", "close");
  return HttpError(413, "Payload Too Large", what);
}

std::string display_name(const std::string& raw) {
  if (!text::is_valid_utf8(raw)) return "（名前を読めないファイル）";
  return std::string(text::utf8_prefix(raw, 200));
}
}  // namespace

std::size_t max_upload_body(const EvidencePolicy& limits) {
  return static_cast<std::size_t>(limits.max_files_per_upload) * static_cast<std::size_t>(limits.max_file_bytes) +
         64 * 1024;
}

void drop_upload_body(Exchange& ex, const EvidencePolicy& limits) {
  try {
    discard_rest(ex, ex.body_stream(max_upload_body(limits)));
  } catch (const HttpError&) {
    ex.set_header("Connection", "close");  // too large from Content-Length alone: nothing was read
  }
}

EvidenceForm read_evidence_form(Exchange& ex, const std::function<bool(const std::string&)>& csrf_ok,
                                const EvidencePolicy& limits) {
  const std::string limits_words = evidence::limits_words(limits);
  const std::size_t max_file = static_cast<std::size_t>(limits.max_file_bytes);
  const std::size_t max_files = static_cast<std::size_t>(limits.max_files_per_upload);
  std::string boundary;
  try {
    Poco::Net::MediaType type(ex.header("Content-Type"));
    if (type.matches("multipart", "form-data") && type.hasParameter("boundary"))
      boundary = type.getParameter("boundary");
  } catch (const Poco::Exception&) {
  }
  if (boundary.empty())
    throw HttpError(415, "Unsupported Media Type", "send the files as multipart/form-data (the page's form does)");
  std::istringstream* body = nullptr;
  try {
    body = &ex.body_stream(max_upload_body(limits));
  } catch (const HttpError& e) {
    if (e.status != 413) throw;
    ex.set_header("Connection", "close");  // refused from Content-Length alone: nothing was read
    throw HttpError(413, e.title, "送られたデータが大きすぎます（" + limits_words + "）。");
  }
  // the body is whole (the front read it): a multipart body ends with its closing
  // delimiter, and one cut short before it is refused rather than kept as if complete
  {
    const std::string whole = body->str();
    const std::string close = "--" + boundary + "--";
    if (whole.rfind(close) == std::string::npos)
      throw HttpError(400, "Bad Request", "送られたデータが途中で切れています。もう一度お送りください。");
  }
  EvidenceForm out;
  try {
    Poco::Net::MultipartReader reader(*body, boundary);
    std::size_t parts = 0;
    while (reader.hasNextPart()) {
      if (++parts > kMaxFieldParts + max_files) throw HttpError(400, "Bad Request", "送られた項目が多すぎます");
      Poco::Net::MessageHeader header;
      reader.nextPart(header);
      std::string disposition;
      Poco::Net::NameValueCollection params;
      Poco::Net::MessageHeader::splitParameters(header.get("Content-Disposition", ""), disposition, params);
      std::istream& part = reader.stream();
      if (params.has("filename")) {
        if (!csrf_ok(form_value(out.fields, "csrf"))) {
          out.stopped_before_files = true;  // no file is kept; the rest is dropped unread
          discard_rest(ex, *body);
          return out;
        }
        const std::string filename = params.get("filename");
        std::string content = read_up_to(part, max_file + 1);
        if (content.size() > max_file) {
          content.clear();
          content.shrink_to_fit();
          discard_rest(ex, *body);
          throw too_large(ex, "「" + display_name(filename) + "」は " + evidence::size_label(limits.max_file_bytes) +
                                  " を超えています（" + limits_words + "）。");
        }
        if (filename.empty() && content.empty()) continue;  // the file input left empty
        if (out.files.size() == max_files)
          throw HttpError(400, "Bad Request",
                          "一度に送れるファイルは " + std::to_string(max_files) + " 個までです。分けてお送りください");
        out.files.push_back({filename, std::move(content)});
      } else {
        std::string value = read_up_to(part, kMaxFieldBytes + 1);
        if (value.size() > kMaxFieldBytes) throw HttpError(400, "Bad Request", "入力が長すぎます");
        const std::string name = params.get("name", "");
        if (!text::is_valid_utf8(name) || !text::is_valid_utf8(value))
          throw HttpError(400, "Bad Request", "the form was not sent as UTF-8");
        out.fields.emplace_back(name, std::move(value));
      }
    }
  } catch (const HttpError&) {
    discard_rest(ex, *body);
    throw;
  } catch (const Poco::Exception&) {
    discard_rest(ex, *body);
    if (ex.body_cut_short()) throw too_large(ex, "送られたデータが大きすぎます（" + limits_words + "）。");
    throw HttpError(400, "Bad Request",
                    "送られたフォームを読み取れませんでした。ページを開き直して、もう一度お送りください");
  }
  if (ex.body_cut_short()) throw too_large(ex, "送られたデータが大きすぎます（" + limits_words + "）。");
  return out;
}

std::vector<SelfCheckAnswer> self_check_answers(const FormFields& f) {
  std::map<std::string, SelfCheckAnswer> by_item;
  std::vector<std::string> order;
  auto entry = [&](const std::string& item) -> SelfCheckAnswer& {
    auto it = by_item.find(item);
    if (it != by_item.end()) return it->second;
    order.push_back(item);
    auto& a = by_item[item];
    a.item = item;
    return a;
  };
  for (const auto& [k, v] : f) {
    if (k.rfind("sc:", 0) == 0) entry(k.substr(3)).answer = text::trim(v);
    if (k.rfind("sc_date:", 0) == 0) entry(k.substr(8)).planned_on = text::trim(v);
    if (k.rfind("sc_note:", 0) == 0) entry(k.substr(8)).note = text::trim(v);
  }
  std::vector<SelfCheckAnswer> out;
  for (const auto& item : order) {
    SelfCheckAnswer a = by_item[item];
    if (a.answer.empty() && a.planned_on.empty() && a.note.empty()) continue;
    if (!a.answer.empty() && a.answer != "planned") a.planned_on.clear();
    out.push_back(std::move(a));
  }
  return out;
}

void add_supplier_uploads_context(Object::Ptr& ctx, Service& svc, const std::string& number,
                                  const std::string& vendor_code, const FormFields* posted) {
  SupplierEvidence ev(svc);
  const EvidencePolicy& limits = svc.catalogs().policy.evidence;
  Array::Ptr files = new Array;
  long long standing = 0, standing_bytes = 0;
  for (const auto& f : ev.list(vendor_code, number)) {  // metadata only: no bytes are read
    auto o = obj();
    o->set("id", f.id);
    o->set("filename", f.filename);
    o->set("topic_label", std::string(evidence::topic_label(f.topic)));
    o->set("size", evidence::size_label(f.size));
    o->set("sha256", f.sha256);
    o->set("at", records::utc_to_jst_display(f.uploaded_at));
    if (!f.uploaded_by.empty()) o->set("by", f.uploaded_by);
    o->set("downloaded", f.downloaded);
    if (f.withdrawn_at) {
      o->set("withdrawn_at", records::utc_to_jst_display(*f.withdrawn_at));
      o->set("content_deleted", !f.content_stored);
      o->set("kept_downloaded", f.content_stored && f.downloaded);
      o->set("kept_shared", f.content_stored && !f.downloaded);
    } else {
      o->set("standing", true);
      ++standing;
      standing_bytes += f.size;
    }
    files->add(o);
  }
  ctx->set("evidence", files);
  ctx->set("has_evidence", files->size() > 0);
  ctx->set("evidence_limits", "PDF・PNG・JPEG、" + evidence::limits_words(limits));
  ctx->set("evidence_usage", "受付済み " + std::to_string(standing) + " 個・" + evidence::size_label(standing_bytes) +
                                 "（取り下げたものは数えません）");

  std::map<std::string, SelfCheckAnswer> shown;
  if (posted)
    for (auto& a : self_check_answers(*posted)) shown[a.item] = a;
  Array::Ptr items = new Array;
  for (const auto& it : ev.self_check(number)) {
    auto o = obj();
    o->set("no", it.item);
    o->set("title", it.title);
    std::string answer, planned_on, note;
    if (posted) {
      if (auto p = shown.find(it.item); p != shown.end()) {
        answer = p->second.answer;
        planned_on = p->second.planned_on;
        note = p->second.note;
      }
    } else if (it.latest) {
      answer = it.latest->answer;
      planned_on = it.latest->planned_on.value_or("");
      note = it.latest->note.value_or("");
      o->set("answered_at", records::utc_to_jst_display(it.latest->answered_at));
    }
    o->set("done", answer == "done");
    o->set("planned", answer == "planned");
    o->set("not_planned", answer == "not_planned");
    o->set("planned_on", planned_on);
    o->set("note", note);
    items->add(o);
  }
  ctx->set("self_check", items);
  ctx->set("has_self_check", items->size() > 0);
}

}  // namespace hoshi::http
