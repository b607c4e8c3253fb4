#include <boost/test/unit_test.hpp>

#include <string>

#include "core/base64.hpp"
#include "core/evidence.hpp"

using namespace hoshi;

BOOST_AUTO_TEST_SUITE(evidence_suite)

BOOST_AUTO_TEST_CASE(base64_round_trips_every_byte_and_length) {
  BOOST_TEST(base64_encode("") == "");
  BOOST_TEST(base64_encode("f") == "Zg==");
  BOOST_TEST(base64_encode("fo") == "Zm8=");
  BOOST_TEST(base64_encode("foo") == "Zm9v");
  BOOST_TEST(base64_encode("foobar") == "Zm9vYmFy");
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t n = 0; n <= all.size(); n += 37) {
    const std::string part = all.substr(0, n) + all.substr(256 - n % 3);
    auto back = base64_decode(base64_encode(part));
    BOOST_TEST_REQUIRE(back.has_value());
    BOOST_TEST(*back == part);
  }
  BOOST_TEST(base64_encode("\xFB\xFF") == "+/8=");
}

BOOST_AUTO_TEST_CASE(base64_refuses_what_is_not_canonical) {
  BOOST_TEST(!base64_decode("Zg=").has_value());       // length
  BOOST_TEST(!base64_decode("Zm9v!A==").has_value());  // alphabet
  BOOST_TEST(!base64_decode("Zg==Zg==").has_value());  // padding in the middle
  BOOST_TEST(!base64_decode("Zh==").has_value());      // bits after the last byte
  BOOST_TEST(!base64_decode("Zm9_").has_value());      // base64url is another alphabet
  BOOST_TEST(base64_decode("").value() == "");
}

BOOST_AUTO_TEST_CASE(the_kind_is_judged_by_the_first_bytes) {
  BOOST_TEST(evidence::sniff_media_type("%PDF-1.7\n...").value() == "application/pdf");
  BOOST_TEST(evidence::sniff_media_type(std::string("\x89PNG\r\n\x1a\n\0\0", 10)).value() == "image/png");
  BOOST_TEST(evidence::sniff_media_type("\xFF\xD8\xFF\xE0").value() == "image/jpeg");
  BOOST_TEST(!evidence::sniff_media_type("PDF-1.7").has_value());
  BOOST_TEST(!evidence::sniff_media_type("\x89PNG\n").has_value());  // a PNG header mangled by a text transfer
  BOOST_TEST(!evidence::sniff_media_type("GIF89a").has_value());
  BOOST_TEST(!evidence::sniff_media_type("<html>%PDF-").has_value());
  BOOST_TEST(!evidence::sniff_media_type("").has_value());
}

BOOST_AUTO_TEST_CASE(filenames_are_made_safe) {
  auto clean = [](const std::string& raw, const char* type) { return evidence::clean_filename(raw, type).value(); };
  BOOST_TEST(clean("SA自己宣言.pdf", "application/pdf") == "SA自己宣言.pdf");
  BOOST_TEST(clean("C:\\Users\\x\\scan.PNG", "image/png") == "scan.PNG");
  BOOST_TEST(clean("../../etc/passwd", "application/pdf") == "passwd.pdf");
  BOOST_TEST(clean("photo.jpeg", "image/jpeg") == "photo.jpeg");
  BOOST_TEST(clean("確認書.pdf", "image/png") == "確認書.pdf.png");  // the content decides the extension
  BOOST_TEST(clean("a\"b<c>|d?.pdf", "application/pdf") == "a_b_c__d_.pdf");
  BOOST_TEST(clean("\xE2\x80\xAEgpj.exe.pdf", "application/pdf") == "gpj.exe.pdf");  // U+202E removed
  BOOST_TEST(clean("tab\there\x01.pdf", "application/pdf") == "tabhere.pdf");
  BOOST_TEST(clean("  ...hidden.pdf. ", "application/pdf") == "hidden.pdf");
  BOOST_TEST(clean("", "image/jpeg") == "evidence.jpg");
  BOOST_TEST(clean(".pdf", "application/pdf") == "pdf.pdf");
  BOOST_TEST(!evidence::clean_filename("\xFF\xFE.pdf", "application/pdf").has_value());
  // long names are cut on a character boundary and keep their extension
  std::string longname;
  for (int i = 0; i < 100; ++i) longname += "証";
  const std::string cut = clean(longname + ".pdf", "application/pdf");
  BOOST_TEST(cut.size() <= evidence::kMaxFilenameBytes);
  BOOST_TEST(cut.size() == 38 * 3 + 4);  // 116 bytes left for the stem: 38 whole characters
  BOOST_TEST(cut.substr(cut.size() - 4) == ".pdf");
}

BOOST_AUTO_TEST_CASE(topics_and_sizes_in_words) {
  BOOST_TEST(evidence::valid_topic("sa"));
  BOOST_TEST(evidence::valid_topic("otasuketai"));
  BOOST_TEST(evidence::valid_topic("scs"));
  BOOST_TEST(!evidence::valid_topic("SCS"));
  BOOST_TEST(std::string(evidence::topic_label("otasuketai")) == "お助け隊サービス");
  BOOST_TEST(evidence::size_label(532) == "532 バイト");
  BOOST_TEST(evidence::size_label(12 * 1024 + 300) == "12.3 KB");
  BOOST_TEST(evidence::size_label(5 * 1024 * 1024) == "5.0 MB");
}

BOOST_AUTO_TEST_SUITE_END()
