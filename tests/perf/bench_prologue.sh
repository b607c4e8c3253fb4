# Sourced by the bench scripts after `set -eu`, with BENCH_NAME set: checks the one
# argument (the hoshitori binary) and sets HOSHITORI (absolute), HERE (tests/perf) and
# HOSHITORI_SCHEMAS; die() prints "BENCH_NAME: …" and exits 2.
unset LC_ALL; export LC_NUMERIC=C  # printf and awk read "12345.67"
die() { echo "$BENCH_NAME: $*" >&2; exit 2; }
[ $# -ge 1 ] || die "usage: $0 path/to/hoshitori"
HOSHITORI=$1
[ -x "$HOSHITORI" ] || die "$HOSHITORI is not an executable (build first: make build)"
case $HOSHITORI in /*) ;; *) HOSHITORI=$PWD/$HOSHITORI ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
export HOSHITORI_SCHEMAS=${HOSHITORI_SCHEMAS:-$(cd "$HERE/../.." && pwd)/schemas}
[ -d "$HOSHITORI_SCHEMAS" ] || die "no schemas folder at $HOSHITORI_SCHEMAS (set HOSHITORI_SCHEMAS)"
