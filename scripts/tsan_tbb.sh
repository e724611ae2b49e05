#!/usr/bin/env bash
# Builds oneTBB from Debian 12's own source, instrumented with ThreadSanitizer, into
# build/tsan-tbb/install (which the `tsan` preset links). Debian's libtbb is not instrumented:
# TSan would not see the synchronization inside it and would report every hand-over between
# TBB's threads as a race (docs/developing.md#sanitizers says why this and not a suppressions
# file). The same version and Debian patches as libtbb-dev; the downloads are checked against
# the checksums Debian's .dsc gives. Does nothing if the library is already there.
# Usage: scripts/tsan_tbb.sh
set -euo pipefail
cd "$(dirname "$0")/.."

version=2021.8.0
debian_revision=2+deb12u1
pool=http://deb.debian.org/debian/pool/main/o/onetbb
declare -A sha256=(
  [onetbb_${version}.orig.tar.xz]=7e9111b8bb59c8800bf6d0b06afe7b0891937443d2dae1ee1101c8e2ede6a7ef
  [onetbb_${version}-${debian_revision}.debian.tar.xz]=b83a270205b38cdf66972fa1467c3e29493b88b92ecacf4f3672e87d67199df5
)

root="$PWD/build/tsan-tbb"
install="$root/install"
if [[ -f "$install/lib/cmake/TBB/TBBConfig.cmake" ]]; then
  exit 0
fi

rm -rf "$root/src" "$root/build"
mkdir -p "$root/download" "$root/src"
for file in "${!sha256[@]}"; do
  if ! echo "${sha256[$file]}  $root/download/$file" | sha256sum --check --status 2>/dev/null; then
    curl --silent --show-error --fail --location --retry 3 -o "$root/download/$file" "$pool/$file"
    echo "${sha256[$file]}  $root/download/$file" | sha256sum --check --quiet
  fi
done
tar -xf "$root/download/onetbb_${version}.orig.tar.xz" -C "$root/src" --strip-components=1
tar -xf "$root/download/onetbb_${version}-${debian_revision}.debian.tar.xz" -C "$root/src"
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
