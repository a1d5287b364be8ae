using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Running;
using ECommerce.Bench.Jsonata;

// Stopwatch mode (default): per expression, warm-up (--warmup N evaluations and --warmup-seconds) then as many evaluations as fit in --seconds, one JSON line each
// (the shape node/bench.mjs prints). --bdn: BenchmarkDotNet ShortRun with MemoryDiagnoser instead.
if (args.Contains("--bdn"))
{
    BenchmarkRunner.Run<JsonataBenchmarks>(args: [.. args.Where(a => a != "--bdn")]);
    return 0;
}

string? Arg(string name, string? fallback)
{
    var i = Array.IndexOf(args, "--" + name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

var cases = BenchCases.Load(Arg("file", null));
var seconds = double.Parse(Arg("seconds", "1")!, CultureInfo.InvariantCulture);
var warmup = int.Parse(Arg("warmup", "2000")!, CultureInfo.InvariantCulture);
var only = Arg("only", null);
var warmupTime = TimeSpan.FromSeconds(double.Parse(Arg("warmup-seconds", "0.5")!, CultureInfo.InvariantCulture));
const int Batch = 200;

// A first pass over every expression, so the shared code paths are fully JIT-compiled before any is measured
// (on a loaded machine a wall-clock warm-up alone can leave the first expression measured half-compiled).
var selected = cases.Expressions.Where(e => only is null || only == e.Name).Select(e => (e.Name, Expression: cases.Parse(e.Name))).ToList();
foreach (var (_, expression) in selected)
{
    for (var i = 0; i < warmup; i++)
    {
        expression.Evaluate(cases.Document);
    }
}

foreach (var (name, expression) in selected)
{
    JsonNode? result = null;
    // Warm up by count and by time: tiered JIT recompiles hot methods in the background some time after first use.
    var warmupClock = Stopwatch.StartNew();
    for (var i = 0; i < warmup || warmupClock.Elapsed < warmupTime; i++)
    {
        result = expression.Evaluate(cases.Document);
    }

    var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    var budget = TimeSpan.FromSeconds(seconds);
    var n = 0L;
    var stopwatch = Stopwatch.StartNew();
    do
    {
        for (var i = 0; i < Batch; i++)
        {
            result = expression.Evaluate(cases.Document);
        }

        n += Batch;
    }
    while (stopwatch.Elapsed < budget);
    stopwatch.Stop();
    var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
    // CPU time survives a shared machine better than wall time, which also counts waiting for a core.
    var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;

    Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["side"] = "ours",
        ["name"] = name,
        ["evaluationsPerSecond"] = n / stopwatch.Elapsed.TotalSeconds,
        ["evaluationsPerCpuSecond"] = n / cpuSeconds,
        ["allocatedBytesPerEvaluation"] = allocated / n,
        ["result"] = result?.ToJsonString() ?? "undefined",
    }));
}

return 0;
