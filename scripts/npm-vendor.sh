# Sourced by scripts/vendor-*.sh: fetch one npm package into a scratch folder, and record what was vendored.
# The server and the tests never fetch at run time; these only refresh the committed copies.

# npm_unpack PACKAGE@VERSION: unpacks the package; its files are then under "$work/package".
npm_unpack() {
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    (cd "$work" && npm pack --silent "$1" >/dev/null && tar xzf ./*.tgz)
}

# npm_record TARGET: writes TARGET/VERSION (name, version and licence from the package) and says so.
npm_record() {
    node -e 'const p=require(process.argv[1]); console.log(`${p.name} ${p.version} (${p.license})`)' "$work/package/package.json" > "$1/VERSION"
    echo "vendored $(cat "$1/VERSION") into $1"
}
