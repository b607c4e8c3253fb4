// The fairness guardrails as data: each rule refuses its case, lets a fair request
// through, and yields to an authorised override with a reason; the rule file is
// checked like every catalog. Also the audit hash format against a known answer.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include "catalog/catalog_loader.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "domain/guardrails.hpp"

using namespace hoshi;
using namespace hoshi::records;
BOOST_TEST_DONT_PRINT_LOG_VALUE(hoshi::records::Holding)

namespace {
const Catalogs& cat() {
  static Catalogs c = catalog::load_all(HOSHITORI_SOURCE_SCHEMAS_DIR, "");
  return c;
}

const Date kToday{2026, 11, 20};

RequestInput fair() {
  RequestInput in;
  in.vendor_code = "V0001";
  in.level = "scs3";
  in.due = Date{2027, 3, 31};
  in.items = {"4-1-3"};
  in.cost_sharing = CostSharing{"折半", "初期費用と運用費用の半額を当社が負担し、残りは協議します。", true};
  return in;
}

GuardContext ctx(int chart_level = 3) {
  GuardContext c;
  c.today = kToday;
  c.chart_level = chart_level;
  c.chart_reason = "要求★3";
  return c;
}

GuardOutcome issue(const RequestInput& in, const GuardContext& c = ctx(), const std::string& actor = "yamada") {
  return check_issue(cat().guardrails, cat().policy.requests, in, c, actor);
}

const GuardResult& result(const GuardOutcome& o, const std::string& rule) {
  for (const auto& r : o.results)
    if (r.rule == rule) return r;
  throw std::runtime_error("no result for " + rule);
}

std::vector<std::string> ids(std::initializer_list<const char*> l) { return {l.begin(), l.end()}; }

std::string write(const std::string& name, const std::string& body) {
  auto dir = std::filesystem::temp_directory_path() / "hoshitori-guardrail-tests";
  std::filesystem::create_directories(dir);
  auto p = (dir / name).string();
  std::ofstream(p) << body;
  return p;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(guardrails_suite)

BOOST_AUTO_TEST_CASE(a_fair_request_passes_every_rule) {
  auto o = issue(fair());
  BOOST_TEST(!o.refused());
  BOOST_TEST(o.results.size() == 9u);  // the issue rules; no-unilateral-price is for price decisions
  for (const auto& r : o.results) BOOST_TEST(r.passed, r.rule);
}

BOOST_AUTO_TEST_CASE(a_condition_of_trade_or_a_penalty_is_refused) {
  for (const char* words :
       {"SCS★3の取得を取引継続の条件とします。", "期限までに★3を取得できない場合は、発注を停止します。",
        "ＳＥＣＵＲＩＴＹ ＡＣＴＩＯＮの宣言がなければ取引の見直しを行います",
        "評価を受けない取引先には違約金を請求します。", "★3を取得しない場合は、今後は発注しません。"}) {
    RequestInput in = fair();
    in.reason = words;
    auto o = issue(in);
    BOOST_TEST(o.refused(), words);
    BOOST_TEST(!result(o, "no-forced-declaration").passed, words);
    BOOST_TEST(result(o, "no-forced-declaration").detail.find("reason") != std::string::npos);
  }
  // promises of the opposite, and ordinary words, pass
  for (const char* words : {"ご回答の内容を理由に取引停止などの不利益な取扱いをすることはありません。",
                            "★3の取得は取引の条件ではありません。ご相談ください。",
                            "取引先の皆様と協力して対策を進めたく、評価の取得をお願いします。"}) {
    RequestInput in = fair();
    in.necessity = words;
    BOOST_TEST(result(issue(in), "no-forced-declaration").passed, words);
  }
  // in the cost-sharing explanation too, and an override by the compliance function holds
  RequestInput in = fair();
  in.cost_sharing->explanation = "費用は折半します。ただし★3を取得しない場合は契約を解除します。";
  BOOST_TEST(!result(issue(in), "no-forced-declaration").passed);
  in.overrides = {{"no-forced-declaration", "文面は法務確認済み、誤検出のため上書き"}};
  BOOST_TEST(result(issue(in, ctx(), "compliance"), "no-forced-declaration").overridden);
}

BOOST_AUTO_TEST_CASE(a_named_service_as_a_condition_of_an_order_is_refused) {
  GuardContext c = ctx();
  c.services = {"商工会議所サイバーセキュリティお助け隊サービス", "ランサムガード"};
  for (const char* words :
       {"お助け隊サービスへの加入を発注の条件とします。", "ランサムガードを契約しない場合は入札に参加できません",
        "今後の取引にはお助け隊の利用が必須です。"}) {
    RequestInput in = fair();
    in.reason = words;
    BOOST_TEST(!result(issue(in, c), "no-service-condition").passed, words);
  }
  for (const char* words : {"お助け隊サービスの利用をお勧めしますが、同等の対策であれば問いません。",
                            "お助け隊サービスの利用は取引の条件ではありません。",
                            "ランサムガードのような監視サービスが費用を抑える一つの方法です。"}) {
    RequestInput in = fair();
    in.reason = words;
    BOOST_TEST(result(issue(in, c), "no-service-condition").passed, words);
  }
}

BOOST_AUTO_TEST_CASE(after_a_decline_what_changed_is_required) {
  GuardContext c = ctx();
  c.declined = {{"2026-00001", Date{2027, 3, 31}, "折半\n以前の説明"}};
  RequestInput in = fair();
  auto r = result(issue(in, c), "no-pressing-after-refusal");
  BOOST_TEST(!r.passed);
  BOOST_TEST(r.detail.find("2026-00001") != std::string::npos);
  in.what_changed = WhatChanged{"", "", "期限を延ばしました"};
  r = result(issue(in, c), "no-pressing-after-refusal");
  BOOST_TEST(!r.passed);  // the due date is not later than the declined one's
  BOOST_TEST(r.detail.find("より後ではありません") != std::string::npos);
  in.due = Date{2027, 6, 30};
  BOOST_TEST(result(issue(in, c), "no-pressing-after-refusal").passed);
  in = fair();
  in.what_changed = WhatChanged{"専門家の派遣費用を当社が負担します", "", ""};
  BOOST_TEST(result(issue(in, c), "no-pressing-after-refusal").passed);
  // a larger share in words, with a cost sharing that differs only in punctuation: no change
  GuardContext same = c;
  same.declined = {
      {"2026-00001", Date{2027, 3, 31}, "折半\n初期費用と運用費用の半額を当社が負担し、残りは協議します！"}};
  in = fair();
  in.what_changed = WhatChanged{"", "当社の負担を広げました", ""};
  BOOST_TEST(!result(issue(in, same), "no-pressing-after-refusal").passed);
  in.cost_sharing->explanation = "初期費用の全額と運用費用の半額を当社が負担します。";
  BOOST_TEST(result(issue(in, same), "no-pressing-after-refusal").passed);
  // an unanswered negotiation ask cannot be overcome by a change: it must be answered
  c.pressing_on = {"2026-00002"};
  BOOST_TEST(!result(issue(in, c), "no-pressing-after-refusal").passed);
}

BOOST_AUTO_TEST_CASE(overriding_for_a_supplier_that_objected_needs_compliance) {
  Catalogs c2 = cat();
  c2.policy.requests.overriders = {"yamada", "compliance"};
  c2.policy.requests.compliance = {"compliance"};
  RequestInput in = fair();
  in.due = Date{2026, 12, 20};
  in.overrides = {{"due-date-minimum", "繁忙期前に確認が必要なため短縮します"}};
  GuardContext c = ctx();
  auto plain = check_issue(c2.guardrails, c2.policy.requests, in, c, "yamada");
  BOOST_TEST(result(plain, "due-date-minimum").overridden);
  c.supplier_objected = true;
  auto o = check_issue(c2.guardrails, c2.policy.requests, in, c, "yamada");
  BOOST_TEST(!result(o, "due-date-minimum").overridden);
  BOOST_TEST(result(o, "due-date-minimum").detail.find("コンプライアンス") != std::string::npos);
  BOOST_TEST(
      result(check_issue(c2.guardrails, c2.policy.requests, in, c, "compliance"), "due-date-minimum").overridden);
}

BOOST_AUTO_TEST_CASE(hollow_words_count_nothing) {
  RequestInput in = fair();
  for (const char* hollow :
       {"。。。。。。。。。。。。。。。。。。。。。。", "ああああああああああああああああああああああ",
        "ababababababababababababab", "12345678901234567890123", "ーーーーーーーーーーーーーーーーーーーーーー"}) {
    in.cost_sharing->explanation = hollow;
    BOOST_TEST(!result(issue(in), "cost-sharing-explained").passed, hollow);
  }
  BOOST_TEST(text::wording_length("コーヒー代") == 5u);  // ー after a letter lengthens it
  BOOST_TEST(text::wording_length("ーーー") == 0u);
}

BOOST_AUTO_TEST_CASE(every_rule_of_the_file_has_its_pure_check) {
  for (const auto& r : cat().guardrails)
    if (r.applies_to == "issue") BOOST_TEST(issue_check(r.check) != nullptr, r.check);
  BOOST_TEST(issue_check("no_unilateral_price") == nullptr);
  BOOST_TEST(issue_check("") == nullptr);
}

BOOST_AUTO_TEST_CASE(cost_sharing_missing_or_thin_is_refused) {
  RequestInput in = fair();
  in.cost_sharing.reset();
  BOOST_TEST(issue(in).refused_ids() == ids({"cost-sharing-explained", "cost-negotiable"}),
             boost::test_tools::per_element());
  in = fair();
  in.cost_sharing->explanation = "協議します";  // 5 characters: too thin
  BOOST_TEST(issue(in).refused_ids() == ids({"cost-sharing-explained"}), boost::test_tools::per_element());
  BOOST_TEST(result(issue(in), "cost-sharing-explained").detail.find("5 文字") != std::string::npos);
  in = fair();
  in.cost_sharing->method = "　";  // ideographic space only
  BOOST_TEST(issue(in).refused());
}

BOOST_AUTO_TEST_CASE(cost_not_stated_negotiable_is_refused) {
  RequestInput in = fair();
  in.cost_sharing->negotiable = false;
  BOOST_TEST(issue(in).refused_ids() == ids({"cost-negotiable"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_level_above_the_chart_needs_a_written_necessity) {
  RequestInput in = fair();
  in.level = "scs4";
  BOOST_TEST(issue(in).refused_ids() == ids({"level-justified"}), boost::test_tools::per_element());
  BOOST_TEST(!issue(in, ctx(4)).refused());  // the chart itself says ★4
  in.necessity = "当社の設計図面を取引先のクラウド環境で共有し、改変されると製品の安全性に影響するため。";
  BOOST_TEST(!issue(in).refused());
  in.necessity = "必要なため";  // too short to explain anything
  BOOST_TEST(issue(in).refused());
  in = fair();
  in.level = "sa2";  // a first step is never above the chart
  in.items.clear();
  BOOST_TEST(!issue(in).refused());
}

BOOST_AUTO_TEST_CASE(a_mandatory_designated_service_is_refused_a_recommended_one_is_not) {
  RequestInput in = fair();
  in.designated_service = "防検サイバー";
  BOOST_TEST(!issue(in).refused());
  in.designated_mandatory = true;
  BOOST_TEST(issue(in).refused_ids() == ids({"no-designated-purchase"}), boost::test_tools::per_element());
  BOOST_TEST(result(issue(in), "no-designated-purchase").detail.find("防検サイバー") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_due_date_inside_the_policy_minimum_is_refused) {
  RequestInput in = fair();
  in.due = Date::from_days(kToday.days() + cat().policy.requests.min_due_days - 1);
  BOOST_TEST(issue(in).refused_ids() == ids({"due-date-minimum"}), boost::test_tools::per_element());
  in.due = Date::from_days(kToday.days() + cat().policy.requests.min_due_days);
  BOOST_TEST(!issue(in).refused());
}

BOOST_AUTO_TEST_CASE(pressing_after_an_unanswered_refusal_is_refused) {
  GuardContext c = ctx();
  c.pressing_on = {"2026-00007"};
  auto o = issue(fair(), c);
  BOOST_TEST(o.refused_ids() == ids({"no-pressing-after-refusal"}), boost::test_tools::per_element());
  BOOST_TEST(result(o, "no-pressing-after-refusal").detail.find("2026-00007") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_price_decision_with_an_unanswered_request_is_refused) {
  GuardContext c = ctx();
  auto ok = check_price_decision(cat().guardrails, cat().policy.requests, {}, c, "yamada");
  BOOST_TEST(!ok.refused());
  c.unanswered_step = "ステップ1（estimate）";
  auto no = check_price_decision(cat().guardrails, cat().policy.requests, {}, c, "yamada");
  BOOST_TEST(no.refused_ids() == ids({"no-unilateral-price"}), boost::test_tools::per_element());
  // a statutory prohibition: no override, not even by the compliance function
  BOOST_CHECK_THROW(check_price_decision(cat().guardrails, cat().policy.requests,
                                         {{"no-unilateral-price", "取引先から書面で価格据え置きの同意を得ているため"}},
                                         c, "compliance"),
                    hoshi::Error);
}

// already-meets: the supplier's ★ on record against the level, the due date and the
// expiring window (60 days in the shipped policy).
BOOST_AUTO_TEST_CASE(a_level_the_supplier_already_holds_is_refused_a_renewal_is_not) {
  StatusView s;
  s.scs_level = 4;
  s.scs_valid_until = Date{2029, 3, 31};
  RequestInput in = fair();  // ★3, due 2027-03-31
  GuardContext c = ctx();
  add_holding(c, cat().policy, s, in.level);
  BOOST_TEST(c.held == "SCS★4");  // ★4 meets a ★3 request
  BOOST_TEST(holding_of(in, c) == Holding::needless);
  BOOST_TEST(issue(in, c).refused_ids() == ids({"already-meets"}), boost::test_tools::per_element());
  BOOST_TEST(result(issue(in, c), "already-meets").detail.find("2029-03-31") != std::string::npos);
  // valid until the due date or before it: a renewal, issued
  s.scs_valid_until = Date{2027, 3, 31};
  add_holding(c, cat().policy, s, in.level);
  BOOST_TEST(holding_of(in, c) == Holding::renewal);
  BOOST_TEST(!issue(in, c).refused());
  // valid beyond the due date, but inside the expiring window (60 days from today)
  in.due = Date{2027, 2, 18};
  s.scs_valid_until = Date{2027, 1, 19};
  add_holding(c, cat().policy, s, in.level);
  BOOST_TEST(holding_of(in, c) == Holding::renewal);
  s.scs_valid_until = Date{2027, 3, 1};  // 101 days left, after the due date
  add_holding(c, cat().policy, s, in.level);
  BOOST_TEST(holding_of(in, c) == Holding::needless);
  // expired: a renewal
  s.scs_valid_until = Date{2026, 10, 1};
  add_holding(c, cat().policy, s, in.level);
  BOOST_TEST(holding_of(in, c) == Holding::renewal);
  // a lower level held, or no validity recorded, or nothing: not this rule's case
  s.scs_level = 3;
  s.scs_valid_until = Date{2029, 3, 31};
  in.level = "scs4";
  add_holding(c, cat().policy, s, in.level);
  BOOST_TEST(holding_of(in, c) == Holding::none);
  in.level = "scs3";
  s.scs_valid_until.reset();
  add_holding(c, cat().policy, s, in.level);
  BOOST_TEST(holding_of(in, c) == Holding::none);
  // SA ★★: any SCS ★ meets it; an SA ★★ declaration counts until its yearly re-confirmation
  StatusView sa;
  sa.sa_level = 2;
  sa.sa_declared_on = Date{2026, 10, 1};  // re-confirm 2027-10-01
  in.level = "sa2";
  add_holding(c, cat().policy, sa, in.level);
  BOOST_TEST(c.held == "SECURITY ACTION ★★");
  BOOST_TEST(holding_of(in, c) == Holding::needless);
  sa.sa_declared_on = Date{2024, 6, 10};  // overdue
  add_holding(c, cat().policy, sa, in.level);
  BOOST_TEST(holding_of(in, c) == Holding::renewal);
  // an interim-rule standing (SA ★★ + お助け隊 as ★3) is no ★3 held
  sa.ota_service = "SOMPO SHERIFF";
  in.level = "scs3";
  add_holding(c, cat().policy, sa, in.level);
  BOOST_TEST(holding_of(in, c) == Holding::none);
}

BOOST_AUTO_TEST_CASE(every_issue_rule_yields_to_an_authorised_override_with_a_reason) {
  for (const char* rule : {"cost-sharing-explained", "cost-negotiable", "level-justified", "no-designated-purchase",
                           "due-date-minimum", "no-pressing-after-refusal", "already-meets"}) {
    RequestInput in = fair();
    GuardContext c = ctx();
    const std::string r = rule;
    if (r == "cost-sharing-explained") in.cost_sharing->explanation = "";
    if (r == "cost-negotiable") in.cost_sharing->negotiable = false;
    if (r == "level-justified") in.level = "scs4";
    if (r == "no-designated-purchase") in.designated_service = "X", in.designated_mandatory = true;
    if (r == "due-date-minimum") in.due = Date{2026, 12, 1};
    if (r == "no-pressing-after-refusal") c.pressing_on = {"2026-00001"};
    if (r == "already-meets") c.held = "SCS★4", c.held_until = Date{2029, 3, 31};
    BOOST_TEST(issue(in, c).refused_ids() == ids({rule}), boost::test_tools::per_element());
    in.overrides = {{r, "法務部と協議の上、例外として承認済み（稟議 2026-118）"}};
    BOOST_TEST(issue(in, c, "yamada").refused(), r << ": a user not in requests.overriders cannot override");
    auto o = issue(in, c, "compliance");
    BOOST_TEST(!o.refused(), r);
    BOOST_TEST(result(o, r).overridden);
    BOOST_TEST(result(o, r).override_by == "compliance");
    in.overrides = {{r, "例外"}};  // shorter than min_override_reason_chars
    BOOST_TEST(issue(in, c, "compliance").refused(), r << ": an override needs a real reason");
  }
}

BOOST_AUTO_TEST_CASE(an_override_naming_no_rule_is_an_input_error) {
  RequestInput in = fair();
  in.overrides = {{"no-such-rule", "理由は十分に長く書いてあります"}};
  BOOST_CHECK_THROW(issue(in), hoshi::Error);
  in.overrides = {{"no-unilateral-price", "理由は十分に長く書いてあります"}};  // a price rule, not an issue rule
  BOOST_CHECK_THROW(issue(in), hoshi::Error);
}

BOOST_AUTO_TEST_CASE(the_rule_file_is_checked_like_every_catalog) {
  const std::string good = std::string(HOSHITORI_SOURCE_SCHEMAS_DIR) + "/guardrails.yaml";
  std::ifstream in(good);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  BOOST_TEST(catalog::load_guardrails(good).size() == 10u);

  auto fails = [&](const std::string& body, const std::string& expect) {
    try {
      catalog::load_guardrails(write("g.yaml", body));
    } catch (const catalog::CatalogError& e) {
      BOOST_TEST(std::string(e.what()).find(expect) != std::string::npos, e.what());
      BOOST_TEST(std::string(e.what()).find("g.yaml:") != std::string::npos, e.what());
      return;
    }
    BOOST_ERROR("accepted a bad rule file: expected " + expect);
  };
  std::string unknown = text;
  unknown.replace(unknown.find("check: due_date_minimum"), 23, "check: due_date_maximum");
  fails(unknown, "unknown check 'due_date_maximum'");
  std::string dup = text;
  dup.replace(dup.find("id: cost-negotiable"), 19, "id: cost-sharing-explained");
  fails(dup, "appears twice");
  std::string severity = text;
  severity.replace(severity.find("severity: refuse"), 16, "severity: maybe");
  fails(severity, "must be refuse or warn");
  // dropping a rule silently drops a legal duty
  std::string dropped = text.substr(0, text.find("  - id: no-unilateral-price"));
  fails(dropped, "no rule uses the check 'no_unilateral_price'");
}

BOOST_AUTO_TEST_SUITE_END()
