#!/usr/bin/env bash
# Refresh the vendored YASQE (the SPARQL editor at /editor) from the npm registry.
# The server never fetches it at run time: the built files are committed under
# src/cscip_kg/server/static/vendor/yasqe/. Usage: scripts/vendor-yasqe.sh [VERSION]
# YASQE alone, not the whole of YASGUI: the results table is the site's own (static/editor.js), and
# YASR's share of the YASGUI bundle was most of the editor's load time (BENCHMARKS.md, 2026-12-01).
set -euo pipefail
version="${1:-4.6.2}"
here="$(cd "$(dirname "$0")/.." && pwd)"
target="$here/src/cscip_kg/server/static/vendor/yasqe"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@zazuko/yasqe@$version" >/dev/null && tar xzf zazuko-yasqe-*.tgz)
mkdir -p "$target"
# Source maps stay out: they are large and only developer tools would ask for them.
sed '/^\/\/# sourceMappingURL=/d' "$work/package/build/yasqe.min.js" > "$target/yasqe.min.js"
sed 's#/\*\# sourceMappingURL=[^*]*\*/##' "$work/package/build/yasqe.min.css" > "$target/yasqe.min.css"
node -e 'const p=require(process.argv[1]); console.log(`${p.name} ${p.version} (${p.license})`)' "$work/package/package.json" > "$target/VERSION"
echo "vendored $(cat "$target/VERSION") into $target"
