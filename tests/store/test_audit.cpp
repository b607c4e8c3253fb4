// The audit trail and the records around requests, on both backends: the chain
// verifies; edits, deletions, insertions and swaps made directly in the database are
// found at the right sequence number; append-only holds inside retention; a purge
// past retention removes only what it may, says so, and leaves the chain verifiable.
#include <Poco/JSON/Parser.h>
#include <soci/soci.h>

#include <boost/test/unit_test.hpp>

#include <fstream>

#include "service/requests.hpp"
#include "store/audit_log.hpp"
#include "test_db.hpp"

using namespace hoshi;

namespace {
ServiceOptions options(const std::string& url, Date today = {2026, 11, 20}) {
  ServiceOptions o;
  o.database = url;
  o.schemas_dir = HOSHITORI_SOURCE_SCHEMAS_DIR;
  o.today = today;
  return o;
}

records::RequestInput fair(const std::string& code) {
  records::RequestInput in;
  in.vendor_code = code;
  in.level = "scs3";
  in.due = Date{2027, 3, 31};
  in.items = {"4-1-3"};
  in.cost_sharing = records::CostSharing{"折半", "初期費用と運用費用の半額を当社が負担し、残りは協議します。", true};
  return in;
}

StepInput step(const std::string& side, const std::string& kind, const std::string& json) {
  StepInput s;
  s.side = side;
  s.kind = kind;
  s.body = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
  return s;
}

// A database with suppliers, one request negotiated to agreement: a dozen events.
struct Story {
  std::string url = test::fresh_database();
  Service svc{options(url)};
  RequestService rs{svc};
  std::string number;
  Story() {
    std::string csv = test::temp_dir() + "/audit-suppliers.csv";
    std::ofstream(csv, std::ios::binary) << "取引先コード,会社名\nA1,株式会社エー\nA2,株式会社ビー\n";
    importer::ImportOptions io;
    io.actor = "test";
    svc.import_file(csv, io);
    number = rs.issue(fair("A1"), "yamada", false).number;
    rs.step(number, step("supplier", "estimate", R"({"initial_cost": 1000000})"), "sato");
    rs.step(number, step("buyer", "proposal", R"({"buyer_amount": 500000, "basis": "見積りの初期費用の半額"})"),
            "yamada");
    auto ag = rs.step(number, step("buyer", "agreement", R"({"terms": {"sharing": "折半", "buyer_amount": 500000}})"),
                      "yamada");
    rs.confirm(number, "buyer", ag.agreement_sha256, "yamada", "test");
    // a bare staff call cannot speak for the supplier: refused, nothing recorded
    BOOST_CHECK_THROW(rs.confirm(number, "supplier", ag.agreement_sha256, "sato", "test"), hoshi::Error);
    BOOST_TEST(rs.show(number)->getArray("agreements")->getObject(0)->getArray("confirmations")->size() == 1u);
    rs.confirm(number, "supplier", ag.agreement_sha256, "sato", RequestService::kSupplierLinkMethod);
  }
  records::VerifyReport verify() {
    return svc.with_db([](store::Database& db) { return records::AuditLog(db).verify(); });
  }
  // A second connection, as someone with database access would have.
  void tamper(const std::vector<std::string>& statements) {
    store::Database raw(url);
    if (raw.backend() == store::Backend::sqlite) {
      raw.session() << "DROP TRIGGER audit_events_no_update";
      raw.session() << "DROP TRIGGER audit_events_no_delete";
    } else {
      raw.session() << "DROP TRIGGER audit_events_append_only ON audit_events";
    }
    for (const auto& s : statements) raw.session() << s;
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(audit_suite)

BOOST_AUTO_TEST_CASE(the_story_leaves_an_intact_chain_with_every_step) {
  Story s;
  auto rep = s.verify();
  BOOST_TEST(rep.intact, rep.problem);
  // import, drafted, issued, estimate + negotiating, proposal, agreement, 2 confirmations, agreed
  BOOST_TEST(rep.events == 10);
  BOOST_TEST(rep.head.seq == 10);
  std::vector<std::string> actions;
  s.svc.with_db([&](store::Database& db) {
    records::AuditLog(db).scan({}, [&](const records::AuditEvent& e) {
      actions.push_back(e.action);
      return true;
    });
    return 0;
  });
  BOOST_TEST(actions.front() == "suppliers.imported");
  BOOST_TEST(actions.back() == "request.agreed");
  auto shown = s.rs.show(s.number);
  BOOST_TEST(shown->getValue<std::string>("state") == "agreed");
}

BOOST_AUTO_TEST_CASE(an_edited_event_is_named) {
  Story s;
  s.tamper({"UPDATE audit_events SET actor = 'someone else' WHERE seq = 3"});
  auto rep = s.verify();
  BOOST_TEST(!rep.intact);
  BOOST_TEST(rep.bad_seq == 3);
  BOOST_TEST(rep.problem.find("edited") != std::string::npos, rep.problem);
}

BOOST_AUTO_TEST_CASE(an_edited_payload_is_named) {
  Story s;
  s.tamper({"UPDATE audit_events SET after_json = '{\"step\":1}' WHERE seq = 4"});
  auto rep = s.verify();
  BOOST_TEST(rep.bad_seq == 4);
  BOOST_TEST(rep.problem.find("before/after") != std::string::npos, rep.problem);
}

BOOST_AUTO_TEST_CASE(a_deleted_event_is_named) {
  Story s;
  s.tamper({"DELETE FROM audit_events WHERE seq = 5"});
  auto rep = s.verify();
  BOOST_TEST(rep.bad_seq == 5);
  BOOST_TEST(rep.problem.find("missing") != std::string::npos, rep.problem);
}

BOOST_AUTO_TEST_CASE(a_deleted_tail_is_named_through_the_counter) {
  Story s;
  s.tamper({"DELETE FROM audit_events WHERE seq >= 9"});
  auto rep = s.verify();
  BOOST_TEST(rep.bad_seq == 9);
  BOOST_TEST(rep.problem.find("missing at the end") != std::string::npos, rep.problem);
}

BOOST_AUTO_TEST_CASE(swapped_events_are_named_at_the_first) {
  Story s;
  s.tamper({"UPDATE audit_events SET seq = -1 WHERE seq = 6", "UPDATE audit_events SET seq = 6 WHERE seq = 7",
            "UPDATE audit_events SET seq = 7 WHERE seq = -1"});
  auto rep = s.verify();
  BOOST_TEST(rep.bad_seq == 6);
  BOOST_TEST(rep.problem.find("does not follow") != std::string::npos, rep.problem);
}

BOOST_AUTO_TEST_CASE(an_inserted_event_is_named) {
  Story s;
  // make room at 4 by renumbering the rest upwards, then forge an event there
  std::vector<std::string> sql;
  for (int seq = 10; seq >= 4; --seq)
    sql.push_back("UPDATE audit_events SET seq = " + std::to_string(seq + 1) + " WHERE seq = " + std::to_string(seq));
  sql.push_back(
      "INSERT INTO audit_events (seq, at, actor, action, subject, vendor_code, before_json, after_json, "
      "payload_sha256, prev_hash, hash) SELECT 4, at, 'forger', 'negotiation.message', subject, vendor_code, NULL, "
      "'{}', payload_sha256, hash, hash FROM audit_events WHERE seq = 3");
  sql.push_back("UPDATE meta SET value = 11 WHERE key = 'audit_seq'");
  s.tamper(sql);
  auto rep = s.verify();
  BOOST_TEST(rep.bad_seq == 4);
}

BOOST_AUTO_TEST_CASE(a_rewritten_chain_misses_the_head_an_auditor_kept) {
  Story s;
  const std::string kept = s.verify().head.hash;
  s.tamper({"DELETE FROM audit_events WHERE seq = 10", "UPDATE meta SET value = 9 WHERE key = 'audit_seq'"});
  auto plain = s.svc.with_db([](store::Database& db) { return records::AuditLog(db).verify(); });
  BOOST_TEST(plain.intact);  // a clean cut at the end cannot be seen from inside…
  auto anchored = s.svc.with_db([&](store::Database& db) { return records::AuditLog(db).verify(kept); });
  BOOST_TEST(!anchored.intact);  // …but the head from an earlier export shows it
  BOOST_TEST(anchored.problem.find(kept) != std::string::npos, anchored.problem);
}

BOOST_AUTO_TEST_CASE(records_are_append_only_in_the_database_itself) {
  Story s;
  store::Database raw(s.url);
  for (const char* sql :
       {"UPDATE audit_events SET actor = 'x' WHERE seq = 1", "DELETE FROM audit_events",
        "UPDATE negotiation_steps SET body = '{}'", "DELETE FROM negotiation_steps", "DELETE FROM agreements",
        "UPDATE agreements SET document = 'x'", "DELETE FROM agreement_confirmations",
        "DELETE FROM request_transitions", "DELETE FROM requests"})
    BOOST_CHECK_THROW(raw.session() << sql, soci::soci_error);
  BOOST_TEST(s.verify().intact);
}

BOOST_AUTO_TEST_CASE(purge_keeps_everything_inside_retention_and_records_what_it_removes) {
  Story s;
  // inside retention (2 years): nothing goes
  auto none = s.rs.purge("admin", false);
  BOOST_TEST(none.numbers.empty());
  BOOST_TEST(s.rs.show(s.number)->getValue<std::string>("state") == "agreed");
  // an open request is never purged, however old
  const std::string open = s.rs.issue(fair("A2"), "yamada", false).number;

  // past the requests' 2 years, an agreed request is kept whole for its agreement (7 years)
  Service past_two(options(s.url, Date{2029, 12, 1}));
  auto kept = RequestService(past_two).purge("admin", false);
  BOOST_TEST(kept.numbers.empty());
  BOOST_TEST(kept.kept.size() == 1u);
  BOOST_TEST(kept.kept.at(0).number == s.number);
  BOOST_TEST(kept.kept.at(0).kind == "agreement");
  BOOST_TEST(RequestService(past_two).show(s.number)->getValue<std::string>("state") == "agreed");

  Service later(options(s.url, Date{2034, 12, 1}));
  RequestService rs(later);
  auto dry = rs.purge("admin", true);
  BOOST_TEST(dry.numbers == std::vector<std::string>{s.number}, boost::test_tools::per_element());
  BOOST_TEST(dry.removed.at(0).kind == "agreement");
  BOOST_TEST(rs.show(s.number)->getValue<std::string>("state") == "agreed");  // a dry run changes nothing
  auto done = rs.purge("admin", false);
  BOOST_TEST(done.cutoff == "2032-12-01");
  BOOST_TEST(done.agreements_cutoff == "2027-12-01");
  BOOST_TEST(done.numbers == std::vector<std::string>{s.number}, boost::test_tools::per_element());
  BOOST_TEST(done.events_redacted == 9);  // drafted … agreed: every event about that request
  BOOST_CHECK_THROW(rs.show(s.number), hoshi::Error);
  BOOST_TEST(rs.show(open)->getValue<std::string>("state") == "issued");
  auto rep = later.with_db([](store::Database& db) { return records::AuditLog(db).verify(); });
  BOOST_TEST(rep.intact, rep.problem);
  BOOST_TEST(rep.redacted == 9);
  std::string last;
  later.with_db([&](store::Database& db) {
    records::AuditLog(db).scan({}, [&](const records::AuditEvent& e) {
      last = e.action;
      return true;
    });
    return 0;
  });
  BOOST_TEST(last == "records.purged");
}

BOOST_AUTO_TEST_CASE(a_blanked_payload_without_a_purge_is_tampering) {
  Story s;
  s.tamper({"UPDATE audit_events SET after_json = NULL, redacted_at = '2026-11-23T00:00:00.000Z' WHERE seq = 2"});
  auto rep = s.verify();
  BOOST_TEST(rep.bad_seq == 2);
  BOOST_TEST(rep.problem.find("no purge") != std::string::npos, rep.problem);
}

BOOST_AUTO_TEST_CASE(filters_pick_by_supplier_and_japan_time_day) {
  Story s;
  long long a1 = 0, all = 0;
  s.svc.with_db([&](store::Database& db) {
    records::AuditLog log(db);
    records::AuditFilter f;
    f.vendor_code = "A1";
    log.scan(f, [&](const records::AuditEvent& e) {
      BOOST_TEST(*e.vendor_code == "A1");
      ++a1;
      return true;
    });
    f = {};
    f.from_utc = records::jst_day_start_utc("2000-01-01");
    f.to_utc = records::jst_day_start_utc("2100-01-01");
    log.scan(f, [&](const records::AuditEvent&) { return ++all, true; });
    f.to_utc = records::jst_day_start_utc("2000-01-02");
    log.scan(f, [&](const records::AuditEvent&) {
      BOOST_ERROR("an event before 2000 in Japan time?");
      return true;
    });
    return 0;
  });
  BOOST_TEST(a1 == 9);  // all but the import
  BOOST_TEST(all == 10);
  BOOST_TEST(records::jst_day_start_utc("2026-01-01") == "2025-12-31T15:00:00.000Z");
  BOOST_TEST(records::utc_to_jst_display("2026-11-23T16:30:00.123Z") == "2026-11-24 01:30:00");
}

BOOST_AUTO_TEST_SUITE_END()
