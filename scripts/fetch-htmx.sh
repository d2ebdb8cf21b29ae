#!/usr/bin/env bash
# Fetch htmx from the npm registry by version and vendor the built file and its licence under static/.
#   scripts/fetch-htmx.sh [version]      (default: the pinned version below)
set -euo pipefail
version="${1:-2.0.11}"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "htmx.org@${version}" >/dev/null
tar -xzf "htmx.org-${version}.tgz"
rm -f "$here"/static/vendor/htmx-*.min.js
cp package/dist/htmx.min.js "$here/static/vendor/htmx-${version}.min.js"
cp package/LICENSE "$here/static/vendor/htmx.LICENSE"
echo "vendored htmx ${version}: static/vendor/htmx-${version}.min.js"
