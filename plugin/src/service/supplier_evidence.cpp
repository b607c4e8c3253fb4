#include "service/supplier_evidence.hpp"
#include "core/error.hpp"
#include "domain/request_model.hpp"

#include <algorithm>
#include <set>

#include "core/evidence.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"
#include "importer/encoding.hpp"
#include "service/json_args.hpp"
#include "service/request_common.hpp"
#include "service/requests.hpp"
#include "store/audit_log.hpp"

namespace hoshi {

using api::obj;
using Poco::JSON::Array;
using Poco::JSON::Object;
using records::EvidenceFile;
using records::EvidenceStore;

namespace {
constexpr std::size_t kMaxNoteBytes = 2000;

// The request's item numbers, in its order.
std::vector<std::string> request_items(const records::RequestRecord& r) {
  std::vector<std::string> out;
  if (Array::Ptr nos = detail::parse_obj(r.body)->getArray("items"))
    for (std::size_t i = 0; i < nos->size(); ++i)
      out.push_back(nos->get(static_cast<unsigned>(i)).convert<std::string>());
  return out;
}

std::string item_title(const Catalogs& cat, const std::string& no) {
  for (const auto& r : cat.scs.requirements)
    if (r.no == no) return r.title;
  return {};
}

// "要求事項 1-2-1（監視体制の整備）" — how an error names an item.
std::string item_words(const Catalogs& cat, const std::string& no) {
  const std::string title = item_title(cat, no);
  return "要求事項 " + no + (title.empty() ? "" : "（" + title + "）");
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : "、") + i;
  return out;
}

// What an audit event says of a file: never its content, nor where to fetch it.
Object::Ptr audited(const EvidenceFile& f) {
  auto o = evidence_json(f);
  for (const char* k : {"href", "withdrawn_at", "withdrawn_by", "content_stored"}) o->remove(k);
  return o;
}

records::RequestRecord existing_request(store::Database& db, const std::string& number) {
  auto r = records::RequestStore(db).find(number);
  if (!r) throw Error(Code::notfound, "no request " + number);
  return *r;
}
}  // namespace

std::vector<EvidenceFile> SupplierEvidence::upload(const std::string& number, const std::string& topic,
                                                   const std::vector<EvidenceUpload>& files,
                                                   const std::string& uploaded_by, const std::string& actor,
                                                   const std::string& link_id) {
  using Kind = EvidenceRefused::Kind;
  const EvidencePolicy& policy = svc_.catalogs().policy.evidence;
  if (actor.empty()) throw Error(Code::invalid, "actor: the acting user is required");
  if (!evidence::valid_topic(topic))
    throw Error(Code::invalid, "どの状況の証跡か（SECURITY ACTION・お助け隊サービス・SCS評価制度）を選んでください");
  if (!text::is_valid_utf8(uploaded_by) || uploaded_by.size() > evidence::kMaxNameBytes)
    throw Error(Code::invalid, "お名前が長すぎます");
  if (files.empty()) throw Error(Code::invalid, "送るファイルを選んでください");
  if (files.size() > static_cast<std::size_t>(policy.max_files_per_upload))
    throw Error(Code::invalid, "一度に送れるファイルは " + std::to_string(policy.max_files_per_upload) +
                                   " 個までです。分けてお送りください");
  const std::string limit = evidence::size_label(policy.max_file_bytes);
  std::vector<EvidenceFile> checked;
  long long total = 0;
  for (const auto& u : files) {
    const std::string shown = text::is_valid_utf8(u.filename) ? u.filename : std::string("（名前を読めないファイル）");
    if (static_cast<long long>(u.content.size()) > policy.max_file_bytes)
      throw EvidenceRefused(Kind::file_too_large, "「" + shown + "」は " +
                                                      evidence::size_label(static_cast<long long>(u.content.size())) +
                                                      " あり、1ファイル " + limit + " までの上限を超えています");
    if (u.content.empty()) throw EvidenceRefused(Kind::bad_file, "「" + shown + "」は空のファイルです");
    auto type = evidence::sniff_media_type(u.content);
    if (!type)
      throw EvidenceRefused(Kind::bad_file,
                            "「" + shown +
                                "」は PDF・PNG・JPEG のどれでもありません（ファイルの中身で判定しています。"
                                "名前の拡張子を変えても送れません）");
    auto name = evidence::clean_filename(u.filename, *type);
    if (!name) {  // an older Japanese browser may send the name in CP932
      try {
        name = evidence::clean_filename(importer::decode(u.filename, importer::Encoding::cp932).utf8, *type);
      } catch (const std::exception&) {
        name.reset();
      }
    }
    if (!name) throw EvidenceRefused(Kind::bad_file, "ファイル名を読み取れませんでした。名前を変えてお送りください");
    EvidenceFile f;
    f.number = number;
    f.topic = topic;
    f.filename = *name;
    f.media_type = *type;
    f.size = static_cast<long long>(u.content.size());
    f.sha256 = sha256_hex(u.content);
    f.uploaded_by = text::trim(uploaded_by);
    f.link_id = link_id;
    f.content = u.content;
    total += f.size;
    checked.push_back(std::move(f));
  }
  return svc_.with_db([&](store::Database& db) {
    store::WriteTransaction tx(db);
    const records::RequestRecord r = existing_request(db, number);
    check_evidence_limits(db, policy, number, link_id, static_cast<long long>(checked.size()), total);
    EvidenceStore store(db);
    records::AuditLog audit(db, svc_.principal());
    const std::string now = records::audit_now();
    for (auto& f : checked) {
      f.vendor_code = r.vendor_code;  // the request's own supplier, whoever asks
      f.uploaded_at = now;
      f.id = store.add_file(f);
      audit.append({actor, "evidence.uploaded", number, r.vendor_code, std::nullopt, detail::json(audited(f))});
      f.content.clear();
    }
    tx.commit();
    return checked;
  });
}

std::vector<EvidenceFile> SupplierEvidence::list(const std::string& vendor_code,
                                                 const std::optional<std::string>& number) {
  return svc_.with_db([&](store::Database& db) { return EvidenceStore(db).files_for_supplier(vendor_code, number); });
}

records::EvidenceUsage SupplierEvidence::usage(const std::string& number) {
  return svc_.with_db([&](store::Database& db) { return EvidenceStore(db).standing(number); });
}

std::optional<EvidenceFile> SupplierEvidence::download(long long id, const std::string& actor) {
  if (actor.empty()) throw Error(Code::invalid, "actor: the acting user is required");
  return svc_.with_db([&](store::Database& db) -> std::optional<EvidenceFile> {
    // serialised like every writer (the audit chain), without counting a change: a
    // download changes no standing
    store::WriteTransaction tx(db, store::WriteTransaction::Mode::serialize);
    EvidenceStore store(db);
    auto f = store.find(id);
    if (!f) return std::nullopt;
    auto bytes = store.content(*f);
    if (!bytes)
      throw EvidenceGone("evidence file " + std::to_string(id) + " was withdrawn by the supplier on " +
                         f->withdrawn_at.value_or("?") + " and its content deleted (no one had downloaded it)");
    const std::string now = records::audit_now();
    store.add_download(*f, now, actor, svc_.principal());
    auto after = audited(*f);
    if (f->withdrawn_at) after->set("withdrawn_at", *f->withdrawn_at);
    records::AuditLog(db, svc_.principal())
        .append({actor, "evidence.downloaded", f->number, f->vendor_code, std::nullopt, detail::json(after)});
    tx.commit();
    f->content = std::move(*bytes);
    f->downloaded = true;
    return f;
  });
}

EvidenceFile SupplierEvidence::withdraw(const std::string& number, long long id, const std::string& actor,
                                        const std::string& link_id) {
  if (actor.empty()) throw Error(Code::invalid, "actor: the acting user is required");
  return svc_.with_db([&](store::Database& db) {
    store::WriteTransaction tx(db);
    existing_request(db, number);
    EvidenceStore store(db);
    auto f = store.find(id);
    if (!f || f->number != number)
      throw Error(Code::invalid,
                  "取り下げるファイルが見つかりません（この要請でお送りいただいたファイルだけを取り下げられます）");
    if (f->withdrawn_at) throw Error(Code::invalid, "「" + f->filename + "」はすでに取り下げられています");
    const std::string now = records::audit_now();
    store.add_withdrawal(*f, now, actor, link_id);
    // the bytes go at once unless the buyer has them (a download of any file with this
    // content) or a standing file still shows them; then they stay until the purge
    const bool deleted = !store.content_needed(f->sha256) && store.delete_content(f->sha256);
    auto after = audited(*f);
    after->set("content", deleted ? "deleted" : f->downloaded ? "kept_downloaded" : "kept_in_use");
    records::AuditLog(db, svc_.principal())
        .append({actor, "evidence.withdrawn", number, f->vendor_code, std::nullopt, detail::json(after)});
    tx.commit();
    f->withdrawn_at = now;
    f->withdrawn_by = actor;
    f->content_stored = !deleted;
    return *f;
  });
}

void SupplierEvidence::record_self_check(const std::string& number, const std::vector<SelfCheckAnswer>& answers,
                                         const std::string& actor) {
  if (actor.empty()) throw Error(Code::invalid, "actor: the acting user is required");
  const Catalogs& cat = svc_.catalogs();
  const Date today = svc_.today();
  svc_.with_db([&](store::Database& db) {
    store::WriteTransaction tx(db);
    const records::RequestRecord r = existing_request(db, number);
    if (model::stored_state(r.state) == model::State::draft)
      throw StateConflict("request " + number + " is a draft: issue it first");
    const std::vector<std::string> items = request_items(r);
    if (items.empty()) throw Error(Code::invalid, "この要請には自己点検の対象となる要求事項がありません");
    if (answers.empty()) throw Error(Code::invalid, "自己点検は、少なくとも1つの項目についてお答えください");
    std::set<std::string> seen;
    std::vector<records::SelfCheckRecord> rows;
    const std::string now = records::audit_now();
    for (const auto& a : answers) {
      if (std::find(items.begin(), items.end(), a.item) == items.end())
        throw Error(Code::invalid,
                    "要求事項「" + a.item + "」はこの要請の対象ではありません（対象: " + joined(items) + "）");
      const std::string who = item_words(cat, a.item);
      if (!seen.insert(a.item).second) throw Error(Code::invalid, who + "への回答が2つあります");
      records::SelfCheckRecord row;
      row.item = a.item;
      row.answer = a.answer;
      if (a.answer != "done" && a.answer != "planned" && a.answer != "not_planned")
        throw Error(Code::invalid, who + "：「対応済み」「対応予定」「予定なし」から選んでください");
      if (a.answer == "planned") {
        if (text::trim(a.planned_on).empty()) throw Error(Code::invalid, who + "：対応予定日を入力してください");
        Date d;
        std::string why;
        if (!parse_date(text::trim(a.planned_on), d, why))
          throw Error(Code::invalid, who + "：対応予定日「" + a.planned_on + "」を日付として読めません（" + why + "）");
        if (d < today)
          throw Error(Code::invalid, who + "：対応予定日 " + d.iso() + " は過去の日付です。今日（" + today.iso() +
                                         "）以降の日付を入力してください");
        row.planned_on = d.iso();
      } else if (!text::trim(a.planned_on).empty()) {
        throw Error(Code::invalid, who + "：対応予定日は「対応予定」のときだけ入力してください");
      }
      const std::string note = text::trim(a.note);
      if (!text::is_valid_utf8(note) || note.size() > kMaxNoteBytes)
        throw Error(Code::invalid, who + "：補足が長すぎます（" + std::to_string(kMaxNoteBytes / 3) + "字程度まで）");
      if (!note.empty()) row.note = note;
      row.answered_at = now;
      row.answered_by = actor;
      rows.push_back(std::move(row));
    }
    EvidenceStore store(db);
    Array::Ptr audited = new Array;
    for (const auto& row : rows) {
      store.add_self_check(number, r.vendor_code, row);
      auto e = self_check_json(row);
      e->remove("answered_at");
      e->remove("answered_by");
      audited->add(e);
    }
    auto after = obj();
    after->set("answers", audited);
    records::AuditLog(db, svc_.principal())
        .append({actor, "self_check.answered", number, r.vendor_code, std::nullopt, detail::json(after)});
    tx.commit();
    return 0;
  });
}

std::vector<SelfCheckItem> SupplierEvidence::self_check(const std::string& number) {
  const Catalogs& cat = svc_.catalogs();
  return svc_.with_db([&](store::Database& db) {
    const records::RequestRecord r = existing_request(db, number);
    auto latest = EvidenceStore(db).latest_self_check(number);
    std::vector<SelfCheckItem> out;
    for (const auto& no : request_items(r)) {
      SelfCheckItem it{no, item_title(cat, no), std::nullopt};
      for (const auto& l : latest)
        if (l.item == no) it.latest = l;
      out.push_back(std::move(it));
    }
    return out;
  });
}

Object::Ptr evidence_json(const EvidenceFile& f) {
  auto o = obj();
  o->set("id", f.id);
  o->set("number", f.number);
  o->set("vendor_code", f.vendor_code);
  o->set("topic", f.topic);
  o->set("topic_label", std::string(evidence::topic_label(f.topic)));
  o->set("filename", f.filename);
  o->set("media_type", f.media_type);
  o->set("size", f.size);
  o->set("sha256", f.sha256);
  o->set("uploaded_at", f.uploaded_at);
  o->set("uploaded_by", f.uploaded_by);
  o->set("href", "/api/v1/evidence/" + std::to_string(f.id));
  o->set("withdrawn_at", api::opt(f.withdrawn_at));
  o->set("withdrawn_by", f.withdrawn_at ? Poco::Dynamic::Var(f.withdrawn_by) : Poco::Dynamic::Var());
  o->set("content_stored", f.content_stored);
  return o;
}

Object::Ptr self_check_json(const records::SelfCheckRecord& r) {
  auto o = obj();
  o->set("item", r.item);
  o->set("answer", r.answer);
  o->set("planned_on", api::opt(r.planned_on));
  o->set("note", api::opt(r.note));
  o->set("answered_at", r.answered_at);
  o->set("answered_by", r.answered_by);
  return o;
}

}  // namespace hoshi
