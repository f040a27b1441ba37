#!/usr/bin/env bash
# The published package must install and run on its own: pack it, then run it
# with npx from an empty directory (dependencies come from the npm registry).
set -euo pipefail
cd "$(dirname "$0")/.."
tarball=$(npm pack --silent | tail -n 1)
dir=$(mktemp -d)
trap 'rm -rf "$dir" "$tarball"' EXIT
cp "$tarball" "$dir/"
cd "$dir"
npx --yes "./$tarball" --help > help.txt
grep -q 'Usage: stripe-hooks' help.txt
npx --yes "./$tarball" --version
echo "pack smoke: ok"
