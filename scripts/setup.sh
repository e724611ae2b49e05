#!/usr/bin/env bash
# Installs what salvosim needs to build and test that this machine lacks (Debian 12).
# Idempotent and quiet when everything is already there. Both README commands call it.
set -euo pipefail
cd "$(dirname "$0")/.."

debian_packages=(
  build-essential cmake ninja-build pkg-config git
  libeigen3-dev libtbb-dev libhdf5-dev hdf5-tools libtomlplusplus-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev libopenmpi-dev openmpi-bin
  # The house style: clang-format and clang-tidy (scripts/lint.sh).
  clang-format clang-tidy
  # The Slurm recipes' scripts (configs/slurm/), checked by tests/python/test_slurm_recipes.py.
  shellcheck
  # The sanitizer and fuzz builds: clang with libFuzzer and the sanitizer runtimes, llvm for
  # llvm-symbolizer (source lines in reports), patch and xz-utils for the TSan-instrumented oneTBB.
  clang libclang-rt-14-dev llvm patch xz-utils
)

missing=()
for package in "${debian_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Python packages for the tests; pip is quiet when they are already there.
python3 -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
