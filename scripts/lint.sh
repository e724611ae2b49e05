#!/usr/bin/env bash
# The house style, checked (docs/developing.md): clang-format (.clang-format) on every C++
# file, clang-tidy (.clang-tidy) on the libraries and the command line, and ruff (pyproject.toml)
# lint and format on the Python and the notebooks. Needs the ci build's compile commands
# (scripts/build.sh ci). Runs every check, then fails if any found something.
set -euo pipefail
cd "$(dirname "$0")/.."

failed=()

cpp_dirs=()
for dir in core bindings/src tests/cpp bench fuzz; do
  [[ -d $dir ]] && cpp_dirs+=("$dir")
done
mapfile -t cpp_files < <(find "${cpp_dirs[@]}" -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) | sort)
echo "lint: clang-format on ${#cpp_files[@]} files" >&2
clang-format --dry-run --Werror "${cpp_files[@]}" || failed+=("clang-format (fix: clang-format -i FILE)")

# clang-tidy reads the ci build's compile commands, less what only GCC understands: the command
# line's precompiled header (a GCC .gch) and -Werror (the compiler's own warnings are the ci
# build's business; .clang-tidy makes every finding of its checks an error).
compile_commands=build/ci/compile_commands.json
if [[ ! -f $compile_commands ]]; then
  echo "lint: no $compile_commands: run scripts/build.sh ci first" >&2
  exit 1
fi
mkdir -p build/lint
python3 - "$compile_commands" build/lint/compile_commands.json <<'PYTHON'
import json, re, sys
commands = [entry for entry in json.load(open(sys.argv[1])) if "cmake_pch" not in entry["file"]]
for entry in commands:
    entry["command"] = re.sub(r" -Winvalid-pch| -include \S*cmake_pch\.hxx| -Werror\b", "", entry["command"])
json.dump(commands, open(sys.argv[2], "w"), indent=1)
PYTHON
echo "lint: clang-tidy on core/src, core/sweep/src and core/cli" >&2
run-clang-tidy -quiet -j "$(nproc)" -p build/lint "$PWD/core/(src|cli|sweep/src)/" >build/lint/clang-tidy.log 2>&1 ||
  { sed 's/\x1b\[[0-9;]*m//g' build/lint/clang-tidy.log | grep -E -A3 "(warning|error):" >&2 || true
    failed+=("clang-tidy (build/lint/clang-tidy.log)"); }

python_paths=(bindings/salvosim tests bench scripts notebooks)
echo "lint: ruff check and ruff format --check on ${python_paths[*]}" >&2
python3 -m ruff check --no-cache "${python_paths[@]}" || failed+=("ruff check")
python3 -m ruff format --no-cache --check "${python_paths[@]}" || failed+=("ruff format (fix: python3 -m ruff format PATH)")

if ((${#failed[@]})); then
  printf 'lint: failed: %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "lint: all checks passed" >&2
