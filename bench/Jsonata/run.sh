#!/usr/bin/env bash
# JSONata benchmark: our evaluator (local/Jsonata) vs npm jsonata 2.2.2 under Node, the same expressions.json.
# Both sides run ROUNDS times, interleaved; medians and ratios come from this run only. BDN=1 adds a BenchmarkDotNet
# run (ShortRun, MemoryDiagnoser) of our side.
# Usage: bench/Jsonata/run.sh [ROUNDS] [SECONDS_PER_EXPRESSION]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rounds="${1:-3}"
seconds="${2:-1}"
out="${OUT:-$here/results.jsonl}"

(cd "$here/node" && [ -d node_modules ] || npm ci --no-audit --no-fund >/dev/null)
dotnet build "$here/JsonataBench.csproj" -c Release -v q -nologo >/dev/null
ours="$here/bin/Release/net10.0/JsonataBench.dll"

: > "$out"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)" >&2
echo "node $(node --version), jsonata $(node -p "require('$here/node/node_modules/jsonata/package.json').version"), $(dotnet --version)" >&2
for round in $(seq 1 "$rounds"); do
  node "$here/node/bench.mjs" --seconds "$seconds" --warmup 5000 >> "$out"
  dotnet "$ours" --seconds "$seconds" --warmup 5000 >> "$out"
  echo "round $round done (load average $(cut -d' ' -f1 /proc/loadavg))" >&2
done
node "$here/node/summarize.mjs" "$out"
if [ "${BDN:-0}" = 1 ]; then
  (cd "$here" && dotnet "$ours" --bdn --filter '*' --exporters markdown)
fi
