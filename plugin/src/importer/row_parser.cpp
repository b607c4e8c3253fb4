#include "importer/row_parser.hpp"

#include <deque>

#include "core/company_size.hpp"
#include "core/corporate_number.hpp"
#include "core/levels.hpp"
#include "core/text.hpp"
#include "importer/encoding.hpp"

namespace hoshi::importer {

namespace {
constexpr std::size_t kMaxCodeBytes = 64;
constexpr std::size_t kMaxTextBytes = 512;
constexpr std::size_t kMaxEquivalentChars = 200;

// ="00123" is how spreadsheets are told to keep leading zeros; the value is inside.
std::string unwrap_excel_text(const std::string& cell) {
  std::string t = text::trim(cell);
  if (t.size() >= 3 && t[0] == '=' && t[1] == '"' && t.back() == '"') return t.substr(2, t.size() - 3);
  return cell;
}

// '=SUM(…), '+81…, '-1, '@x: how exports neutralise a cell a spreadsheet would run as a
// formula (supplier_export.cpp); the apostrophe is not part of the value.
bool is_neutralised(const std::string& cell) {
  return cell.size() >= 2 && cell[0] == '\'' && std::string_view("=+-@\t").find(cell[1]) != std::string_view::npos;
}

bool plausible_email(const std::string& s) {
  auto at = s.find('@');
  if (at == std::string::npos || at == 0 || s.find('@', at + 1) != std::string::npos) return false;
  std::string domain = s.substr(at + 1);
  auto dot = domain.find('.');
  if (dot == std::string::npos || dot == 0 || domain.back() == '.') return false;
  for (unsigned char c : s)
    if (c <= ' ' || c == ',' || c == ';' || c == '<' || c == '>' || c == '"' || c >= 0x80) return false;
  return true;
}

bool date_cell(const std::string& raw, std::optional<std::string>& out, std::string& why) {
  Date d;
  if (!parse_date(raw, d, why)) return false;
  out = d.iso();
  return true;
}
}  // namespace

bool parse_cell(const Catalogs& catalogs, const Date& today, Field f, const std::string& raw, SupplierPatch& patch,
                std::string& why) {
  auto& out = patch[f];
  switch (f) {
    case Field::vendor_code: {
      std::string v = text::trim(raw);
      if (v.size() > kMaxCodeBytes) {
        why = "取引先コードが長すぎます (max " + std::to_string(kMaxCodeBytes) + " bytes)";
        return false;
      }
      if (text::strip_hidden(v) != v) {  // a key: two codes that look the same must be the same
        why = "取引先コードに見えない文字（制御文字・書式文字）があります";
        return false;
      }
      out = v;
      return true;
    }
    case Field::name:
    case Field::contact:
    case Field::department:
    case Field::sa_declaration_id:
    case Field::scs_evidence: {
      // free text (text::clean_free_text): hidden characters removed, and a line break
      // inside a quoted cell ("山田\n太郎") becomes one space
      std::string v = text::trim(text::clean_free_text(raw, text::Lines::one));
      if (v.empty()) {
        why = "見えない文字（制御文字・書式文字）しかありません";
        return false;
      }
      if (v.size() > kMaxTextBytes) {
        why = "長すぎます (max " + std::to_string(kMaxTextBytes) + " bytes)";
        return false;
      }
      out = v;
      return true;
    }
    case Field::corporate_number: {
      std::string v;
      if (!corporate_number::normalize(raw, v, why)) {
        std::string upper = text::trim(raw);
        if (upper.find("E+") != std::string::npos || upper.find("e+") != std::string::npos)
          why += "。表計算ソフトが指数表記 (" + upper + ") に変えています: 列を文字列にして出力し直してください";
        return false;
      }
      out = v;
      return true;
    }
    case Field::email: {
      // one address, or several separated by ';' ',' or spaces (kept as "a@x; b@y")
      std::string v = text::clean_cell(raw), joined, one;
      auto flush = [&]() -> bool {
        if (one.empty()) return true;
        if (!plausible_email(one)) {
          why = "メールアドレスの形式ではありません: \"" + std::string(text::utf8_prefix(one, 80)) + "\"";
          return false;
        }
        joined += (joined.empty() ? "" : "; ") + one;
        one.clear();
        return true;
      };
      for (char c : v) {
        if (c == ';' || c == ',' || c == ' ' || c == '\t') {
          if (!flush()) return false;
        } else {
          one.push_back(c);
        }
      }
      if (!flush()) return false;
      if (joined.empty()) {
        why = "メールアドレスがありません";
        return false;
      }
      out = joined;
      return true;
    }
    case Field::sa_level:
    case Field::scs_level: {
      int level = 0;
      if (!(f == Field::sa_level ? levels::parse_sa(raw, level, why) : levels::parse_scs(raw, level, why)))
        return false;
      out = std::to_string(level);
      return true;
    }
    case Field::ota_start:  // a contract may start later: it counts from that day
      return date_cell(raw, out, why);
    case Field::sa_declared_on: {
      if (!date_cell(raw, out, why)) return false;
      Date d;
      parse_iso_date(*out, d);
      if (today < d) {
        why = "未来の日付です: " + *out + " (today " + today.iso() + ")";
        return false;
      }
      return true;
    }
    case Field::ota_end:
    case Field::scs_valid_until:
      return date_cell(raw, out, why);
    case Field::ota_service: {
      if (levels::is_none_word(raw)) {  // explicitly no subscription
        out = kOtasuketaiNone;
        return true;
      }
      const OtasuketaiService* s = catalogs.otasuketai.find(text::clean_cell(raw));
      if (!s) {
        why = "お助け隊サービスの登録一覧にありません: \"" + std::string(text::utf8_prefix(text::trim(raw), 120)) +
              "\" (schemas/otasuketai-services.yaml, " + catalogs.otasuketai.source_date + ")";
        return false;
      }
      out = s->name;
      if (!patch[Field::ota_provider]) patch[Field::ota_provider] = s->provider;
      return true;
    }
    case Field::ota_provider: {
      out = text::trim(text::clean_free_text(raw, text::Lines::one));
      return true;
    }
    case Field::chart_confidential:
    case Field::chart_critical:
    case Field::chart_network: {
      bool b = false;
      if (!levels::parse_yes_no(raw, b, why)) return false;
      out = b ? "1" : "0";
      return true;
    }
    case Field::active: {
      const std::string v = text::ascii_lower(text::clean_cell(raw));
      if (v == "取引中" || v == "有効" || v == "1" || v == "active") {
        out = "1";
      } else if (v == "取引停止" || v == "停止" || v == "無効" || v == "0" || v == "inactive") {
        out = "0";
      } else {
        why = "取引状態が読めません: \"" + std::string(text::utf8_prefix(text::trim(raw), 40)) +
              "\" (取引中 or 取引停止)";
        return false;
      }
      return true;
    }
    case Field::capital_yen: {  // 「1,000万円」「3億円」「10000000」, full-width too
      std::int64_t yen = 0;
      if (!company_size::parse_capital_yen(raw, yen, why)) return false;
      out = std::to_string(yen);
      return true;
    }
    case Field::employees: {
      long n = 0;
      if (!company_size::parse_employees(raw, n, why)) return false;
      out = std::to_string(n);
      return true;
    }
    case Field::equiv_service: {  // a short description of the supplier's own arrangement
      if (levels::is_none_word(raw)) {
        out = kOtasuketaiNone;
        return true;
      }
      std::string v = text::trim(text::clean_free_text(raw, text::Lines::one));
      if (text::visible_length(v) > kMaxEquivalentChars) {
        why = "同等のサービスの説明が長すぎます（" + std::to_string(kMaxEquivalentChars) +
              "文字まで。監視・駆け付け対応・保険などの内容と提供者を短く）";
        return false;
      }
      out = v;
      return true;
    }
    case Field::equiv_until:
      return date_cell(raw, out, why);
    case Field::name_normalized:
    case Field::count_:
      break;
  }
  why = "internal: unexpected column";
  return false;
}

bool RowParser::parse(const std::vector<std::string>& cells, std::size_t line, SupplierPatch& patch,
                      Rejection& why) const {
  why.line = line;
  std::size_t n = cells.size();
  // trailing empty cells beyond the header are harmless (spreadsheets add them)
  while (n > columns_.size() && text::trim(cells[n - 1]).empty()) --n;
  if (n > columns_.size()) {
    why.column = "";
    why.reason = "列が多すぎます (" + std::to_string(cells.size()) + " columns, header has " +
                 std::to_string(columns_.size()) + "); 会社名にカンマがあるなら \"…\" で囲んでください";
    return false;
  }
  if (n < columns_.size()) {
    why.column = "";
    why.reason =
        "列が足りません (" + std::to_string(n) + " columns, header has " + std::to_string(columns_.size()) + ")";
    return false;
  }
  patch = SupplierPatch{};
  std::deque<std::string> unwrapped;  // stable addresses for unwrapped ="…" cells
  // the provider column is read before the service so the registry only fills it when absent
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      const ColumnSpec* spec = columns_[i];
      if (!spec || ((spec->field == Field::ota_provider) != (pass == 0))) continue;
      const std::string& cell = is_neutralised(cells[i]) ? unwrapped.emplace_back(cells[i].substr(1))
                                : cells[i].size() >= 3 && cells[i].find("=\"") != std::string::npos
                                    ? unwrapped.emplace_back(unwrap_excel_text(cells[i]))
                                    : cells[i];
      if (text::trim(cell).empty()) {
        if (spec->required) {
          why.column = std::string(spec->display);
          why.reason = "必須の列が空です (required)";
          return false;
        }
        continue;
      }
      std::string reason;
      if (cell.find(kReplacementCharacter) != std::string::npos) {
        why.column = std::string(spec->display);
        why.reason =
            "文字化けしています: UTF-8 として読めないバイトがあります (broken character; was a name cut "
            "in half?)";
        return false;
      }
      if (!parse_cell(catalogs_, today_, spec->field, cell, patch, reason)) {
        why.column = std::string(spec->display);
        why.reason = reason;
        return false;
      }
    }
  }
  patch[Field::name_normalized] = text::normalize_company_name(*patch[Field::name]);
  if (!patch[Field::active]) patch[Field::active] = "1";  // an imported supplier is in business unless told
  if (patch[Field::ota_start] && patch[Field::ota_end] && *patch[Field::ota_end] < *patch[Field::ota_start]) {
    why.column = "お助け隊契約期限";
    why.reason = "契約期限 " + *patch[Field::ota_end] + " が開始日 " + *patch[Field::ota_start] + " より前です";
    return false;
  }
  // an equivalent service counts until its validity date: one without it cannot be judged
  if (patch[Field::equiv_service] && *patch[Field::equiv_service] != kOtasuketaiNone && !patch[Field::equiv_until]) {
    why.column = "同等のサービス有効期限";
    why.reason = "同等のサービスには有効期限が必要です（その日まで当社の暫定基準の判定に数えます）";
    return false;
  }
  return true;
}

}  // namespace hoshi::importer
