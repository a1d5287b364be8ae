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
var warmupSeconds = double.Parse(Arg("warmup-seconds", "0"), CultureInfo.InvariantCulture);

var showThreads = args.Contains("--threads");
var retain = Arg("retain", "all");
var runner = new EngineRunner(machine, retainedExecutions: retain == "all" ? null : int.Parse(retain, CultureInfo.InvariantCulture));
var transitions = await runner.CountStateTransitionsAsync();
await runner.RunManyAsync(warmup, concurrency);
var warmupExecutions = warmup + await WarmUpUntilSteadyAsync(runner, TimeSpan.FromSeconds(warmupSeconds), concurrency);
GC.Collect();
GC.WaitForPendingFinalizers();

var threadsBefore = showThreads ? ThreadCpu.Read() : [];
var jitMethodsBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
var jitTimeBefore = System.Runtime.JitInfo.GetCompilationTime();
var gcBefore = GC.CollectionCount(0);
var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
var stopwatch = Stopwatch.StartNew();
await runner.RunManyAsync(n, concurrency);
stopwatch.Stop();
var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
// CPU time is the figure that survives a shared machine: wall time also counts waiting for a core.
var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;

if (showThreads)
{
    // Where the process CPU went, thread by thread: the interpreter's threads, idle thread-pool workers spinning, GC.
    foreach (var (name, ticks) in ThreadCpu.Delta(threadsBefore, ThreadCpu.Read()).OrderByDescending(t => t.Ticks).Take(8))
    {
        Console.Error.WriteLine($"{name,-24} {ticks * 10_000.0 / n,8:F1} CPU us/execution");
    }
}

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
    ["warmupExecutions"] = warmupExecutions,
    ["retainedExecutions"] = retain,
    ["gen0Collections"] = GC.CollectionCount(0) - gcBefore,
    ["jitMethodsDuringRun"] = System.Runtime.JitInfo.GetCompiledMethodCount() - jitMethodsBefore,
    ["jitMillisecondsDuringRun"] = (System.Runtime.JitInfo.GetCompilationTime() - jitTimeBefore).TotalMilliseconds,
    ["rssBytes"] = Environment.WorkingSet,
    ["liveHeapBytesAfterRun"] = GC.GetTotalMemory(forceFullCollection: true),
}));
return 0;

// Tiered compilation keeps recompiling hot methods (tier 0, instrumented, tier 1) for a while after the first runs;
// measuring before it settles times the JIT, not the engine. Warm up for at least the given time and until three
// batches in a row compile no new method (at most a minute).
static async Task<int> WarmUpUntilSteadyAsync(EngineRunner runner, TimeSpan atLeast, int concurrency)
{
    const int Batch = 500;
    var executions = 0;
    var quietBatches = 0;
    var started = Stopwatch.StartNew();
    while (started.Elapsed < TimeSpan.FromMinutes(1) && (started.Elapsed < atLeast || quietBatches < 3))
    {
        var compiledBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
        await runner.RunManyAsync(Batch, concurrency);
        executions += Batch;
        quietBatches = System.Runtime.JitInfo.GetCompiledMethodCount() == compiledBefore ? quietBatches + 1 : 0;
    }
    return executions;
}

/// <summary>Per-thread CPU from /proc (Linux), in clock ticks of 10 ms.</summary>
internal static class ThreadCpu
{
    public static Dictionary<string, long> Read()
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var dir in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var nameEnd = stat.LastIndexOf(')');
                var name = stat[(stat.IndexOf('(') + 1)..nameEnd] + "#" + Path.GetFileName(dir);
                var fields = stat[(nameEnd + 2)..].Split(' ');
                result[name] = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }
        return result;
    }

    public static IEnumerable<(string Name, long Ticks)> Delta(Dictionary<string, long> before, Dictionary<string, long> after) =>
        after.Select(p => (p.Key, p.Value - before.GetValueOrDefault(p.Key)));
}
