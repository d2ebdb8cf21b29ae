#!/usr/bin/env bash
# Fetch axe-core from the npm registry by version for the accessibility tests only (never served to
# users): tests/e2e/vendor/axe.min.js and its licence.
#   scripts/fetch-axe.sh [version]      (default: the pinned version below)
set -euo pipefail
version="${1:-4.14.1}"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "axe-core@${version}" >/dev/null
tar -xzf "axe-core-${version}.tgz"
mkdir -p "$here/tests/e2e/vendor"
cp package/axe.min.js "$here/tests/e2e/vendor/axe.min.js"
cp package/LICENSE "$here/tests/e2e/vendor/axe.LICENSE"
echo "$version" > "$here/tests/e2e/vendor/axe.VERSION"
echo "vendored axe-core ${version}: tests/e2e/vendor/axe.min.js"
