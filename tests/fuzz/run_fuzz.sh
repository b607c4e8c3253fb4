#!/bin/bash
# Runs each libFuzzer target for a set time from its seed corpus (README "Fuzzing").
#
#   tests/fuzz/run_fuzz.sh BUILD_DIR SECONDS [TARGET…]     (make fuzz calls it)
#
# TARGETs default to every target the build knows (BUILD_DIR/fuzz_targets.txt). For each:
# the seeds of tests/fuzz/corpus/<target>/ are copied into BUILD_DIR/fuzz-work/<target>/corpus
# (where libFuzzer also keeps the new inputs it finds, across runs; the tree is never
# written), the target runs in one process (one core) for SECONDS, and anything it finds
# (crash-*, leak-*, timeout-*, oom-*) is written to BUILD_DIR/fuzz-crashes/<target>/.
# Exit status 1 when any target found something, 2 when a target is missing.
set -u

if [ $# -lt 2 ]; then
  echo "usage: $0 BUILD_DIR SECONDS [TARGET…]" >&2
  exit 2
fi
build=$(cd "$1" && pwd) || exit 2
seconds=$2
shift 2
seeds=$(cd "$(dirname "$0")" && pwd)/corpus
targets="$*"
[ -n "$targets" ] || targets=$(cat "$build/fuzz_targets.txt") || exit 2

status=0
found=""
for t in $targets; do
  bin=$build/tests/fuzz/fuzz_$t
  if [ ! -x "$bin" ] || [ ! -d "$seeds/$t" ]; then
    echo "fuzz: no target $t (expected $bin and $seeds/$t/)" >&2
    status=2
    continue
  fi
  work=$build/fuzz-work/$t
  crashes=$build/fuzz-crashes/$t
  mkdir -p "$work/corpus" "$crashes"
  cp "$seeds/$t"/* "$work/corpus/"
  rm -rf "$work/tmp" && mkdir -p "$work/tmp"
  echo "== fuzz_$t: ${seconds}s from $seeds/$t (corpus $work/corpus, findings $crashes/)"
  # one process: -jobs/-workers would fork; the harnesses' scratch files go to $work/tmp
  # (the whole log in fuzz.log; on screen without a line for each new input or function)
  (cd "$work" && TMPDIR=$work/tmp UBSAN_OPTIONS=print_stacktrace=1 \
    "$bin" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$crashes/" "$work/corpus" 2>&1) | tee "$work/fuzz.log" |
    grep --line-buffered -v -e '^#[0-9]*[[:space:]]*\(NEW\|REDUCE\)' -e '^[[:space:]]*NEW_FUNC' -e '^"' -e '^######'
  rc=${PIPESTATUS[0]}
  rm -rf "$work/tmp"
  if [ $rc -ne 0 ]; then
    echo "== fuzz_$t FOUND SOMETHING (exit $rc): log $work/fuzz.log" >&2
    found="$found $t"
    [ $status -eq 0 ] && status=1
  fi
done

if [ -n "$found" ]; then
  echo >&2
  echo "fuzz: findings in:$found" >&2
  for t in $found; do ls -l "$build/fuzz-crashes/$t/" >&2; done
  cat >&2 <<MSG
Reproduce one: $build/tests/fuzz/fuzz_<target> FILE (or the g++ build's
tests/fuzz/fuzz_replay_<target> FILE). Once fixed, keep the input as a regression test:
  cp FILE tests/fuzz/corpus/<target>/regress-<what-it-was>
(ctest fuzz_replay_<target> then replays it on every make test).
MSG
fi
exit $status
