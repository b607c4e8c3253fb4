#!/usr/bin/env python3
"""Every program `make bench` runs has a smoke test in ctest (tests/CMakeLists.txt,
bench_smoke_*), so a bench that breaks fails the tests instead of waiting for a bench run.

    check_bench_smoke.py MAKEFILE SMOKE_NAME...

Reads the bench target's recipe in MAKEFILE; each line's program (its file name without
extension: bench_web.sh → bench_web, $(BUILD)/tests/perf/hoshitori_bench → hoshitori_bench)
must be among SMOKE_NAME.
"""
import os
import re
import sys


def bench_programs(makefile):
    programs, in_bench = [], False
    with open(makefile, encoding="utf-8") as f:
        for line in f:
            if re.match(r"^bench\s*:", line):
                in_bench = True
                continue
            if in_bench:
                if not line.startswith("\t"):
                    break
                word = line.split()[0]
                programs.append(os.path.splitext(os.path.basename(word))[0])
    return programs


def main():
    makefile, covered = sys.argv[1], set(sys.argv[2:])
    programs = bench_programs(makefile)
    if not programs:
        sys.exit("%s: no bench target recipe found" % makefile)
    missing = [p for p in programs if p not in covered]
    if missing:
        sys.exit("make bench runs %s without a smoke test: add bench_smoke_<name> in tests/CMakeLists.txt"
                 % ", ".join(missing))
    print("make bench: %d programs, each smoke-tested: %s" % (len(programs), ", ".join(programs)))


if __name__ == "__main__":
    main()
