#!/usr/bin/env bash
# Refresh the vendored YASQE (the SPARQL editor at /editor) from the npm registry.
# The server never fetches it at run time: the built files are committed under
# src/cscip_kg/server/static/vendor/yasqe/. Usage: scripts/vendor-yasqe.sh [VERSION]
# YASQE alone, not the whole of YASGUI: the results table is the site's own (static/editor.js), and
# YASR's share of the YASGUI bundle was most of the editor's load time (BENCHMARKS.md, 2026-12-01).
set -euo pipefail
version="${1:-4.6.2}"
here="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/npm-vendor.sh
source "$here/scripts/npm-vendor.sh"
target="$here/src/cscip_kg/server/static/vendor/yasqe"
npm_unpack "@zazuko/yasqe@$version"
mkdir -p "$target"
# Source maps stay out: they are large and only developer tools would ask for them.
sed '/^\/\/# sourceMappingURL=/d' "$work/package/build/yasqe.min.js" > "$target/yasqe.min.js"
sed 's#/\*\# sourceMappingURL=[^*]*\*/##' "$work/package/build/yasqe.min.css" > "$target/yasqe.min.css"
npm_record "$target"
