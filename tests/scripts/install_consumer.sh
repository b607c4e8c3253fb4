#!/bin/sh
# install_consumer.sh BUILD_DIR SOURCE_DIR WORK_DIR
# Installs the build into a temporary prefix, checks that the library exports only
# hoshitori_* symbols, then builds and runs a host against it with find_package and
# with pkg-config.
set -eu
build=$1; src=$2; work=$3
rm -rf "$work"; mkdir -p "$work"
prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" > "$work/install.log"
lib=$(find "$prefix" -name 'libhoshitori.so.1' | head -n 1)
[ -n "$lib" ] || { echo "libhoshitori.so.1 not installed (SOVERSION)"; exit 1; }
[ -f "$prefix/include/hoshitori/hoshitori.h" ] || { echo "header not installed"; exit 1; }
[ -f "$prefix/share/hoshitori/schemas/policy.yaml" ] || { echo "schemas not installed"; exit 1; }
others=$(nm -D --defined-only "$lib" | awk '$2 != "A" {print $3}' | sed 's/@.*//' | grep -v '^hoshitori_' || true)
[ -z "$others" ] || { echo "exported symbols other than hoshitori_*:"; echo "$others"; exit 1; }
libdir=$(dirname "$lib")

cmake -S "$src/tests/install" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$prefix" > "$work/consumer.log"
cmake --build "$work/consumer" >> "$work/consumer.log"
LD_LIBRARY_PATH="$libdir" "$work/consumer/consumer" "$work/a.sqlite"

PKG_CONFIG_PATH="$libdir/pkgconfig" cc -std=c99 -Wall -Wextra -pedantic -Werror "$src/tests/install/consumer.c" \
  $(PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --cflags --libs hoshitori) -o "$work/consumer-pc"
LD_LIBRARY_PATH="$libdir" "$work/consumer-pc" "$work/b.sqlite"
echo "1 passed, 0 failed"
