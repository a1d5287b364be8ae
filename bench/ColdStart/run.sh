#!/usr/bin/env bash
# Cold start: each service's Native AOT bootstrap vs its framework-dependent (JIT) build, behind a local Lambda Runtime
# API on 127.0.0.1, DynamoDB served by moto_server when it is on PATH. Publishes what is missing under
# bench/ColdStart/artifacts (AOT ~2-3 min per service), then runs ROUNDS interleaved starts per build and service.
# Usage: bench/ColdStart/run.sh [ROUNDS=10] [SERVICES=Orders,Shipping,Payments,Inventory]   (env WARM=20: warm invocations per start)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rounds="${1:-10}"
services="${2:-Orders,Shipping,Payments,Inventory}"
artifacts="$here/artifacts"

for service in ${services//,/ }; do
  if [ ! -x "$artifacts/$service/aot/bootstrap" ]; then
    mkdir -p "$artifacts/$service/aot"
    "$root/functions/publish-bootstrap.sh" "$service" "$artifacts/$service/aot" >&2
  fi
  if [ ! -x "$artifacts/$service/jit/$service" ]; then
    dotnet publish "$root/functions/$service/$service.csproj" -c Release -o "$artifacts/$service/jit" -v q -nologo >&2
  fi
done

dotnet build "$here/ColdStart.csproj" -c Release -v q -nologo >&2
dotnet "$here/bin/Release/net10.0/cold-start.dll" --rounds "$rounds" --warm "${WARM:-20}" --services "$services" \
  --artifacts "$artifacts" --out "$artifacts/results.jsonl"
