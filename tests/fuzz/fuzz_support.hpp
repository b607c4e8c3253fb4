// Shared by the fuzz targets: a private scratch folder (removed at exit), the source
// tree's schemas and sample data, and the fixed date the tests use, so that a crash
// replays the same way under libFuzzer and under replay_main.cpp.
#pragma once
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include "core/date.hpp"

#ifndef HOSHITORI_FUZZ_SOURCE_DIR
#error "HOSHITORI_FUZZ_SOURCE_DIR must name the source tree (tests/fuzz/CMakeLists.txt sets it)"
#endif

namespace hoshi::fuzz {

inline std::string source_dir() { return HOSHITORI_FUZZ_SOURCE_DIR; }
inline std::string schemas_dir() { return source_dir() + "/schemas"; }
inline constexpr const char* kToday = "2026-11-20";

inline Date today() {
  Date d;
  parse_iso_date(kToday, d);
  return d;
}

// A folder of our own under $TMPDIR (or /tmp), created on first use and removed when
// the process exits normally (a crash leaves it for inspection).
inline const std::string& scratch_dir() {
  // never destroyed: the exit handler below runs after static destructors would have
  static const std::string& dir = *[] {
    const char* tmp = std::getenv("TMPDIR");
    auto* made = new std::string(std::string(tmp && *tmp ? tmp : "/tmp") + "/hoshitori-fuzz-XXXXXX");
    if (!mkdtemp(made->data())) {
      std::perror("hoshitori fuzz: mkdtemp");
      std::abort();
    }
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(scratch_dir(), ec);
    });
    return made;
  }();
  return dir;
}

inline void write_file(const std::string& path, const std::uint8_t* data, std::size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) {
    std::fprintf(stderr, "hoshitori fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
}

// An invariant the product promises did not hold: report and crash, so libFuzzer keeps
// the input.
[[noreturn]] inline void broken(const std::string& what) {
  std::fprintf(stderr, "hoshitori fuzz: invariant broken: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace hoshi::fuzz
