using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using ECommerce.Bench.LoadDriver;
using ECommerce.Inventory.Domain;
using ECommerce.LocalHost;
using Microsoft.Extensions.Logging;

// Drives POST /orders on loopback and measures accept latency, orders/s reaching a terminal status and memory over time.
// Without --url every scenario gets its own local host, started in this process on a fresh temporary data folder and
// free ports (so one scenario's backlog cannot slow the next), and terminal status is read from the order store's
// commits instead of polling GET. With --url it drives a running host and polls GET /orders/{id}.
// Usage: load-driver [--url http://127.0.0.1:3000/] [--count 500] [--seconds 60] [--in-flight 1,10,100,1000]
//                    [--rates 500,0] [--sustain 60] [--sustain-in-flight 1000] [--drain 30] [--json results.json] [--diagnostics]
// --diagnostics adds the server's own time per POST and the GC pauses (in process only; it slows the host down).
string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, "--" + name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
int Int(string name, string fallback) => int.Parse(Arg(name, fallback), CultureInfo.InvariantCulture);
int[] Ints(string text) => [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(t => int.Parse(t, CultureInfo.InvariantCulture))];

var url = Arg("url", "");
var count = Int("count", "500");
var maxDuration = TimeSpan.FromSeconds(Int("seconds", "60"));
var inFlightLevels = Ints(Arg("in-flight", "1,10,100,1000"));
var rates = Ints(Arg("rates", "500,0"));
var sustainSeconds = Int("sustain", "60");
var sustainInFlight = Int("sustain-in-flight", "1000");
var drain = TimeSpan.FromSeconds(Int("drain", "30"));
var diagnostics = args.Contains("--diagnostics");

Uri? external = null;
if (url.Length > 0)
{
    external = new Uri(url.EndsWith('/') ? url : url + "/");
    if (!external.IsLoopback)
    {
        await Console.Error.WriteLineAsync("The load driver only targets loopback addresses.");
        return 2;
    }
}

var scenarios = new List<Func<LoadScenarios, Task<ScenarioResult>>>();
scenarios.AddRange(inFlightLevels.Select(n => (Func<LoadScenarios, Task<ScenarioResult>>)(s => s.ClosedLoopAsync(n, Math.Max(count, n), maxDuration))));
// At a fixed rate the schedule runs for the whole duration (500/s for 60 s is 30,000 orders); flat out it posts --count orders.
scenarios.AddRange(rates.Select(rate => (Func<LoadScenarios, Task<ScenarioResult>>)(s =>
    s.OpenLoopAsync(rate, rate > 0 ? (int)(rate * maxDuration.TotalSeconds) : count, maxDuration, drain))));
if (sustainSeconds > 0)
{
    scenarios.Add(s => s.ClosedLoopAsync(sustainInFlight, int.MaxValue, TimeSpan.FromSeconds(sustainSeconds),
        $"sustained {sustainSeconds} s, {sustainInFlight} in flight"));
}

await Console.Error.WriteLineAsync($"target {external?.ToString() ?? "in-process host per scenario"}, {Environment.ProcessorCount} cores, load average {LoadAverage()}");
var results = new List<ScenarioResult>();
using var timings = diagnostics ? new PauseAndServerTimings() : null;
var warmUp = 400;
foreach (var scenario in scenarios)
{
    await using var target = await Target.StartAsync(external, Arg("sku", "SKU-1"));
    // Warm-up: JIT (mostly the first time), SQLite pages, connection pools.
    await target.Scenarios.ClosedLoopAsync(8, warmUp, TimeSpan.FromSeconds(60));
    warmUp = 100;
    var before = RetainedHeap();
    timings?.TakeServerPosts();
    timings?.TakePauses();
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    var result = await scenario(target.Scenarios);
    var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
    result = result with
    {
        RetainedHeapBeforeBytes = before,
        RetainedHeapAfterBytes = RetainedHeap(),
        CpuMillisecondsPerOrder = cpu.TotalMilliseconds / Math.Max(1, result.Terminal),
        ServerAccept = timings?.TakeServerPosts(),
        GcPauses = timings?.TakePauses(),
    };
    results.Add(result);
    await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
        $"{result.Scenario}: done, {result.Posted} accepted, {result.Shed} shed (429), {result.Terminal} terminal, {result.TerminalPerSecond:0} terminal/s, accept p99 {result.Accept.P99:0.0} ms, load average {LoadAverage()}"));
}

Console.WriteLine("| scenario | accepted | shed (429) | terminal | statuses | s | POST/s | terminal/s | terminal/s after 10 s | accept p50 ms | accept p99 ms | POST→terminal p50 ms | p99 ms | RSS at 10 s → end MB | peak RSS MB | heap after full GC, before → after MB | CPU ms/order |" + (diagnostics ? " server POST p50 / p99 ms | GC pauses: count, p99, max ms |" : ""));
Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|" + (diagnostics ? "---|---|" : ""));
foreach (var r in results)
{
    var statuses = string.Join(" ", r.Statuses.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
    var steady = double.IsNaN(r.SteadyTerminalPerSecond) ? "–" : r.SteadyTerminalPerSecond.ToString("0", CultureInfo.InvariantCulture);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {r.Scenario} | {r.Posted} | {r.Shed} | {r.Terminal} | {statuses} | {r.Seconds:0.0} | {r.PostsPerSecond:0} | {r.TerminalPerSecond:0} | {steady} | {r.Accept.P50:0.0} | {r.Accept.P99:0.0} | {r.PostToTerminal.P50:0} | {r.PostToTerminal.P99:0} | {r.WorkingSetAfterWarmupBytes / 1e6:0} → {r.WorkingSetEndBytes / 1e6:0} | {r.PeakWorkingSetBytes / 1e6:0} | {r.RetainedHeapBeforeBytes / 1e6:0} → {r.RetainedHeapAfterBytes / 1e6:0} | {r.CpuMillisecondsPerOrder:0.00} |")
        + (r is { ServerAccept: { } server, GcPauses: { } pauses }
            ? string.Create(CultureInfo.InvariantCulture, $" {server.P50:0.0} / {server.P99:0.0} | {pauses.Count}, {pauses.P99:0.0}, {pauses.Max:0.0} |")
            : ""));
}
var jsonPath = Arg("json", "");
if (jsonPath.Length > 0)
{
    await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(results, new JsonSerializerOptions
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    }));
}
return 0;

static long RetainedHeap()
{
    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    return GC.GetTotalMemory(forceFullCollection: true);
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

/// <summary>Where one scenario posts: a fresh in-process host on its own data folder, or the external URL.</summary>
internal sealed class Target : IAsyncDisposable
{
    private readonly LocalRuntime? _runtime;
    private readonly string? _dataDirectory;
    private readonly HttpClient _http;
    private readonly ITerminalSignal _signal;

    private Target(LocalRuntime? runtime, string? dataDirectory, HttpClient http, ITerminalSignal signal, LoadScenarios scenarios)
    {
        _runtime = runtime;
        _dataDirectory = dataDirectory;
        _http = http;
        _signal = signal;
        Scenarios = scenarios;
    }

    public LoadScenarios Scenarios { get; }

    public static async Task<Target> StartAsync(Uri? external, string sku)
    {
        LocalRuntime? runtime = null;
        string? dataDirectory = null;
        var endpoint = external;
        if (endpoint is null)
        {
            dataDirectory = Path.Combine(Path.GetTempPath(), "ecommerce-load-" + Guid.NewGuid().ToString("N"));
            runtime = await LocalRuntime.StartAsync(new LocalRuntimeOptions { DataDirectory = dataDirectory, ApiPort = 0, StepFunctionsPort = 0 },
                logging => logging.ClearProviders());
            // The test catalogue has 100 of each SKU; a bench SKU with deep stock keeps every order on the happy path.
            sku = "SKU-BENCH";
            await runtime.Services.Stores.Inventory.AddSkuIfMissingAsync(new SkuStock(sku, 100_000_000, 0, 1999, "USD"), CancellationToken.None);
            endpoint = runtime.ApiEndpoint;
        }
        var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 2048,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        })
        { BaseAddress = endpoint, Timeout = TimeSpan.FromSeconds(60) };
        var client = new OrdersClient(http, sku);
        ITerminalSignal signal = runtime is null
            ? new PollingSignal(client, TimeSpan.FromMilliseconds(10))
            : new OrderStoreSignal(runtime.Services.Stores.Orders);
        var runId = "load-" + Guid.NewGuid().ToString("N")[..8];
        return new Target(runtime, dataDirectory, http, signal, new LoadScenarios(client, signal, runId));
    }

    public async ValueTask DisposeAsync()
    {
        _signal.Dispose();
        _http.Dispose();
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync().ConfigureAwait(false);
            Directory.Delete(_dataDirectory!, recursive: true);
        }
    }
}
