#!/usr/bin/env bash
# Builds the points benchmark tools against the project's build tree (run `ninja -C build` first).
set -eu
cd "$(dirname "$0")/../.."
LIBS="build/libdjsubjects.a build/libdjcore.a $(pkg-config --libs sqlite3 libsodium libargon2 zlib jansson libmicrohttpd xlsxwriter libpq) -lpthread"
for t in gen awards load queries; do
  cc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -I. -Ibuild -o build/bench-points-$t bench/points/$t.c $LIBS
done
