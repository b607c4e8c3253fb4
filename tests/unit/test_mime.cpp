#include <boost/test/unit_test.hpp>

#include "core/base64.hpp"
#include "mail/ics.hpp"
#include "mail/mime.hpp"
#include "mail/smtp.hpp"

using namespace hoshi;
using namespace hoshi::mail;

namespace {
std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  for (std::size_t i = 0, n; i < s.size(); i = n + 2) {
    n = s.find("\r\n", i);
    if (n == std::string::npos) n = s.size();
    out.push_back(s.substr(i, n - i));
  }
  return out;
}

// The text of every encoded word in a header value, decoded and joined (RFC 2047 §6.2).
std::string decode_words(const std::string& v, const std::string& prefix) {
  std::string out;
  for (std::size_t p = 0; (p = v.find(prefix, p)) != std::string::npos;) {
    const std::size_t start = p + prefix.size(), end = v.find("?=", start);
    out += *base64_decode(v.substr(start, end - start));
    p = end + 2;
  }
  return out;
}
}  // namespace

BOOST_AUTO_TEST_CASE(long_japanese_subject_is_folded_into_self_contained_words) {
  const std::string subject =
      "【ご案内】取引先向けサプライチェーン・サイバーセキュリティ説明会（令和9年1月20日（水）本社3F会議室）";
  const std::string v = encode_words(subject, "utf-8", 9);
  for (const auto& l : lines("Subject: " + v)) BOOST_TEST(l.size() <= 78u);
  BOOST_TEST(decode_words(v, "=?UTF-8?B?") == subject);
  BOOST_TEST(encode_words("Invitation", "utf-8", 9) == "Invitation");  // plain ASCII stays plain
}

BOOST_AUTO_TEST_CASE(iso_2022_jp_words_each_return_to_ascii) {
  const std::string v = encode_words("取引先向けセキュリティ説明会のご案内と費用負担の説明", "iso-2022-jp", 9);
  for (std::size_t p = 0; (p = v.find("=?ISO-2022-JP?B?", p)) != std::string::npos; p += 4) {
    const std::size_t s = p + 16, e = v.find("?=", s);
    const std::string raw = *base64_decode(v.substr(s, e - s));
    BOOST_TEST(raw.substr(0, 3) == "\x1b$B");
    BOOST_TEST(raw.substr(raw.size() - 3) == "\x1b(B");
  }
  BOOST_CHECK_THROW(encode_words("①番", "iso-2022-jp", 9), MimeError);
}

BOOST_AUTO_TEST_CASE(addresses_are_checked_and_headers_cannot_be_injected) {
  BOOST_TEST(valid_addr_spec("it@v001.example"));
  BOOST_TEST(valid_addr_spec("a.b+c@sub.example.co.jp"));
  for (const char* bad : {"", "no-at", "@x.example", "a@", "a@@b", "a b@x.example", "a@x.example\r\nBcc: y@z",
                          ".a@x.example", "a..b@x.example", "a@-x.example", "担当@x.example", "a@x_y.example"})
    BOOST_TEST(!valid_addr_spec(bad), bad);
  Message m;
  m.from = {"procurement@hoshitori.example", "調達部"};
  m.to = {"it@v001.example", "株式会社テスト\r\nBcc: evil@x.example"};
  m.subject = "件名";
  m.text = "本文";
  m.message_id = "x.1@hoshitori.example";
  BOOST_CHECK_THROW(build(m, 0), MimeError);
  m.to.name = "株式会社テスト";
  m.subject = "件名\r\nBcc: evil@x.example";
  BOOST_CHECK_THROW(build(m, 0), MimeError);
}

BOOST_AUTO_TEST_CASE(a_message_has_the_headers_and_parts_and_short_lines) {
  Message m;
  m.from = {"procurement@hoshitori.example", "株式会社星取精機 調達部"};
  m.to = {"it@v001.example", "株式会社とても長い名前の取引先製作所 品質保証部 セキュリティ担当 山田 太郎"};
  m.subject = "【ご案内】取引先向けセキュリティ説明会";
  m.text = "一行目\n.二行目は点で始まる\n" + std::string(300, 'x');
  m.html = "<p>本文</p>";
  m.ics = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
  m.message_id = "hoshitori.1.abc@hoshitori.example";
  const std::string raw = build(m, 1800000000);  // 2027-01-15 08:00:00 UTC
  for (const auto& l : lines(raw.substr(0, raw.find("\r\n\r\n")))) BOOST_TEST(l.size() <= 78u, l);
  for (const auto& l : lines(raw)) BOOST_TEST(l.size() <= 78u);
  BOOST_TEST(raw.find("Date: Fri, 15 Jan 2027 17:00:00 +0900\r\n") != std::string::npos);
  BOOST_TEST(raw.find("Message-ID: <hoshitori.1.abc@hoshitori.example>\r\n") != std::string::npos);
  BOOST_TEST(raw.find("MIME-Version: 1.0\r\n") != std::string::npos);
  BOOST_TEST(raw.find("multipart/mixed") != std::string::npos);
  BOOST_TEST(raw.find("multipart/alternative") != std::string::npos);
  BOOST_TEST(raw.find("text/calendar; charset=UTF-8; method=REQUEST") != std::string::npos);
  BOOST_TEST(raw.find('\n') == raw.find("\r\n") + 1);  // CRLF, no bare LF
}

BOOST_AUTO_TEST_CASE(invitation_lines_fold_at_75_octets_between_characters) {
  Invitation inv;
  inv.event.title = std::string("取引先向けサプライチェーン・サイバーセキュリティ説明会（第1回、本社; 会議室, 3F）");
  inv.event.location = "本社3F会議室 / オンライン";
  inv.event.start = "2027-01-20T05:00:00Z";  // 14:00 in Japan
  inv.event.end = "2027-01-20T15:30:00+09:00";
  inv.uid = "campaign-1-V001@hoshitori.example";
  inv.organizer_email = "procurement@hoshitori.example";
  inv.organizer_name = "株式会社星取精機 \"調達部\"";
  inv.attendee_email = "it@v001.example";
  inv.attendee_name = "株式会社テスト";
  const std::string s = ics(inv);
  std::string unfolded;
  for (const auto& l : lines(s)) {
    BOOST_TEST(l.size() <= 75u, l);
    if (!l.empty() && l[0] == ' ')
      unfolded += l.substr(1);
    else
      unfolded += (unfolded.empty() ? "" : "\n") + l;
    // a fold never splits a UTF-8 sequence: every line is valid on its own
    BOOST_TEST((l.empty() || (static_cast<unsigned char>(l[l[0] == ' ' ? 1 : 0]) & 0xC0) != 0x80), l);
  }
  BOOST_TEST(unfolded.find("DTSTART;TZID=Asia/Tokyo:20270120T140000") != std::string::npos);
  BOOST_TEST(unfolded.find("DTEND;TZID=Asia/Tokyo:20270120T153000") != std::string::npos);
  BOOST_TEST(unfolded.find("（第1回、本社\\; 会議室\\, 3F）") != std::string::npos);
  BOOST_TEST(unfolded.find("ORGANIZER;CN=\"株式会社星取精機 調達部\":mailto:") != std::string::npos);
  BOOST_TEST(unfolded.find("METHOD:REQUEST") != std::string::npos);
  BOOST_CHECK_THROW(parse_instant("2027-01-20T14:00", "event.start"), hoshi::Error);
  BOOST_CHECK_THROW(parse_instant("2027-02-30T14:00:00+09:00", "event.start"), hoshi::Error);
}

BOOST_AUTO_TEST_CASE(smtp_urls_keep_passwords_out) {
  SmtpConfig c = parse_smtp_url("smtp://buyer@mail.example:587?starttls=1&auth=login", "pw");
  BOOST_TEST(c.host == "mail.example");
  BOOST_TEST(c.port == 587);
  BOOST_TEST(c.starttls);
  BOOST_TEST(c.auth == "login");
  BOOST_TEST(describe(c) == "smtp://buyer@mail.example:587?starttls=1");
  BOOST_CHECK_THROW(parse_smtp_url("smtp://buyer:pw@mail.example", ""), hoshi::Error);
  BOOST_CHECK_THROW(parse_smtp_url("smtp://buyer@mail.example", ""), hoshi::Error);  // no password
  BOOST_CHECK_THROW(parse_smtp_url("http://mail.example", ""), hoshi::Error);
  BOOST_CHECK_THROW(parse_smtp_url("smtp://mail.example?tls=1", ""), hoshi::Error);
}
