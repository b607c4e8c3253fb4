// Shared by the benchmarks: running a reference or our CLI as a child process and
// reading its wall time and peak memory.
#pragma once
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

extern char** environ;

namespace bench {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

struct RunResult {
  double seconds = 0;
  long max_rss_kb = 0;
  int status = -1;
};

// Runs a command (no shell), waiting for it; stdin from `input` when given, stdout to `output`.
inline RunResult run(const std::vector<std::string>& argv, const std::string& input = "",
                     const std::string& output = "/dev/null") {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (!input.empty()) posix_spawn_file_actions_addopen(&fa, 0, input.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  auto t0 = Clock::now();
  if (posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ) != 0) {
    std::fprintf(stderr, "cannot run %s\n", args[0]);
    std::exit(1);
  }
  RunResult r;
  struct rusage ru {};
  wait4(pid, &r.status, 0, &ru);
  r.seconds = seconds_since(t0);
  r.max_rss_kb = ru.ru_maxrss;
  posix_spawn_file_actions_destroy(&fa);
  return r;
}

}  // namespace bench
