#!/usr/bin/env bash
# Refresh the axe-core copy the browser tests inject (tests/browser/vendor/axe-core/) from the npm registry.
# Tests never fetch it at run time. Usage: scripts/vendor-axe.sh [VERSION]
set -euo pipefail
version="${1:-4.14.1}"
here="$(cd "$(dirname "$0")/.." && pwd)"
target="$here/tests/browser/vendor/axe-core"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "axe-core@$version" >/dev/null && tar xzf axe-core-*.tgz)
mkdir -p "$target"
cp "$work/package/axe.min.js" "$work/package/LICENSE" "$target/"
node -e 'const p=require(process.argv[1]); console.log(`${p.name} ${p.version} (${p.license})`)' "$work/package/package.json" > "$target/VERSION"
echo "vendored $(cat "$target/VERSION") into $target"
