#!/usr/bin/env bash
# Refresh the axe-core copy the browser tests inject (tests/browser/vendor/axe-core/) from the npm registry.
# Tests never fetch it at run time. Usage: scripts/vendor-axe.sh [VERSION]
set -euo pipefail
version="${1:-4.14.1}"
here="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/npm-vendor.sh
source "$here/scripts/npm-vendor.sh"
target="$here/tests/browser/vendor/axe-core"
npm_unpack "axe-core@$version"
mkdir -p "$target"
cp "$work/package/axe.min.js" "$work/package/LICENSE" "$target/"
npm_record "$target"
