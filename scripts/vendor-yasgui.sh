#!/usr/bin/env bash
# Refresh the vendored YASGUI (the SPARQL editor at /editor) from the npm registry.
# The server never fetches it at run time: the built files are committed under
# src/cscip_kg/server/static/vendor/yasgui/. Usage: scripts/vendor-yasgui.sh [VERSION]
set -euo pipefail
version="${1:-4.6.2}"
here="$(cd "$(dirname "$0")/.." && pwd)"
target="$here/src/cscip_kg/server/static/vendor/yasgui"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@zazuko/yasgui@$version" >/dev/null && tar xzf zazuko-yasgui-*.tgz)
mkdir -p "$target"
# Source maps stay out: they are large and only developer tools would ask for them.
sed '/^\/\/# sourceMappingURL=/d' "$work/package/build/yasgui.min.js" > "$target/yasgui.min.js"
sed 's#/\*\# sourceMappingURL=[^*]*\*/##' "$work/package/build/yasgui.min.css" > "$target/yasgui.min.css"
node -e 'const p=require(process.argv[1]); console.log(`${p.name} ${p.version} (${p.license})`)' "$work/package/package.json" > "$target/VERSION"
echo "vendored $(cat "$target/VERSION") into $target"
