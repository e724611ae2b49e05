#!/usr/bin/env bash
# Builds oneTBB from Debian 12's own source package, instrumented with ThreadSanitizer, into
# build/tsan-tbb/install (which the `tsan` preset links). Debian's libtbb is not instrumented:
# TSan would not see the synchronization inside it and would report every hand-over between
# TBB's threads as a race (docs/developing.md#sanitizers says why this and not a suppressions
# file). The same version and Debian patches as libtbb-dev, fetched by apt-get source, which
# checks them against the archive's signed indexes. Does nothing if the library is already there.
# Usage: scripts/tsan_tbb.sh (as root, or with sudo: it may add source indexes to apt)
set -euo pipefail
cd "$(dirname "$0")/.."

package=onetbb
version=2021.8.0
debian_revision=2+deb12u1

root="$PWD/build/tsan-tbb"
install="$root/install"
if [[ -f "$install/lib/cmake/TBB/TBBConfig.cmake" ]]; then
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
# apt-get source needs the archive's source indexes: where apt has none, the same archives as
# the machine's binary packages (its deb822 .sources files) are added for sources too.
if ! apt-get source --print-uris "$package=$version-$debian_revision" >/dev/null 2>&1; then
  for sources in /etc/apt/sources.list.d/*.sources; do
    [[ -f $sources && $sources != */salvosim-src-* ]] || continue
    sed 's/^Types: deb$/Types: deb-src/' "$sources" | $sudo tee "/etc/apt/sources.list.d/salvosim-src-$(basename "$sources")" >/dev/null
  done
  if [[ -f /etc/apt/sources.list ]]; then
    sed -n 's/^deb /deb-src /p' /etc/apt/sources.list | $sudo tee /etc/apt/sources.list.d/salvosim-src.list >/dev/null
  fi
  $sudo apt-get update -qq
fi

rm -rf "$root/src" "$root/build" "$root/download"
mkdir -p "$root/download" "$root/src"
(cd "$root/download" && apt-get source --download-only -qq "$package=$version-$debian_revision" >/dev/null)
tar -xf "$root/download/${package}_${version}.orig.tar.xz" -C "$root/src" --strip-components=1
tar -xf "$root/download/${package}_${version}-${debian_revision}.debian.tar.xz" -C "$root/src"
while read -r patch; do
  [[ -z "$patch" || "$patch" == \#* ]] && continue
  patch --quiet --directory="$root/src" -p1 <"$root/src/debian/patches/$patch"
done <"$root/src/debian/patches/series"

# libtbb alone (no tbbmalloc, tests or examples), with debug information for TSan's reports.
cmake -S "$root/src" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_INSTALL_PREFIX="$install" -DTBB_SANITIZE=thread -DTBB_TEST=OFF -DTBB_EXAMPLES=OFF \
  -DTBBMALLOC_BUILD=OFF -DTBBMALLOC_PROXY_BUILD=OFF -DTBB_STRICT=OFF -DCMAKE_POLICY_VERSION_MINIMUM=3.5 >/dev/null
cmake --build "$root/build" -j "$(nproc)"
cmake --install "$root/build" >/dev/null
