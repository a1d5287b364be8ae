using System.Globalization;
using System.Text.Json;
using ECommerce.Bench.ColdStart;

// Cold start of each service's Native AOT bootstrap vs the framework-dependent (JIT) build, both behind a local
// Lambda Runtime API. Usage: cold-start [--rounds N] [--warm N] [--services Orders,Shipping] [--artifacts DIR] [--out FILE]
var options = ParseOptions(args);
var services = options.GetValueOrDefault("services", "Orders,Shipping,Payments,Inventory")
    .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
var rounds = int.Parse(options.GetValueOrDefault("rounds", "5"), CultureInfo.InvariantCulture);
var warm = int.Parse(options.GetValueOrDefault("warm", "20"), CultureInfo.InvariantCulture);
var artifactsRoot = Path.GetFullPath(options.GetValueOrDefault("artifacts", "bench/ColdStart/artifacts"));
var outputPath = options.GetValueOrDefault("out", Path.Combine(artifactsRoot, "results.jsonl"));

var artifacts = new Dictionary<(string, Build), FunctionArtifact>();
foreach (var service in services)
{
    foreach (var build in new[] { Build.Aot, Build.Jit })
    {
        var artifact = FunctionArtifact.Find(artifactsRoot, service, build);
        if (artifact is null)
        {
            Console.Error.WriteLine($"skipping {service} {build}: not published under {artifactsRoot} (run bench/ColdStart/run.sh)");
            continue;
        }

        artifacts[(service, build)] = artifact;
    }
}

var scenarios = ColdStartScenario.All
    .Where(scenario => artifacts.ContainsKey((scenario.Service, Build.Aot)) && artifacts.ContainsKey((scenario.Service, Build.Jit)))
    .ToList();
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

await using var moto = scenarios.Any(scenario => scenario.CallsDynamoDb)
    ? await MotoDynamoDb.StartAsync(services.Select(FunctionEnvironment.TableName), cancel.Token)
    : null;
if (moto is null)
{
    Console.Error.WriteLine("moto_server not found: only the scenarios that make no AWS call run.");
    scenarios = [.. scenarios.Where(scenario => !scenario.CallsDynamoDb)];
}

var environment = new FunctionEnvironment(moto?.Endpoint, DotnetRoot());
Console.Error.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {LoadAverage()}, {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}; {rounds} rounds, {warm} warm invocations per process");
await ColdStartRunner.WarmUpRuntimeApiAsync(cancel.Token);
foreach (var scenario in scenarios)
{
    // One discarded start per build: loads the executables into the page cache and lets moto create its first items.
    foreach (var build in new[] { Build.Aot, Build.Jit })
    {
        await ColdStartRunner.RunOnceAsync(artifacts[(scenario.Service, build)], scenario, environment, warmInvocations: 1, round: 0, cancel.Token);
    }
}

var runs = new List<ColdStartRun>();
await using (var results = File.CreateText(outputPath))
{
    for (var round = 1; round <= rounds; round++)
    {
        // Alternate which build goes first so neither always meets a warmer page cache or a quieter moment.
        var order = round % 2 == 1 ? new[] { Build.Aot, Build.Jit } : [Build.Jit, Build.Aot];
        foreach (var scenario in scenarios)
        {
            foreach (var build in order)
            {
                var run = await ColdStartRunner.RunOnceAsync(artifacts[(scenario.Service, build)], scenario, environment, warm, round, cancel.Token);
                runs.Add(run);
                await results.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    run.Service,
                    run.Scenario,
                    Build = run.Build.ToString(),
                    run.Round,
                    run.InitMs,
                    run.FirstResponseMs,
                    run.PeakRssKb,
                    run.CpuMsToFirstResponse,
                    run.WarmMedianMs,
                    run.WarmInvocations,
                    run.FirstAnswer,
                }));
            }
        }

        Console.Error.WriteLine($"round {round}/{rounds} done, load average {LoadAverage()}");
    }
}

var summaries = ColdStartSummary.Summarise(runs, (service, build) => artifacts[(service, build)].SizeBytes);
Console.WriteLine(ColdStartSummary.ToMarkdown(summaries));
Console.WriteLine($"load average at the end: {LoadAverage()}; per-run figures: {outputPath}");
return 0;

static Dictionary<string, string> ParseOptions(string[] args)
{
    var options = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var index = 0; index < args.Length; index++)
    {
        if (!args[index].StartsWith("--", StringComparison.Ordinal) || index + 1 >= args.Length)
        {
            throw new ArgumentException($"Expected --name value pairs, got '{args[index]}'.");
        }

        options[args[index][2..]] = args[++index];
    }

    return options;
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static string DotnetRoot()
{
    if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root)
    {
        return root;
    }

    var dotnet = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(directory => Path.Combine(directory, "dotnet"))
        .FirstOrDefault(File.Exists);
    var resolved = dotnet is null ? null : new FileInfo(dotnet).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? dotnet;
    return resolved is null ? "/usr/share/dotnet" : Path.GetDirectoryName(resolved)!;
}
