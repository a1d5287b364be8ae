using System.Diagnostics;
using System.Text.Json.Nodes;
using StepFunctionsApi.Persistence;

namespace StepFunctionsApi.Tests;

/// <summary>
/// Starts 200 sagas in a real server process, SIGKILLs it mid-flight, restarts it over the same SQLite file, and checks
/// that every execution ends as it would have, with a gap-free history and no checkpointed task run twice.
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output) : IDisposable
{
    private const int Executions = 200;
    private const int TaskDelayMs = 300;
    private static readonly Dictionary<string, string> FunctionOfState = new()
    {
        ["Reserve inventory"] = "ReserveInventory",
        ["Charge payment"] = "ChargePayment",
        ["Ship order"] = "ShipOrder",
        ["Record order completed"] = "RecordOrderStatus:COMPLETED",
        ["Release inventory"] = "ReleaseInventory",
        ["Record order cancelled"] = "RecordOrderStatus:CANCELLED",
    };

    private readonly string _directory = Directory.CreateTempSubdirectory("sfn-crash").FullName;
    private readonly List<Process> _processes = [];

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            process.Dispose();
        }
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task AKilledServer_ResumesEveryExecution_FromItsLastCheckpoint_WithAGapFreeHistory()
    {
        var database = Path.Combine(_directory, "sfn.db");
        var (first, endpoint) = await StartServerAsync(database, "run1.log");
        using (var http = new SfnHttp(endpoint))
        {
            await http.CallAsync("CreateStateMachine", new() { ["name"] = OrderSaga.Name, ["definition"] = OrderSaga.Definition, ["roleArn"] = OrderSaga.RoleArn });
            await Task.WhenAll(Enumerable.Range(0, Executions).Select(i => http.CallAsync("StartExecution", new()
            {
                ["stateMachineArn"] = OrderSaga.MachineArn,
                ["name"] = Name(i),
                ["input"] = OrderSaga.Input(Name(i), declined: i % 4 == 3),
            })));
        }
        await Task.Delay(TaskDelayMs * 2 + 100, TestContext.Current.CancellationToken);
        first.Kill(entireProcessTree: true); // SIGKILL: no shutdown code runs
        await first.WaitForExitAsync(TestContext.Current.CancellationToken);

        var atKill = Snapshot(database);
        var running = atKill.Values.Count(e => e.Record.IsRunning);
        var clock = Stopwatch.StartNew();
        var (_, secondEndpoint) = await StartServerAsync(database, "run2.log");
        var resumeReady = clock.Elapsed;
        using var client = new SfnHttp(secondEndpoint);
        while ((await client.CallAsync("ListExecutions", new() { ["stateMachineArn"] = OrderSaga.MachineArn, ["statusFilter"] = "RUNNING" }))["executions"]!.AsArray().Count > 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "executions still running a minute after the restart");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        var allDone = clock.Elapsed;
        var secondRun = ReadLog("run2.log");

        Assert.InRange(running, 1, Executions); // the kill landed while sagas were in flight
        for (var i = 0; i < Executions; i++)
        {
            var arn = "arn:aws:states:us-east-1:123456789012:execution:OrderSaga:" + Name(i);
            var described = await client.CallAsync("DescribeExecution", new() { ["executionArn"] = arn });
            var events = (await client.CallAsync("GetExecutionHistory", new() { ["executionArn"] = arn, ["maxResults"] = 1000 }))["events"]!.AsArray();
            var declined = i % 4 == 3;
            Assert.Equal(declined ? "FAILED" : "SUCCEEDED", described["status"]!.GetValue<string>());
            if (declined)
            {
                Assert.Equal("PaymentDeclined", described["error"]!.GetValue<string>());
            }
            Assert.Equal(Enumerable.Range(1, events.Count).Select(id => (long)id), events.Select(e => e!["id"]!.GetValue<long>()));
            Assert.All(events.Skip(1), e => Assert.Equal(e!["id"]!.GetValue<long>() - 1, e["previousEventId"]!.GetValue<long>()));
            Assert.Equal("ExecutionStarted", events[0]!["type"]!.GetValue<string>());
            Assert.Equal(declined ? "ExecutionFailed" : "ExecutionSucceeded", events[^1]!["type"]!.GetValue<string>());
            var entered = events.Where(e => e!["type"]!.GetValue<string>().EndsWith("StateEntered", StringComparison.Ordinal))
                .Select(e => e!["stateEnteredEventDetails"]!["name"]!.GetValue<string>()).ToList();
            Assert.Equal(entered.Distinct().Count(), entered.Count); // the saga's path visits each state once

            // No task the checkpoint had moved past runs again after the restart.
            var done = atKill[arn].CheckpointedStates;
            var rerun = secondRun.Where(line => line.Order == Name(i)).Select(line => line.Function).ToList();
            Assert.DoesNotContain(rerun, function => done.Any(state => FunctionOfState.GetValueOrDefault(state) == function));
        }
        output.WriteLine($"{Executions} executions, {running} RUNNING at SIGKILL; restart to listening {resumeReady.TotalMilliseconds:F0} ms; "
            + $"all terminal {allDone.TotalMilliseconds:F0} ms after restart; {secondRun.Count} Lambda calls after the restart");
    }

    private static string Name(int i) => $"order-{i:D3}";

    private sealed record Persisted(ExecutionRecord Record, IReadOnlyList<string> CheckpointedStates);

    /// <summary>What the killed process left on disk: each execution and the states it had finished and checkpointed past.</summary>
    private static Dictionary<string, Persisted> Snapshot(string database)
    {
        using var store = new SqliteStateStore(database);
        var result = new Dictionary<string, Persisted>();
        for (var i = 0; i < Executions; i++)
        {
            var arn = "arn:aws:states:us-east-1:123456789012:execution:OrderSaga:" + Name(i);
            var record = store.GetExecution(arn);
            Assert.NotNull(record); // StartExecution answered, so the execution must be on disk
            var kept = record.IsRunning ? record.Checkpoint?.LastEventId ?? 0 : long.MaxValue;
            var finished = store.GetEvents(arn, 1, kept, 10_000, descending: false)
                .Where(e => e.Type.EndsWith("StateExited", StringComparison.Ordinal)).Select(e => e.StateName!).ToList();
            result[arn] = new Persisted(record, finished);
        }
        return result;
    }

    private List<(string Order, string Function)> ReadLog(string name)
    {
        var path = Path.Combine(_directory, name);
        return File.Exists(path)
            ? File.ReadAllLines(path).Select(l => l.Split(' ')).Select(p => (p[0], p[1])).ToList()
            : [];
    }

    private async Task<(Process Process, Uri Endpoint)> StartServerAsync(string database, string log)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { typeof(CrashServer).Assembly.Location, Program.ServeCommand, "--db", database,
                     "--delay-ms", TaskDelayMs.ToString(System.Globalization.CultureInfo.InvariantCulture), "--log", Path.Combine(_directory, log) })
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start)!;
        _processes.Add(process);
        var line = await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.True(line?.StartsWith("listening on ", StringComparison.Ordinal), $"server said: {line}");
        return (process, new Uri(line!["listening on ".Length..].Split(' ')[0]));
    }
}
