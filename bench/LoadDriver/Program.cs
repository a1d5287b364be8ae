using System.Globalization;
using System.Text.Json;
using ECommerce.Bench.LoadDriver;
using ECommerce.Inventory.Domain;
using ECommerce.LocalHost;
using Microsoft.Extensions.Logging;

// Drives POST /orders on loopback and measures accept latency, orders/s reaching a terminal status and memory.
// Without --url it starts the local host in this process on a temporary data folder and free ports.
// Usage: load-driver [--url http://127.0.0.1:3000/] [--count 500] [--seconds 60] [--in-flight 1,10,100,1000] [--rates 500,0]
string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, "--" + name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
int[] Ints(string text) => [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(t => int.Parse(t, CultureInfo.InvariantCulture))];

var url = Arg("url", "");
var count = int.Parse(Arg("count", "500"), CultureInfo.InvariantCulture);
var maxDuration = TimeSpan.FromSeconds(int.Parse(Arg("seconds", "60"), CultureInfo.InvariantCulture));
var inFlightLevels = Ints(Arg("in-flight", "1,10,100,1000"));
var rates = Ints(Arg("rates", "500,0"));

LocalRuntime? runtime = null;
var dataDirectory = Path.Combine(Path.GetTempPath(), "ecommerce-load-" + Guid.NewGuid().ToString("N"));
var sku = Arg("sku", "SKU-1");
Uri endpoint;
if (url.Length == 0)
{
    runtime = await LocalRuntime.StartAsync(new LocalRuntimeOptions { DataDirectory = dataDirectory, ApiPort = 0, StepFunctionsPort = 0 },
        logging => logging.ClearProviders());
    // The test catalogue has 100 of each SKU; a bench SKU with deep stock keeps every order on the happy path.
    sku = "SKU-BENCH";
    await runtime.Services.Stores.Inventory.AddSkuIfMissingAsync(new SkuStock(sku, 100_000_000, 0, 1999, "USD"), CancellationToken.None);
    endpoint = runtime.ApiEndpoint;
}
else
{
    endpoint = new Uri(url.EndsWith('/') ? url : url + "/");
    if (!endpoint.IsLoopback)
    {
        Console.Error.WriteLine("The load driver only targets loopback addresses.");
        return 2;
    }
}

try
{
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 2048 }) { BaseAddress = endpoint, Timeout = TimeSpan.FromSeconds(60) };
    var scenarios = new LoadScenarios(new OrdersClient(http, sku), "load-" + DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture));
    Console.Error.WriteLine($"target {endpoint} ({(runtime is null ? "external" : "in-process")}), {Environment.ProcessorCount} cores, load average {LoadAverage()}");

    // Warm-up: JIT, SQLite pages, connection pool.
    await scenarios.ClosedLoopAsync(4, 40, maxDuration);

    var results = new List<ScenarioResult>();
    foreach (var inFlight in inFlightLevels)
    {
        results.Add(await scenarios.ClosedLoopAsync(inFlight, Math.Max(count, inFlight), maxDuration));
        Console.Error.WriteLine($"{results[^1].Scenario}: done, load average {LoadAverage()}");
    }
    foreach (var rate in rates)
    {
        results.Add(await scenarios.OpenLoopAsync(rate, count, maxDuration));
        Console.Error.WriteLine($"{results[^1].Scenario}: done, load average {LoadAverage()}");
    }

    Console.WriteLine("| scenario | posted | terminal | statuses | s | POST/s | terminal/s | accept p50 ms | accept p99 ms | POST→terminal p50 ms | p99 ms | peak RSS MB | peak heap MB |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    foreach (var r in results)
    {
        var statuses = string.Join(" ", r.Statuses.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {r.Scenario} | {r.Posted} | {r.Terminal} | {statuses} | {r.Seconds:0.0} | {r.PostsPerSecond:0} | {r.TerminalPerSecond:0} | {r.Accept.P50:0.0} | {r.Accept.P99:0.0} | {r.PostToTerminal.P50:0} | {r.PostToTerminal.P99:0} | {r.PeakWorkingSetBytes / 1e6:0} | {r.PeakManagedHeapBytes / 1e6:0} |"));
    }
    var jsonPath = Arg("json", "");
    if (jsonPath.Length > 0)
    {
        await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
    }
    return 0;
}
finally
{
    if (runtime is not null)
    {
        await runtime.DisposeAsync();
        Directory.Delete(dataDirectory, recursive: true);
    }
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
