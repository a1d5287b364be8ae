// aws-local-stepfunctions side of bench/Engine: runs N executions of one machine after a warm-up and prints one JSON line.
// Usage: node bench.mjs --machine saga|pass --n 2000 --concurrency 1 --warmup 200 [--warmup-seconds 5]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

// aws-local-stepfunctions 3.0.0 calls Promise.withResolvers, which Node 20 lacks.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

const { StateMachine } = await import('aws-local-stepfunctions');

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, '..', 'fixtures');
const repoRoot = path.join(here, '..', '..', '..');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const machineName = arg('machine', 'saga');
const n = Number(arg('n', '2000'));
const concurrency = Number(arg('concurrency', '1'));
const warmup = Number(arg('warmup', '200'));
const warmupSeconds = Number(arg('warmup-seconds', '0'));

const orderInput = JSON.parse(readFileSync(path.join(fixtures, 'order-input.json'), 'utf8'));
const taskResults = JSON.parse(readFileSync(path.join(fixtures, 'task-results.json'), 'utf8'));

function loadDefinition() {
  if (machineName === 'pass') {
    return JSON.parse(readFileSync(path.join(fixtures, 'pass-succeed.asl.json'), 'utf8'));
  }
  const raw = readFileSync(path.join(repoRoot, 'statemachines', 'order-saga.asl.json'), 'utf8');
  // Same substitution as the C# side: every ${Name} becomes a fake function (or topic) ARN.
  const resolved = raw.replace(/\$\{(\w+)\}/g, (_, name) =>
    name.endsWith('TopicArn')
      ? `arn:aws:sns:us-east-1:123456789012:${name}`
      : `arn:aws:lambda:us-east-1:123456789012:function:${name}`);
  return JSON.parse(resolved);
}

const definition = loadDefinition();
const stateMachine = new StateMachine(definition);

// Instant local handlers: lambda:invoke states answer like the integration ({ Payload, StatusCode }), sns:publish with a MessageId.
const handlers = {};
for (const [stateName, state] of Object.entries(definition.States)) {
  if (state.Type !== 'Task') continue;
  if (state.Resource === 'arn:aws:states:::sns:publish') {
    handlers[stateName] = () => ({ MessageId: 'm-bench' });
  } else {
    const payload = taskResults[stateName] ?? {};
    handlers[stateName] = () => ({ ExecutedVersion: '$LATEST', Payload: payload, StatusCode: 200 });
  }
}
const runOptions = { overrides: { taskResourceLocalHandlers: handlers } };

async function runOne(i) {
  const input = { ...orderInput, orderId: `bench-${i}` };
  // aws-local-stepfunctions does not make the Context Object up itself; the saga reads $$.Execution.Id, so pass the
  // part a real execution would have (ours builds the same from the execution it runs).
  const name = `bench-${i}`;
  const context = {
    Execution: { Id: `arn:aws:states:us-east-1:123456789012:execution:${machineName}:${name}`, Name: name, Input: input, StartTime: new Date().toISOString() },
    StateMachine: { Id: `arn:aws:states:us-east-1:123456789012:stateMachine:${machineName}`, Name: machineName },
  };
  const output = await stateMachine.run(input, { ...runOptions, context }).result;
  if (machineName === 'saga' && output?.shipment?.trackingNumber !== 'TRK-BENCH') {
    throw new Error(`unexpected saga output: ${JSON.stringify(output)}`);
  }
  if (machineName === 'pass' && output?.greeting !== 'hello') {
    throw new Error(`unexpected pass output: ${JSON.stringify(output)}`);
  }
}

async function runMany(count, offset) {
  let next = 0;
  async function worker() {
    while (next < count) {
      const i = next++;
      await runOne(offset + i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

await runMany(warmup, 0);
// The same warm-up rule as the C# side gets: at least warmupSeconds of executions, in batches of 500.
let warmupExecutions = warmup;
const warmupStart = process.hrtime.bigint();
while (Number(process.hrtime.bigint() - warmupStart) / 1e9 < warmupSeconds) {
  await runMany(500, warmupExecutions);
  warmupExecutions += 500;
}
const heapBefore = process.memoryUsage().heapUsed;
const cpuBefore = process.cpuUsage();
const start = process.hrtime.bigint();
await runMany(n, warmupExecutions);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
// CPU time is the figure that survives a shared machine: wall time also counts waiting for a core.
const cpu = process.cpuUsage(cpuBefore);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
console.log(JSON.stringify({
  engine: 'aws-local-stepfunctions@3.0.0',
  machine: machineName,
  n,
  concurrency,
  seconds,
  executionsPerSecond: n / seconds,
  microsecondsPerExecution: (seconds * 1e6) / n,
  cpuSeconds,
  cpuMicrosecondsPerExecution: (cpuSeconds * 1e6) / n,
  heapGrowthBytes: process.memoryUsage().heapUsed - heapBefore,
  warmupExecutions,
  rssBytes: process.memoryUsage().rss,
}));
