#!/usr/bin/env bash
# Print the path of a Centrifugo binary of the pinned version, building it once from the
# Go module proxy into the user cache (the build takes minutes; later calls are instant).
set -euo pipefail

VERSION=v6.9.1
MODULE=github.com/centrifugal/centrifugo/v6
BIN_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/hatch-centrifugo-sdk/bin"
BIN="$BIN_DIR/centrifugo"

is_pinned() {
  # `go install` leaves the binary's own version string empty; the module version is in its build info.
  [ -x "$BIN" ] || return 1
  local info
  info="$(go version -m "$BIN" 2>/dev/null)" || return 1
  grep -Eq "^[[:space:]]+mod[[:space:]]+$MODULE[[:space:]]+$VERSION([[:space:]]|$)" <<<"$info"
}

if ! is_pinned; then
  mkdir -p "$BIN_DIR"
  if command -v flock >/dev/null; then
    # One build at a time: a second caller waits, then finds the binary built.
    exec 9>"$BIN_DIR/.build.lock"
    flock 9
  fi
fi
if ! is_pinned; then
  staging="$(mktemp -d "$BIN_DIR/.build.XXXXXX")"
  trap 'rm -rf "$staging"' EXIT
  echo "building Centrifugo $VERSION (once; takes a few minutes)..." >&2
  GOBIN="$staging" go install "$MODULE@$VERSION" >&2
  # Rename within one directory is atomic: a concurrent reader never sees half a binary.
  mv -f "$staging/centrifugo" "$BIN"
fi
echo "$BIN"
