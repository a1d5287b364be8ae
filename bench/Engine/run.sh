#!/usr/bin/env bash
# Engine benchmark: ours (local/StatesLanguage) vs aws-local-stepfunctions 3.0.0, same definitions, instant task handlers.
# Both sides run ROUNDS times, interleaved, in one go; medians and ratios are computed from this run only.
# Usage: bench/Engine/run.sh [ROUNDS] [N_SAGA] [N_PASS]     (env CONCURRENCY=1, WARMUP_SECONDS=5, RETAIN=0 by default)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rounds="${1:-3}"
n_saga="${2:-2000}"
n_pass="${3:-5000}"
concurrency="${CONCURRENCY:-1}"
# Both sides warm up for 200 executions and then at least this long; ours also until the JIT compiles nothing new.
warmup_seconds="${WARMUP_SECONDS:-5}"
# Ended executions (and SNS messages) our engine keeps in memory once they ended. aws-local-stepfunctions keeps none
# (the caller gets the result and history, then they are garbage), so 0 is the same work; "all" is the engine's
# default (DescribeExecution and GetExecutionHistory can answer for every execution), whose growing heap costs GC time.
retain="${RETAIN:-0}"
out="${OUT:-$here/results.jsonl}"

(cd "$here/node" && [ -d node_modules ] || npm ci --no-audit --no-fund >/dev/null)
dotnet build "$here/EngineBench.csproj" -c Release -v q -nologo >/dev/null
ours="$here/bin/Release/net10.0/engine-bench.dll"

: > "$out"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)" >&2
for round in $(seq 1 "$rounds"); do
  for machine in saga pass; do
    n=$n_saga; [ "$machine" = pass ] && n=$n_pass
    node "$here/node/bench.mjs" --machine "$machine" --n "$n" --concurrency "$concurrency" --warmup 200 --warmup-seconds "$warmup_seconds" >> "$out"
    dotnet "$ours" --machine "$machine" --n "$n" --concurrency "$concurrency" --warmup 200 --warmup-seconds "$warmup_seconds" --retain "$retain" >> "$out"
  done
  echo "round $round done (load average $(cut -d' ' -f1 /proc/loadavg))" >&2
done
node "$here/node/summarize.mjs" "$out"
