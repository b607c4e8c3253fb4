#include "service/audit_export.hpp"

#include "service/service.hpp"

#include <stdexcept>
#include <unordered_map>

#include "core/error.hpp"

namespace hoshi::records {

namespace {
constexpr std::size_t kFlushAt = 1 << 20;

class Writer {
 public:
  explicit Writer(const ExportSink& sink) : sink_(sink) { buf_.reserve(kFlushAt + 65536); }
  // export_audit flushes explicitly; here only on the way out of an error, when a
  // second failure has nothing to add
  ~Writer() {
    try {
      flush();
    } catch (...) {
    }
  }
  std::string& buf() { return buf_; }
  void maybe_flush() {
    if (buf_.size() >= kFlushAt) flush();
  }
  void flush() {
    if (!buf_.empty()) sink_(buf_);
    buf_.clear();
  }

 private:
  const ExportSink& sink_;
  std::string buf_;
};

// A CSV cell: quoted when needed; a leading = + - @ (which a spreadsheet would run
// as a formula) is neutralised with an apostrophe.
void csv_cell(std::string& b, std::string_view v, bool last = false) {
  const bool formula = !v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t');
  bool special = false;  // one pass; find_first_of would call memchr per byte
  for (char c : v)
    if (c == ',' || c == '"' || c == '\n' || c == '\r') {
      special = true;
      break;
    }
  if (!special) {
    if (formula) b += '\'';
    b.append(v);
  } else {
    b += '"';
    if (formula) b += '\'';
    for (;;) {  // copy runs between quotes, doubling each quote
      const auto q = v.find('"');
      if (q == std::string_view::npos) break;
      b.append(v.data(), q + 1);
      b += '"';
      v.remove_prefix(q + 1);
    }
    b.append(v);
    b += '"';
  }
  b += last ? "\r\n" : ",";
}

void json_str(std::string& b, std::string_view v) {
  static const char* hex = "0123456789abcdef";
  b += '"';
  for (unsigned char c : v) {
    switch (c) {
      case '"':
        b += "\\\"";
        break;
      case '\\':
        b += "\\\\";
        break;
      case '\n':
        b += "\\n";
        break;
      case '\r':
        b += "\\r";
        break;
      case '\t':
        b += "\\t";
        break;
      default:
        if (c < 0x20) {
          b += "\\u00";
          b += hex[c >> 4];
          b += hex[c & 15];
        } else {
          b += static_cast<char>(c);
        }
    }
  }
  b += '"';
}

void json_opt(std::string& b, const std::optional<std::string>& v) {
  if (v)
    json_str(b, *v);
  else
    b += "null";
}
}  // namespace

std::string action_label(const std::string& action) {
  static const std::unordered_map<std::string, std::string> labels{
      {"request.drafted", "対策要請の作成"},
      {"request.issued", "対策要請の発行"},
      {"request.refused", "発行の拒否（ガードレール）"},
      {"request.acknowledged", "受領の確認"},
      {"request.negotiating", "協議の開始"},
      {"request.agreed", "合意の成立"},
      {"request.declined", "辞退"},
      {"request.withdrawn", "取下げ"},
      {"request.expired", "期限切れ"},
      {"negotiation.acknowledge", "協議: 受領"},
      {"negotiation.estimate", "協議: 費用の見積り"},
      {"negotiation.negotiation_request", "協議: 協議の申出"},
      {"negotiation.proposal", "協議: 提案"},
      {"negotiation.counter_proposal", "協議: 対案"},
      {"negotiation.message", "協議: メッセージ"},
      {"negotiation.price_decision", "協議: 代金の決定"},
      {"negotiation.agreement", "協議: 合意書案"},
      {"negotiation.decline", "協議: 辞退"},
      {"negotiation.withdraw", "協議: 取下げ"},
      {"price_decision.refused", "代金決定の拒否（ガードレール）"},
      {"agreement.confirmed", "合意書の確認"},
      {"agreement.scan_downloaded", "記名押印した合意書のスキャンのダウンロード"},
      {"agreement.code_requested", "合意書の確認コードの送信依頼"},
      {"apikey.created", "APIキーの発行"},
      {"supplier_link.created", "取引先用リンクの発行"},
      {"supplier_link.revoked", "取引先用リンクの失効"},
      {"evidence.uploaded", "証跡ファイルの受領"},
      {"evidence.withdrawn", "証跡ファイルの取り下げ（取引先）"},
      {"evidence.downloaded", "証跡ファイルのダウンロード"},
      {"self_check.answered", "要求事項の自己点検"},
      {"briefing.answered", "説明会の出欠"},
      {"briefing.material_added", "説明会資料の添付"},
      {"briefing.material_downloaded", "説明会資料のダウンロード"},
      {"briefing_link.created", "説明会用リンクの発行"},
      {"request.initiated", "取引先からの価格協議の申入れ"},
      {"standing_link.created", "取引先専用リンク（発注書等に記載）の発行"},
      {"standing_link.rotated", "取引先専用リンクの再発行（以前のリンクは失効）"},
      {"standing_link.revoked", "取引先専用リンクの失効"},
      {"apikey.revoked", "APIキーの失効"},
      {"records.purged", "保存期間を過ぎた記録の削除"},
      {"export.purpose", "利用目的を明示した記録の書き出し"},
      {"supplier_info.read", "取引先の費用情報・自己点検・証跡の閲覧"},
      {"supplier.updated", "取引先の状況の変更"},
      {"suppliers.imported", "取引先の取込"},
      {"sync.run", "取引先マスタの同期"},
      {"sync.failed", "取引先マスタの同期の失敗"},
      {"sync.standings_written", "判定の書き戻し（連携先）"},
      {"webhook.registered", "通知先（Webhook）の登録"},
      {"webhook.changed", "通知先（Webhook）の変更"},
      {"webhook.removed", "通知先（Webhook）の削除"},
      {"webhook.disabled", "通知先（Webhook）の停止（失敗の連続）"},
      {"webhook.enabled", "通知先（Webhook）の再開"},
  };
  auto it = labels.find(action);
  return it == labels.end() ? action : it->second;
}

ExportResult export_audit(store::Database& db, const std::string& format, AuditFilter filter, std::FILE* out,
                          Purpose purpose) {
  return export_audit(db, format, std::move(filter), file_sink(out), purpose);
}

ExportSink file_sink(std::FILE* out) {
  return [out](std::string_view b) {
    if (std::fwrite(b.data(), 1, b.size(), out) != b.size())
      throw std::runtime_error("cannot write the export (disk full?)");
  };
}

ExportResult export_audit(Service& svc, const std::string& format, AuditFilter filter, const ExportSink& out,
                          const ExportPurpose& why, bool own_connection) {
  auto run = [&](store::Database& db) {
    if (why.purpose != Purpose::none) {
      store::WriteTransaction tx(db, store::WriteTransaction::Mode::serialize);
      record_purpose(db, why.via, why.actor, "audit", why.purpose, why.details, filter.vendor_code);
      tx.commit();
    }
    return export_audit(db, format, filter, out, why.purpose);
  };
  if (!own_connection) return svc.with_db(run);
  store::Database db(svc.database_url());
  return run(db);
}

ExportResult export_audit(store::Database& db, const std::string& format, AuditFilter filter, const ExportSink& out,
                          Purpose purpose) {
  if (format != "csv" && format != "jsonl") throw Error(Code::invalid, "format must be csv or jsonl, not " + format);
  AuditLog log(db);
  ExportResult res;
  res.head = log.head();
  filter.up_to_seq = res.head.seq;
  Writer w(out);
  std::string& b = w.buf();
  const bool csv = format == "csv";
  if (csv) {
    b += "\xEF\xBB\xBF";
    for (const char* h : {"連番", "日時(日本時間)", "記録時刻(UTC)", "実行者", "経由", "操作", "操作の説明", "対象",
                          "取引先コード", "変更前", "変更後", "内容ハッシュ", "前のハッシュ", "ハッシュ"})
      csv_cell(b, h);
    csv_cell(b, "内容削除日時", true);
  }
  const bool withhold = purpose == Purpose::none;
  log.scan(filter, [&](const AuditEvent& shown) {
    ++res.exported;
    // without a named purpose, the payloads leave their cost figures behind
    std::optional<AuditEvent> copy;
    if (withhold) {
      auto before = shown.before ? withhold_payload(shown.action, *shown.before) : std::nullopt;
      auto after = shown.after ? withhold_payload(shown.action, *shown.after) : std::nullopt;
      if (before || after) {
        copy = shown;
        if (before) copy->before = std::move(before);
        if (after) copy->after = std::move(after);
        ++res.withheld;
      }
    }
    const AuditEvent& e = copy ? *copy : shown;
    if (csv) {
      csv_cell(b, std::to_string(e.seq));
      csv_cell(b, utc_to_jst_display(e.at));
      csv_cell(b, e.at);
      csv_cell(b, e.actor);
      csv_cell(b, e.via.value_or(""));
      csv_cell(b, e.action);
      csv_cell(b, action_label(e.action));
      csv_cell(b, e.subject);
      csv_cell(b, e.vendor_code.value_or(""));
      csv_cell(b, e.before.value_or(""));
      csv_cell(b, e.after.value_or(""));
      csv_cell(b, e.payload_sha256);
      csv_cell(b, e.prev_hash);
      csv_cell(b, e.hash);
      csv_cell(b, e.redacted_at.value_or(""), true);
    } else {
      b += "{\"seq\":";
      b += std::to_string(e.seq);
      b += ",\"at\":";
      json_str(b, e.at);
      b += ",\"actor\":";
      json_str(b, e.actor);
      b += ",\"via\":";
      json_opt(b, e.via);
      b += ",\"action\":";
      json_str(b, e.action);
      b += ",\"subject\":";
      json_str(b, e.subject);
      b += ",\"vendor_code\":";
      json_opt(b, e.vendor_code);
      b += ",\"before_json\":";
      json_opt(b, e.before);
      b += ",\"after_json\":";
      json_opt(b, e.after);
      b += ",\"payload_sha256\":\"" + e.payload_sha256 + "\",\"prev_hash\":\"" + e.prev_hash + "\",\"hash\":\"" +
           e.hash + "\",\"redacted_at\":";
      json_opt(b, e.redacted_at);
      b += copy ? ",\"withheld\":\"purpose\"" : ",\"withheld\":null";
      b += "}\n";
    }
    w.maybe_flush();
    return true;
  });
  const std::string seq = std::to_string(res.head.seq), n = std::to_string(res.exported);
  if (csv) {
    csv_cell(b, "#chain_head");
    csv_cell(b, seq);
    csv_cell(b, res.head.hash);
    csv_cell(b, "exported=" + n, true);
  } else {
    b += "{\"chain_head\":{\"seq\":" + seq + ",\"hash\":\"" + res.head.hash + "\"},\"exported\":" + n + "}\n";
  }
  w.flush();
  return res;
}

}  // namespace hoshi::records
