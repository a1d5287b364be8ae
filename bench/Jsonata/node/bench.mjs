// Reference side of bench/Jsonata/run.sh: npm jsonata under Node, the same expressions and document as ours.
// Prints one JSON line per expression: {"side":"node", "name", "evaluationsPerSecond", "evaluationsPerCpuSecond", "result"}.
import { readFileSync } from 'node:fs';
import jsonata from 'jsonata';

const args = process.argv.slice(2);
const arg = (name, fallback) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : fallback; };
const file = arg('file', new URL('../expressions.json', import.meta.url).pathname);
const seconds = Number(arg('seconds', '1'));
const warmup = Number(arg('warmup', '2000'));
const only = arg('only', null);
const warmupSeconds = Number(arg('warmup-seconds', '0.5'));

const { document, expressions } = JSON.parse(readFileSync(file, 'utf8'));
// A first pass over every expression, as the .NET side does, before any is measured.
const selected = expressions.filter(e => !only || e.name === only).map(e => ({ name: e.name, compiled: jsonata(e.expression) }));
for (const { compiled } of selected) {
  for (let i = 0; i < warmup; i++) await compiled.evaluate(document);
}
for (const { name, compiled } of selected) {
  let result;
  // jsonata 2.x evaluate() returns a promise; awaiting it is part of what a caller pays.
  // Warm up by count and by time, as the .NET side does, so both optimizing JITs have settled.
  const warmupEnd = process.hrtime.bigint() + BigInt(Math.round(warmupSeconds * 1e9));
  for (let i = 0; i < warmup || process.hrtime.bigint() < warmupEnd; i++) result = await compiled.evaluate(document);
  let n = 0;
  const batch = 200;
  const cpuBefore = process.cpuUsage();
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  let elapsed = 0n;
  do {
    for (let i = 0; i < batch; i++) result = await compiled.evaluate(document);
    n += batch;
    elapsed = process.hrtime.bigint() - start;
  } while (elapsed < budget);
  const cpu = process.cpuUsage(cpuBefore);
  const perSecond = n / (Number(elapsed) / 1e9);
  // CPU time (user + system) survives a shared machine better than wall time.
  const perCpuSecond = n / ((cpu.user + cpu.system) / 1e6);
  console.log(JSON.stringify({ side: 'node', name, evaluationsPerSecond: perSecond, evaluationsPerCpuSecond: perCpuSecond, result: JSON.stringify(result) }));
}
