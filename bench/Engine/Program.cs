using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Running;
using ECommerce.Bench.Engine;

// Stopwatch mode (default): warm-up, then N executions timed, one JSON line out (the shape bench/Engine/node/bench.mjs prints).
// --bdn: BenchmarkDotNet ShortRun with MemoryDiagnoser instead.
if (args.Contains("--bdn"))
{
    BenchmarkRunner.Run<EngineBenchmarks>(args: [.. args.Where(a => a != "--bdn")]);
    return 0;
}

string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, "--" + name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

var machine = Arg("machine", BenchFixtures.Saga);
var n = int.Parse(Arg("n", "2000"), CultureInfo.InvariantCulture);
var concurrency = int.Parse(Arg("concurrency", "1"), CultureInfo.InvariantCulture);
var warmup = int.Parse(Arg("warmup", "200"), CultureInfo.InvariantCulture);

var runner = new EngineRunner(machine);
var transitions = await runner.CountStateTransitionsAsync();
await runner.RunManyAsync(warmup, concurrency);
GC.Collect();
GC.WaitForPendingFinalizers();

var gcBefore = GC.CollectionCount(0);
var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
var stopwatch = Stopwatch.StartNew();
await runner.RunManyAsync(n, concurrency);
stopwatch.Stop();
var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
// CPU time is the figure that survives a shared machine: wall time also counts waiting for a core.
var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;

var seconds = stopwatch.Elapsed.TotalSeconds;
Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
{
    ["engine"] = "ECommerce StatesLanguage",
    ["machine"] = machine,
    ["n"] = n,
    ["concurrency"] = concurrency,
    ["seconds"] = seconds,
    ["executionsPerSecond"] = n / seconds,
    ["microsecondsPerExecution"] = seconds * 1e6 / n,
    ["cpuSeconds"] = cpuSeconds,
    ["cpuMicrosecondsPerExecution"] = cpuSeconds * 1e6 / n,
    ["stateTransitionsPerExecution"] = transitions,
    ["microsecondsPerTransition"] = seconds * 1e6 / n / transitions,
    ["allocatedBytesPerExecution"] = allocated / n,
    ["gen0Collections"] = GC.CollectionCount(0) - gcBefore,
    ["rssBytes"] = Environment.WorkingSet,
}));
return 0;
