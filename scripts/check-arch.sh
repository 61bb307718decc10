#!/usr/bin/env bash
# Architecture invariant: precept-domain does no I/O. Fails if its normal dependency tree
# contains a runtime, driver or transport crate.
set -euo pipefail
tree="$(cargo tree -p precept-domain -e normal --prefix none --format '{p}' 2>/dev/null | awk '{print $1}' | sort -u)"
forbidden='^(tokio|async-nats|sqlx|sqlx-core|tonic|prost|tracing|hyper|mio|reqwest)$'
if bad="$(grep -E "$forbidden" <<<"$tree")"; then
  echo "error: precept-domain depends on I/O crates: $bad" >&2
  exit 1
fi
for crate in precept-app precept-eventstore precept-projections precept-api precept-server precept-testkit; do
  if grep -qx "$crate" <<<"$tree"; then echo "error: precept-domain depends on $crate" >&2; exit 1; fi
done
echo "check-arch: precept-domain has no I/O dependencies"
