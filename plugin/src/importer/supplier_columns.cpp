#include "importer/supplier_columns.hpp"

#include <mutex>
#include <unordered_map>

#include "core/text.hpp"

namespace hoshi::importer {

const std::vector<ColumnSpec>& supplier_columns() {
  static const std::vector<ColumnSpec> kColumns = {
      {Field::vendor_code,
       "取引先コード",
       {"取引先コード", "取引先cd", "仕入先コード", "仕入先cd", "ベンダーコード", "vendor_code", "vendorcode", "vendor",
        "supplier_code", "code"},
       true},
      {Field::name,
       "会社名",
       {"会社名", "会社名称", "取引先名", "取引先名称", "仕入先名", "仕入先名称", "社名", "企業名", "法人名", "商号",
        "名称", "name", "company", "company_name", "supplier_name", "vendor_name", "カイシャメイ", "トリヒキサキメイ",
        "シイレサキメイ"},
       true},
      {Field::corporate_number, "法人番号", {"法人番号", "corporate_number", "corporatenumber", "houjin_bangou"}},
      {Field::email, "メールアドレス", {"メールアドレス", "メール", "e-mail", "email", "mail", "e_mail"}},
      {Field::contact, "担当者", {"担当者", "担当者名", "ご担当者", "contact", "contact_name", "contact_person"}},
      {Field::department, "部署", {"部署", "担当部署", "所管部署", "管理部署", "department", "dept"}},
      {Field::sa_level,
       "SA",
       {"sa", "security_action", "securityaction", "sa段階", "saレベル", "セキュリティアクション",
        "security action宣言", "sa_level"}},
      {Field::sa_declared_on, "SA宣言日", {"sa宣言日", "宣言日", "sa_declared_on", "sa_declared", "sa_date"}},
      {Field::sa_declaration_id,
       "SA自己宣言ID",
       {"sa自己宣言id", "自己宣言id", "sa宣言id", "sa_declaration_id", "sa_id"}},
      {Field::ota_service,
       "お助け隊サービス",
       {"お助け隊サービス", "お助け隊", "お助け隊サービス名", "otasuketai", "otasuketai_service", "ota_service"}},
      {Field::ota_provider,
       "お助け隊事業者",
       {"お助け隊事業者", "お助け隊提供事業者", "otasuketai_provider", "ota_provider"}},
      {Field::ota_start,
       "お助け隊契約開始日",
       {"お助け隊契約開始日", "お助け隊契約開始", "お助け隊開始日", "otasuketai_start", "ota_start"}},
      {Field::ota_end,
       "お助け隊契約期限",
       {"お助け隊契約期限", "お助け隊契約終了日", "お助け隊期限", "お助け隊終了日", "otasuketai_end",
        "otasuketai_until", "ota_end"}},
      {Field::scs_level, "SCS", {"scs", "scs_level", "scs段階", "scsレベル", "scs評価", "scs★"}},
      {Field::scs_evidence, "SCS証跡", {"scs証跡", "scs証憑", "scs_evidence", "scs根拠", "scs確認書類", "evidence"}},
      {Field::scs_valid_until,
       "SCS有効期限",
       {"scs有効期限", "scs期限", "scs_valid_until", "scs_expiry", "scs_expires"}},
      {Field::chart_confidential,
       "機密情報取扱い",
       {"機密情報取扱い", "機密情報の取扱い", "機密情報取扱", "機密情報", "confidential_info", "chart_confidential"}},
      {Field::chart_critical,
       "事業停止影響",
       {"事業停止影響", "事業停止の影響", "停止時の影響", "停止影響", "critical_dependency", "chart_critical"}},
      {Field::chart_network,
       "社内システム接続",
       {"社内システム接続", "社内システムへの接続", "社内ネットワーク接続", "network_access", "chart_network"}},
      {Field::active, "取引状態", {"取引状態", "取引区分", "active"}},
      {Field::capital_yen,
       "資本金",
       {"資本金", "資本金額", "資本金(円)", "資本金の額", "出資の総額", "capital_yen", "capital"}},
      {Field::employees,
       "従業員数",
       {"従業員数", "従業員", "常時使用する従業員の数", "常時使用する従業員数", "従業員数(人)", "employees",
        "employee_count", "headcount"}},
      // 同等のサービス: the supplier's own arrangement equivalent to an お助け隊 service
      {Field::equiv_service,
       "同等のサービス",
       {"同等のサービス", "同等サービス", "お助け隊同等サービス", "お助け隊と同等のサービス", "equivalent_service",
        "equiv_service"}},
      {Field::equiv_until,
       "同等のサービス有効期限",
       {"同等のサービス有効期限", "同等のサービスの有効期限", "同等サービス有効期限", "同等のサービス期限",
        "equivalent_until", "equiv_until"}},
  };
  return kColumns;
}

namespace {
bool is_format_note(const std::string& note) {
  for (char c : note)
    if (c >= '0' && c <= '9') return true;  // 13桁, YYYY/MM/DD with digits, 1/2
  for (std::string_view word : {"桁", "必須", "任意", "形式", "半角", "全角", "西暦", "和暦", "yyyy", "日付", "例",
                                "はい", "★", "年月日", "数字", "英数"})
    if (note.find(word) != std::string::npos) return true;
  return false;
}

std::string header_key(std::string_view h) {
  std::string s = text::ascii_lower(text::clean_cell(h));
  // "法人番号(13桁)", "SCS有効期限(YYYY/MM/DD)", "*取引先コード", "※会社名": format notes and
  // required marks are not names. A note that names something else ("会社名(カナ)",
  // "メールアドレス(CC)") makes another column, which is left alone.
  if (!s.empty() && s.back() == ')') {
    auto open = s.rfind('(');
    if (open != std::string::npos && open > 0 && is_format_note(s.substr(open + 1, s.size() - open - 2))) s.erase(open);
  }
  for (std::string_view mark : {"*", "※", "必須"}) {
    if (s.compare(0, mark.size(), mark) == 0) s.erase(0, mark.size());
    if (s.size() > mark.size() && s.compare(s.size() - mark.size(), mark.size(), mark) == 0)
      s.erase(s.size() - mark.size());
  }
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '_' && c != '-') out.push_back(c);
  // U+30FB middle dot
  for (std::size_t p; (p = out.find("\xE3\x83\xBB")) != std::string::npos;) out.erase(p, 3);
  return out;
}
}  // namespace

const ColumnSpec* match_header(std::string_view header) {
  static std::once_flag once;
  static std::unordered_map<std::string, const ColumnSpec*> index;
  std::call_once(once, [] {
    for (const auto& spec : supplier_columns()) {
      index.emplace(header_key(spec.display), &spec);
      for (auto a : spec.aliases) index.emplace(header_key(a), &spec);
    }
  });
  auto it = index.find(header_key(header));
  return it == index.end() ? nullptr : it->second;
}

}  // namespace hoshi::importer
