using System.Text.Json.Nodes;
using StatesLanguage.Runtime;
using static StatesLanguage.Tests.EngineTestHost;

namespace StatesLanguage.Tests.Durability;

/// <summary>An execution RUNNING when the process died is recreated in a new engine and finishes there.</summary>
public class ResumeTests
{
    private const string Fn = "arn:aws:lambda:us-east-1:123456789012:function:";

    private static readonly string ThreeSteps = """
        {"StartAt":"Reserve","States":{
          "Reserve":{"Type":"Task","Resource":"FN:Reserve","ResultPath":"$.reservation","Next":"Charge"},
          "Charge":{"Type":"Task","Resource":"FN:Charge","ResultPath":"$.payment",
            "Retry":[{"ErrorEquals":["GatewayTimeout"],"IntervalSeconds":1,"MaxAttempts":2}],"Next":"Ship"},
          "Ship":{"Type":"Task","Resource":"FN:Ship","ResultPath":"$.shipment","End":true}}}
        """.Replace("FN:", Fn, StringComparison.Ordinal);

    private static async Task<(StepFunctionsEngine Engine, Execution Execution, JsonStoreObserver Store)> RunUntilBlockedAsync(
        string definition, ProgrammableLambda lambda)
    {
        var store = new JsonStoreObserver();
        var engine = new StepFunctionsEngine(new EngineOptions { Clock = new VirtualClock(Epoch), LambdaInvoker = lambda, Observers = [store] });
        var machine = engine.CreateStateMachine("saga", definition);
        var execution = await engine.StartExecutionAsync(machine, """{"orderId":"o-1"}""", name: "o-1");
        await lambda.Blocked.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        return (engine, execution, store);
    }

    private static async Task<ExecutionResult> ResumeInNewEngineAsync(string definition, PersistedExecution persisted, ProgrammableLambda lambda,
        IExecutionObserver? observer = null)
    {
        var engine = new StepFunctionsEngine(new EngineOptions
        {
            Clock = new VirtualClock(Epoch.AddMinutes(1)), LambdaInvoker = lambda, Observers = observer is null ? [] : [observer],
        });
        var machine = engine.CreateStateMachine("saga", definition);
        var resumed = engine.ResumeExecution(machine, persisted);
        return await resumed.WaitForCompletionAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, Func<string>? diagnostics = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s " + diagnostics?.Invoke());
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task ResumeExecution_TaskInFlightAtCrash_RerunsOnlyThatTaskAndKeepsHistoryContiguous()
    {
        var before = new ProgrammableLambda().Returns("Reserve", """{"id":"r-1"}""").Blocks("Charge");
        var (oldEngine, running, store) = await RunUntilBlockedAsync(ThreeSteps, before);
        var persisted = store.Persisted(running);
        await oldEngine.StopExecutionAsync(running.ExecutionArn); // the old process is gone; nothing it does later is stored
        Assert.Equal("Charge", persisted.Checkpoint!.StateName);

        var after = new ProgrammableLambda().Returns("Reserve", "{}").Returns("Charge", """{"id":"p-1"}""").Returns("Ship", """{"id":"s-1"}""");
        var result = await ResumeInNewEngineAsync(ThreeSteps, persisted, after);

        Assert.Equal(ExecutionStatus.SUCCEEDED, result.Status);
        var output = JsonNode.Parse(result.Output!)!;
        Assert.Equal("r-1", output["reservation"]!["id"]!.GetValue<string>());
        Assert.Equal("p-1", output["payment"]!["id"]!.GetValue<string>());
        Assert.Equal(0, after.CallsTo("Reserve"));
        Assert.Equal(1, after.CallsTo("Charge"));
        Assert.Equal(1, after.CallsTo("Ship"));
        HistoryAssert.IsContiguous(result.History);
        Assert.Equal(persisted.History.Select(e => e.ToJson()), result.History.Take(persisted.History.Count).Select(e => e.ToJson()));
        Assert.Equal(1, HistoryAssert.Count(result.History, "TaskStateEntered", "Reserve"));
        Assert.Equal(1, HistoryAssert.Count(result.History, "TaskStateEntered", "Charge"));
        Assert.Equal(4, HistoryAssert.Count(result.History, "LambdaFunctionScheduled")); // Reserve, Charge (lost), Charge, Ship
        Assert.Equal(1, HistoryAssert.Count(result.History, "ExecutionStarted"));
        // The rerun attempt of Charge follows the last event the old process recorded.
        var firstNew = result.History[persisted.History.Count];
        Assert.Equal(persisted.History[^1].Id, firstNew.PreviousEventId);
        Assert.Equal("LambdaFunctionScheduled", firstNew.Type);
    }

    [Fact]
    public async Task ResumeExecution_RetriesUsedBeforeCrash_AreNotGrantedAgain()
    {
        var attempts = 0;
        var before = new ProgrammableLambda().Returns("Reserve", "{}").On("Charge", async (_, ct) =>
        {
            if (Interlocked.Increment(ref attempts) == 1)
            {
                return Integrations.LambdaInvocationResult.Failure("GatewayTimeout", "1");
            }
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        var store = new JsonStoreObserver();
        var engine = new StepFunctionsEngine(new EngineOptions { Clock = new VirtualClock(Epoch), LambdaInvoker = before, Observers = [store] });
        var machine = engine.CreateStateMachine("saga", ThreeSteps);
        var running = await engine.StartExecutionAsync(machine, "{}", name: "o-2");
        await WaitUntilAsync(() => Volatile.Read(ref attempts) >= 2);
        var persisted = store.Persisted(running);
        await engine.StopExecutionAsync(running.ExecutionArn);
        Assert.Equal(1, persisted.Checkpoint!.RetryCounts["0"]);

        // MaxAttempts is 2: one retry was used before the crash, so the resumed run has one left.
        var after = new ProgrammableLambda().Fails("Charge", "GatewayTimeout");
        var result = await ResumeInNewEngineAsync(ThreeSteps, persisted, after);

        Assert.Equal(ExecutionStatus.FAILED, result.Status);
        Assert.Equal("GatewayTimeout", result.Error);
        Assert.Equal(2, after.CallsTo("Charge"));
        HistoryAssert.IsContiguous(result.History);
    }

    [Fact]
    public async Task ResumeExecution_ParallelWithOneBranchDone_RunsOnlyTheOtherBranch()
    {
        var definition = """
            {"StartAt":"Both","States":{"Both":{"Type":"Parallel","End":true,"Branches":[
              {"StartAt":"Fast","States":{"Fast":{"Type":"Task","Resource":"FN:Fast","End":true}}},
              {"StartAt":"Slow","States":{"Slow":{"Type":"Task","Resource":"FN:Slow","End":true}}}]}}}
            """.Replace("FN:", Fn, StringComparison.Ordinal);
        var before = new ProgrammableLambda().Returns("Fast", """{"fast":true}""").Blocks("Slow");
        var (oldEngine, running, store) = await RunUntilBlockedAsync(definition, before);
        await WaitUntilAsync(() => running.Checkpoint?.CompletedChildren is { Count: 1 },
            () => string.Join(", ", running.History.Select(e => e.Type + ":" + e.StateName)) + " calls " + string.Join(",", before.Calls.Select(c => c.Function)));
        var persisted = store.Persisted(running);
        await oldEngine.StopExecutionAsync(running.ExecutionArn);

        var after = new ProgrammableLambda().Returns("Fast", """{"fast":"again"}""").Returns("Slow", """{"slow":true}""");
        var result = await ResumeInNewEngineAsync(definition, persisted, after);

        Assert.True(result.Status == ExecutionStatus.SUCCEEDED, result.Error + " " + result.Cause);
        Assert.Equal("""[{"fast":true},{"slow":true}]""", result.Output);
        Assert.Equal(0, after.CallsTo("Fast"));
        Assert.Equal(1, after.CallsTo("Slow"));
        HistoryAssert.IsContiguous(result.History);
    }

    [Fact]
    public async Task ResumeExecution_HistoryAlreadyTerminal_RestoresStatusWithoutRunning()
    {
        var lambda = new ProgrammableLambda().Returns("Reserve", "{}").Returns("Charge", "{}").Returns("Ship", """{"id":"s"}""");
        var store = new JsonStoreObserver();
        var engine = new StepFunctionsEngine(new EngineOptions { Clock = new VirtualClock(Epoch), LambdaInvoker = lambda, Observers = [store] });
        var machine = engine.CreateStateMachine("saga", ThreeSteps);
        var done = await (await engine.StartExecutionAsync(machine, "{}", name: "o-3")).WaitForCompletionAsync(TestContext.Current.CancellationToken);
        var persisted = store.Persisted(engine.GetExecution(done.Info.ExecutionArn)!);

        var again = new ProgrammableLambda();
        var result = await ResumeInNewEngineAsync(ThreeSteps, persisted, again);

        Assert.Equal(ExecutionStatus.SUCCEEDED, result.Status);
        Assert.Equal(done.Output, result.Output);
        Assert.Empty(again.Calls);
        Assert.Equal(done.History.Count, result.History.Count);
    }

    [Fact]
    public async Task ResumeExecution_SameArnAlreadyInEngine_ThrowsExecutionAlreadyExists()
    {
        var lambda = new ProgrammableLambda().Returns("Reserve", "{}").Blocks("Charge");
        var (engine, running, store) = await RunUntilBlockedAsync(ThreeSteps, lambda);
        var ex = Assert.Throws<StepFunctionsApiException>(() => engine.ResumeExecution(running.StateMachine, store.Persisted(running)));
        Assert.Equal("ExecutionAlreadyExists", ex.ErrorCode);
        await engine.StopExecutionAsync(running.ExecutionArn);
    }

    [Fact]
    public void Checkpoint_ToJsonAndParse_RoundTrips()
    {
        var checkpoint = new ExecutionCheckpoint("Charge", """{"a":[1,"x"]}""", 7, new Dictionary<string, int> { ["0"] = 2 })
        {
            Variables = """{"total":3}""",
            CompletedChildren = new Dictionary<int, string> { [0] = "null", [3] = """{"ok":true}""" },
        };
        var back = ExecutionCheckpoint.Parse(checkpoint.ToJson());
        Assert.Equal(("Charge", """{"a":[1,"x"]}""", 7, """{"total":3}"""), (back.StateName, back.StateInput, back.LastEventId, back.Variables));
        Assert.Equal(2, back.RetryCounts["0"]);
        Assert.Equal(checkpoint.CompletedChildren, back.CompletedChildren);
        Assert.Throws<FormatException>(() => ExecutionCheckpoint.Parse("""{"stateName":"x"}"""));
    }

    [Fact]
    public void HistoryEvent_ToJsonAndParse_RoundTripsExactlyAndReadsTheAwsCliForm()
    {
        var time = new DateTimeOffset(2025, 3, 4, 5, 6, 7, 891, TimeSpan.Zero).AddTicks(1234);
        var original = new HistoryEvent(5, 4, time, "TaskStateExited", new JsonObject { ["name"] = "Charge", ["output"] = "{}" });
        var back = HistoryEvent.Parse(original.ToJson());
        Assert.Equal((5L, 4L, time, "TaskStateExited", "Charge"), (back.Id, back.PreviousEventId, back.Timestamp, back.Type, back.StateName));
        Assert.Equal(original.ToJson(), back.ToJson());

        var fromCli = HistoryEvent.Parse(original.ToAwsJson().ToJsonString());
        Assert.Equal(time.ToUnixTimeMilliseconds(), fromCli.Timestamp.ToUnixTimeMilliseconds());
        Assert.Equal("{}", fromCli.Details!["output"]!.GetValue<string>());
        Assert.Throws<FormatException>(() => HistoryEvent.Parse("""{"type":"PassStateEntered"}"""));
    }
}
