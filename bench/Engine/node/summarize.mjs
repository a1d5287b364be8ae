// Medians per engine and machine from one run.sh output, and ours/theirs ratios (wall and CPU).
import { readFileSync } from 'node:fs';

const rows = readFileSync(process.argv[2], 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ours = 'ECommerce StatesLanguage';
const transitions = {};
const table = {};
for (const r of rows) {
  const key = `${r.machine}|${r.engine}`;
  (table[key] ??= []).push(r);
  if (r.stateTransitionsPerExecution) transitions[r.machine] = r.stateTransitionsPerExecution;
}
console.log('| machine | engine | runs | executions/s (median) | wall µs/execution | CPU µs/execution | CPU µs/state transition | allocated B/execution |');
console.log('|---|---|---|---|---|---|---|---|');
const summary = {};
for (const [key, rs] of Object.entries(table)) {
  const [machine, engine] = key.split('|');
  const eps = median(rs.map((r) => r.executionsPerSecond));
  const cpu = median(rs.map((r) => r.cpuMicrosecondsPerExecution));
  const alloc = rs[0].allocatedBytesPerExecution ? Math.round(median(rs.map((r) => r.allocatedBytesPerExecution))) : 'n/a';
  summary[key] = { eps, cpu };
  const t = transitions[machine] ?? 1;
  console.log(`| ${machine} | ${engine} | ${rs.length} | ${eps.toFixed(0)} | ${(1e6 / eps).toFixed(0)} | ${cpu.toFixed(0)} | ${(cpu / t).toFixed(1)} | ${alloc} |`);
}
console.log('');
for (const machine of Object.keys(transitions)) {
  const o = summary[`${machine}|${ours}`];
  const t = Object.entries(summary).find(([k]) => k.startsWith(`${machine}|`) && !k.endsWith(ours))?.[1];
  if (o && t) {
    console.log(`${machine}: ours/theirs executions/s (wall) = ${(o.eps / t.eps).toFixed(2)}x; CPU per execution theirs/ours = ${(t.cpu / o.cpu).toFixed(2)}x`);
  }
}
