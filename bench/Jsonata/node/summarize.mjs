// Reads the JSON lines bench/Jsonata/run.sh collected (both sides, several rounds) and prints a Markdown table:
// median evaluations/s per expression and side (wall and CPU), the ratio ours/node, and whether results agree.
import { readFileSync } from 'node:fs';

const rows = readFileSync(process.argv[2], 'utf8').trim().split('\n').map(line => JSON.parse(line));
const median = values => { const v = [...values].sort((a, b) => a - b); const m = v.length >> 1; return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2; };
const names = [...new Set(rows.map(r => r.name))];
const pick = (side, name, key) => rows.filter(r => r.side === side && r.name === name).map(r => r[key]);
const fmt = n => Math.round(n).toLocaleString('en-US');

console.log('| expression | ours eval/s | node eval/s | ratio (wall) | ours eval/CPU-s | node eval/CPU-s | ratio (CPU) | ours B/eval | same result |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|');
const ratios = [];
for (const name of names) {
  const ours = median(pick('ours', name, 'evaluationsPerSecond'));
  const node = median(pick('node', name, 'evaluationsPerSecond'));
  const oursCpu = median(pick('ours', name, 'evaluationsPerCpuSecond'));
  const nodeCpu = median(pick('node', name, 'evaluationsPerCpuSecond'));
  const bytes = median(pick('ours', name, 'allocatedBytesPerEvaluation'));
  // Both print JSON text; compare parsed values so escaping differences do not count.
  const parse = text => text === 'undefined' ? undefined : JSON.stringify(JSON.parse(text));
  const same = parse(pick('ours', name, 'result')[0]) === parse(pick('node', name, 'result')[0]);
  ratios.push(oursCpu / nodeCpu);
  console.log(`| ${name} | ${fmt(ours)} | ${fmt(node)} | ${(ours / node).toFixed(2)}× | ${fmt(oursCpu)} | ${fmt(nodeCpu)} | ${(oursCpu / nodeCpu).toFixed(2)}× | ${fmt(bytes)} | ${same ? 'yes' : 'NO'} |`);
}
const geomean = Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length);
console.log(`\nGeometric mean of the CPU ratios: ${geomean.toFixed(2)}× (min ${Math.min(...ratios).toFixed(2)}×, max ${Math.max(...ratios).toFixed(2)}×); ${rows.filter(r => r.side === 'ours').length / names.length} rounds per side.`);
