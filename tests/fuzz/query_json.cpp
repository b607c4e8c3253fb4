// Fuzz target: hoshitori_query_json, the C ABI's JSON request/op interface (the same
// shapes as the REST API), on one handle opened in LLVMFuzzerInitialize on a scratch
// SQLite file with the sample suppliers and one issued request in it.
//
// Requests naming a file ("file", "out", "config": import_suppliers, export_audit,
// export_suppliers, sync, webhooks_deliver) are not passed on: they would read or write
// wherever the fuzzer points them (stdin, /dev/zero, the source tree). Every other op
// runs, writes included; they land in the scratch database, deleted at exit. The key
// test uses Poco's parser, the one the library uses, so both see the same keys.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "fuzz_support.hpp"
#include "hoshitori/hoshitori.h"

namespace {

hoshitori* handle = nullptr;

bool names_a_file(const std::string& request) {
  try {
    Poco::JSON::Parser parser;
    auto parsed = parser.parse(request);
    auto object = parsed.extract<Poco::JSON::Object::Ptr>();
    if (!object) return false;
    for (const char* key : {"file", "out", "config"})
      if (object->has(key)) return true;
  } catch (...) {
    // not a JSON object: the library answers HOSHITORI_INVALID
  }
  return false;
}

void must(const char* request) {
  char* response = nullptr;
  int rc = hoshitori_query_json(handle, request, &response);
  if (rc != HOSHITORI_OK) {
    std::fprintf(stderr, "hoshitori fuzz: setup request failed (%d): %s\n%s\n", rc, hoshitori_errmsg(handle), request);
    std::abort();
  }
  hoshitori_free(response);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const std::string db = hoshi::fuzz::scratch_dir() + "/query.db";
  const std::string schemas = hoshi::fuzz::schemas_dir();
  hoshitori_open_options o = HOSHITORI_OPEN_OPTIONS_INIT;
  o.schemas_dir = schemas.c_str();
  o.today = hoshi::fuzz::kToday;
  o.cache_check_ms = 0;
  if (hoshitori_open_v2(db.c_str(), &o, &handle) != HOSHITORI_OK) {
    std::fprintf(stderr, "hoshitori fuzz: cannot open %s: %s\n", db.c_str(), hoshitori_errmsg(handle));
    std::abort();
  }
  for (const char* csv : {"suppliers.csv", "suppliers-cp932.csv"}) {
    const std::string request = "{\"op\":\"import_suppliers\",\"actor\":\"fuzz\",\"file\":\"" +
                                hoshi::fuzz::source_dir() + "/sample-data/" + csv + "\"}";
    must(request.c_str());
  }
  // request 2026-00001, for the ops that take a number
  must(
      "{\"op\":\"request_issue\",\"actor\":\"fuzz\",\"request\":{\"supplier\":\"V0001\",\"level\":3,"
      "\"due\":\"2027-03-31\",\"items\":[\"4-1-3\"],\"cost_sharing\":{\"method\":\"\xE6\x8A\x98\xE5\x8D\x8A\","
      "\"explanation\":\"Half of the initial and running costs are paid by us.\",\"negotiable\":true}}}");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // a C string: the library sees the bytes up to the first NUL
  std::string request(reinterpret_cast<const char*>(data), size);
  request.resize(std::strlen(request.c_str()));
  if (names_a_file(request)) return 0;
  char* response = nullptr;
  int rc = hoshitori_query_json(handle, request.c_str(), &response);
  if (rc > 0 || rc < HOSHITORI_REFUSED) {
    std::fprintf(stderr, "hoshitori fuzz: result code %d is none of HOSHITORI_*\n", rc);
    std::abort();
  }
  if (rc == HOSHITORI_OK && !response) {
    std::fprintf(stderr, "hoshitori fuzz: HOSHITORI_OK without a response\n");
    std::abort();
  }
  if (response) (void)std::strlen(response);  // a NUL-terminated string (ASan checks the read)
  const char* errmsg = hoshitori_errmsg(handle);
  (void)std::strlen(errmsg);
  if (std::getenv("HOSHITORI_FUZZ_VERBOSE"))  // for seed upkeep: which op each seed reaches
    std::fprintf(stderr, "  -> %d %.160s\n", rc, rc == HOSHITORI_OK ? response : errmsg);
  hoshitori_free(response);
  return 0;
}
