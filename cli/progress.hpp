// A one-line progress bar on a terminal (stderr), redrawn at most ten times a second.
#pragma once
#include <chrono>
#include <cstdio>
#include <ostream>
#include <string>

namespace hoshi::cli {

class Progress {
 public:
  explicit Progress(std::ostream& out) : out_(out) {}
  void update(const char* phase, std::size_t done, std::size_t total) {
    auto now = std::chrono::steady_clock::now();
    if (done < total && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    int pct = total ? static_cast<int>(done * 100 / total) : 100;
    int filled = pct * 30 / 100;
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(30, '.');
    char line[96];
    std::snprintf(line, sizeof line, "\r%-6s [%s] %3d%%", phase, bar.c_str(), pct);
    out_ << line << std::flush;
    drawn_ = true;
  }
  void finish() {
    if (drawn_) out_ << "\r" << std::string(48, ' ') << "\r" << std::flush;
    drawn_ = false;
  }

 private:
  std::ostream& out_;
  std::chrono::steady_clock::time_point last_{};
  bool drawn_ = false;
};

}  // namespace hoshi::cli
