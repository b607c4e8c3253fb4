// The audit chain's hash: a known answer for the documented format.
#include <boost/test/unit_test.hpp>

#include <string>

#include "core/audit_hash.hpp"

using namespace hoshi::records;

BOOST_AUTO_TEST_SUITE(audit_hash)

BOOST_AUTO_TEST_CASE(audit_hash_matches_the_documented_format) {
  // Known answer computed independently (Python hashlib) from the format in audit_hash.hpp.
  AuditEvent e;
  e.seq = 1;
  e.at = "2026-11-23T01:02:03.456Z";
  e.actor = "山田";
  e.action = "request.issued";
  e.subject = "2026-00001";
  e.vendor_code = "V0001";
  e.after = "{\"state\":\"発行\"}";
  e.payload_sha256 = payload_hash(e.before, e.after);
  e.prev_hash = kGenesisHash;
  BOOST_TEST(e.payload_sha256 == "5c1cbe8953b5b32e2e9652b831544dc76a6350368552505e821807e6d9d05126");
  BOOST_TEST(event_hash(e) == "934e1a1614b041e18a129c6f55db34c87efd5aa94d1e68639d4c558b57222672");
  e.vendor_code.reset();  // NULL and "" hash differently
  const std::string null_code = event_hash(e);
  e.vendor_code = "";
  BOOST_TEST(event_hash(e) != null_code);
}

BOOST_AUTO_TEST_SUITE_END()
