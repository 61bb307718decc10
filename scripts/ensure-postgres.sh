#!/usr/bin/env bash
# Makes sure the PostgreSQL the tests use is reachable. Tests use PRECEPT_TEST_PG_URL (default
# postgres://postgres@127.0.0.1:5432/postgres); when that is the default and the machine has a
# stopped Debian cluster, start it. Never installs anything: a missing server is reported.
set -euo pipefail
url="${PRECEPT_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if command -v pg_isready >/dev/null && pg_isready -q -d "$url"; then
  exit 0
fi
if [ -z "${PRECEPT_TEST_PG_URL:-}" ] && command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
  version="$(ls /etc/postgresql | sort -V | tail -n 1)"
  echo "starting PostgreSQL $version (cluster main)..." >&2
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_isready -q -d "$url" && exit 0; sleep 1; done
fi
echo "error: PostgreSQL is not reachable at $url." >&2
echo "  Start one (e.g. 'pg_ctlcluster 15 main start') or set PRECEPT_TEST_PG_URL to a server the tests may create databases on." >&2
exit 1
