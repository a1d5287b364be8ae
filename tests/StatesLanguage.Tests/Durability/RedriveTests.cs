using System.Text.Json.Nodes;
using StatesLanguage.Integrations;
using StatesLanguage.Runtime;
using static StatesLanguage.Tests.EngineTestHost;

namespace StatesLanguage.Tests.Durability;

/// <summary>RedriveExecution with AWS's rules, and the EventBridge status-change events around it.</summary>
public class RedriveTests
{
    private const string Fn = "arn:aws:lambda:us-east-1:123456789012:function:";

    private static string Definition(string json) => json.Replace("FN:", Fn, StringComparison.Ordinal);

    private static readonly string Saga = Definition("""
        {"StartAt":"ReserveInventory","States":{
          "ReserveInventory":{"Type":"Task","Resource":"FN:Reserve","ResultPath":"$.reservation","Next":"ChargePayment"},
          "ChargePayment":{"Type":"Task","Resource":"FN:Charge","ResultPath":"$.payment","Next":"ShipOrder"},
          "ShipOrder":{"Type":"Task","Resource":"FN:Ship","ResultPath":"$.shipment",
            "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"RefundPayment"}],"Next":"Completed"},
          "RefundPayment":{"Type":"Task","Resource":"FN:Refund","ResultPath":null,"Next":"ReleaseInventory"},
          "ReleaseInventory":{"Type":"Task","Resource":"FN:Release","ResultPath":null,
            "Retry":[{"ErrorEquals":["InventoryUnavailable"],"IntervalSeconds":30,"MaxAttempts":2}],"Next":"MarkCancelled"},
          "MarkCancelled":{"Type":"Pass","Parameters":{"status":"CANCELLED","reason.$":"$.error.Error"},"Next":"Cancelled"},
          "Cancelled":{"Type":"Fail","Error":"OrderCancelled","Cause":"compensated"},
          "Completed":{"Type":"Succeed"}}}
        """);

    private static readonly string TwoSteps = Definition("""
        {"StartAt":"First","States":{
          "First":{"Type":"Task","Resource":"FN:First","ResultPath":"$.first","Next":"Second"},
          "Second":{"Type":"Task","Resource":"FN:Second","ResultPath":"$.second","End":true}}}
        """);

    private static (StepFunctionsEngine Engine, JsonStoreObserver Store) NewEngine(ILambdaInvoker lambda, string type = "STANDARD",
        string definition = "", string name = "sm")
    {
        var store = new JsonStoreObserver();
        var engine = new StepFunctionsEngine(new EngineOptions { Clock = new VirtualClock(Epoch), LambdaInvoker = lambda, Observers = [store] });
        if (definition.Length > 0)
        {
            engine.CreateStateMachine(name, definition, type: type);
        }
        return (engine, store);
    }

    private static async Task<ExecutionResult> RunAsync(StepFunctionsEngine engine, string input = "{}", string name = "e-1")
    {
        var execution = await engine.StartExecutionAsync(engine.StateMachines.Single(), input, name: name);
        return await execution.WaitForCompletionAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    private static Task<ExecutionResult> CompletionAsync(StepFunctionsEngine engine, string arn) =>
        engine.GetExecution(arn)!.WaitForCompletionAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

    private static ProgrammableLambda Toggle(ProgrammableLambda lambda, string function, Func<bool> healthy, string payload = "{}") =>
        lambda.On(function, (_, _) => Task.FromResult(healthy()
            ? LambdaInvocationResult.Success(payload)
            : LambdaInvocationResult.Failure("InventoryUnavailable", "the inventory service is down")));

    [Fact]
    public async Task Redrive_SagaCompensationFailedForGood_RerunsOnlyThatCompensationAndFinishes()
    {
        var repaired = false;
        var lambda = new ProgrammableLambda().Returns("Reserve", """{"id":"r"}""").Returns("Charge", """{"id":"p"}""")
            .Fails("Ship", "AddressUnserviceable").Returns("Refund", "{}");
        Toggle(lambda, "Release", () => repaired);
        var (engine, _) = NewEngine(lambda, definition: Saga);
        var failed = await RunAsync(engine, """{"orderId":"o-1"}""");
        Assert.Equal(ExecutionStatus.FAILED, failed.Status);
        Assert.Equal("InventoryUnavailable", failed.Error);
        Assert.Equal(3, lambda.CallsTo("Release"));
        Assert.Equal(ExecutionRedriveStatus.Redrivable, engine.DescribeExecution(failed.Info.ExecutionArn).RedriveStatus);

        repaired = true;
        var callsBefore = lambda.Calls.Count;
        engine.RedriveExecution(failed.Info.ExecutionArn);
        var result = await CompletionAsync(engine, failed.Info.ExecutionArn);

        Assert.Equal(("OrderCancelled", "compensated"), (result.Error, result.Cause));
        Assert.Equal(["Release"], lambda.Calls.Skip(callsBefore).Select(c => c.Function).ToArray());
        HistoryAssert.IsContiguous(result.History);
        var redriven = result.History.Single(e => e.Type == "ExecutionRedriven");
        Assert.Equal(1, redriven.Details!["redriveCount"]!.GetValue<int>());
        Assert.Equal(failed.History.Count + 1, redriven.Id);
        Assert.Equal(failed.History[^1].Id, redriven.PreviousEventId);
        var afterRedrive = result.History.Skip((int)redriven.Id).Where(e => e.StateName is not null).Select(e => e.Type + ":" + e.StateName).ToArray();
        Assert.Equal(["TaskStateEntered:ReleaseInventory", "TaskStateExited:ReleaseInventory", "PassStateEntered:MarkCancelled",
            "PassStateExited:MarkCancelled", "FailStateEntered:Cancelled"], afterRedrive);
        Assert.Equal(1, HistoryAssert.Count(result.History, "TaskStateEntered", "ShipOrder"));
        var info = engine.DescribeExecution(failed.Info.ExecutionArn);
        Assert.Equal((1, ExecutionStatus.FAILED), (info.RedriveCount, info.Status));
        Assert.NotNull(info.RedriveDate);
    }

    [Fact]
    public async Task Redrive_UsesTheFailedStatesInputAndResetsItsRetries()
    {
        var healthy = false;
        var lambda = new ProgrammableLambda().Returns("First", """{"v":1}""");
        Toggle(lambda, "Second", () => healthy, """{"v":2}""");
        var (engine, _) = NewEngine(lambda, definition: TwoSteps);
        var failed = await RunAsync(engine, """{"orderId":"o-2"}""");
        Assert.Equal(ExecutionStatus.FAILED, failed.Status);

        healthy = true;
        engine.RedriveExecution(failed.Info.ExecutionArn);
        var result = await CompletionAsync(engine, failed.Info.ExecutionArn);

        Assert.Equal(ExecutionStatus.SUCCEEDED, result.Status);
        Assert.Equal("""{"orderId":"o-2","first":{"v":1},"second":{"v":2}}""", result.Output);
        Assert.Equal(1, lambda.CallsTo("First"));
        Assert.Equal("""{"orderId":"o-2","first":{"v":1}}""", lambda.Calls.Last().Payload);
    }

    [Theory]
    [InlineData("SUCCEEDED", "Execution is SUCCEEDED and cannot be redriven.")]
    [InlineData("RUNNING", "Execution is RUNNING and cannot be redriven.")]
    public async Task Redrive_SucceededOrRunning_ThrowsExecutionNotRedrivable(string status, string reason)
    {
        var lambda = new ProgrammableLambda().Returns("First", "{}");
        if (status == "RUNNING")
        {
            lambda.Blocks("Second");
        }
        else
        {
            lambda.Returns("Second", "{}");
        }
        var (engine, _) = NewEngine(lambda, definition: TwoSteps);
        var execution = await engine.StartExecutionAsync(engine.StateMachines.Single(), "{}", name: "e");
        if (status == "RUNNING")
        {
            await lambda.Blocked.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        }
        else
        {
            await execution.WaitForCompletionAsync(TestContext.Current.CancellationToken);
        }

        var ex = Assert.Throws<StepFunctionsApiException>(() => engine.RedriveExecution(execution.ExecutionArn));

        Assert.Equal(("ExecutionNotRedrivable", reason), (ex.ErrorCode, ex.Message));
        var info = engine.DescribeExecution(execution.ExecutionArn);
        Assert.Equal((ExecutionRedriveStatus.NotRedrivable, reason), (info.RedriveStatus, info.RedriveStatusReason));
        await engine.StopExecutionAsync(execution.ExecutionArn);
    }

    [Fact]
    public async Task Redrive_ExpressStateMachine_ThrowsExecutionNotRedrivable()
    {
        var lambda = new ProgrammableLambda().Fails("First", "Boom");
        var (engine, _) = NewEngine(lambda, type: "EXPRESS", definition: TwoSteps);
        var failed = await RunAsync(engine);
        var ex = Assert.Throws<StepFunctionsApiException>(() => engine.RedriveExecution(failed.Info.ExecutionArn));
        Assert.Equal("ExecutionNotRedrivable", ex.ErrorCode);
    }

    [Fact]
    public void Redrive_UnknownExecution_ThrowsExecutionDoesNotExist()
    {
        var (engine, _) = NewEngine(new ProgrammableLambda());
        Assert.Equal("ExecutionDoesNotExist",
            Assert.Throws<StepFunctionsApiException>(() => engine.RedriveExecution("arn:aws:states:us-east-1:123456789012:execution:sm:x")).ErrorCode);
    }

    [Fact]
    public async Task Redrive_MoreThan14DaysAfterStop_IsNotRedrivable()
    {
        var clock = new VirtualClock(Epoch);
        var engine = new StepFunctionsEngine(new EngineOptions { Clock = clock, LambdaInvoker = new ProgrammableLambda().Fails("First", "Boom") });
        var machine = engine.CreateStateMachine("sm", TwoSteps);
        var failed = await (await engine.StartExecutionAsync(machine, "{}", name: "old")).WaitForCompletionAsync(TestContext.Current.CancellationToken);
        clock.Advance(TimeSpan.FromDays(15));
        var ex = Assert.Throws<StepFunctionsApiException>(() => engine.RedriveExecution(failed.Info.ExecutionArn));
        Assert.Equal("Execution redrivable period exceeded.", ex.Message);
    }

    [Fact]
    public async Task Redrive_AbortedExecution_RerunsTheStateThatWasRunning()
    {
        var lambda = new ProgrammableLambda().Returns("First", """{"v":1}""").Blocks("Second");
        var (engine, _) = NewEngine(lambda, definition: TwoSteps);
        var execution = await engine.StartExecutionAsync(engine.StateMachines.Single(), "{}", name: "e");
        await lambda.Blocked.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await engine.StopExecutionAsync(execution.ExecutionArn, "Operator", "stopped by hand");
        Assert.Equal(ExecutionStatus.ABORTED, (await execution.WaitForCompletionAsync(TestContext.Current.CancellationToken)).Status);

        lambda.Returns("Second", """{"v":2}""");
        engine.RedriveExecution(execution.ExecutionArn);
        var result = await CompletionAsync(engine, execution.ExecutionArn);

        Assert.Equal(ExecutionStatus.SUCCEEDED, result.Status);
        Assert.Equal(1, lambda.CallsTo("First"));
        Assert.Contains(result.History, e => e.Type == "ExecutionAborted");
        HistoryAssert.IsContiguous(result.History);
    }

    [Fact]
    public async Task Redrive_TimedOutExecution_RestartsTheExecutionTimeout()
    {
        var definition = """
            {"TimeoutSeconds":10,"StartAt":"Short","States":{
              "Short":{"Type":"Wait","Seconds":6,"Next":"Long"},
              "Long":{"Type":"Wait","Seconds":8,"End":true}}}
            """;
        var (engine, _) = NewEngine(new ProgrammableLambda(), definition: definition);
        var timedOut = await RunAsync(engine);
        Assert.Equal(ExecutionStatus.TIMED_OUT, timedOut.Status);

        engine.RedriveExecution(timedOut.Info.ExecutionArn);
        var result = await CompletionAsync(engine, timedOut.Info.ExecutionArn);

        // The 8 s wait fits in a fresh 10 s budget; only Long runs again.
        Assert.Equal(ExecutionStatus.SUCCEEDED, result.Status);
        Assert.Equal(1, HistoryAssert.Count(result.History, "WaitStateEntered", "Short"));
        Assert.Equal(2, HistoryAssert.Count(result.History, "WaitStateEntered", "Long"));
    }

    [Fact]
    public async Task Redrive_SameClientTokenTwice_RedrivesOnce()
    {
        var lambda = new ProgrammableLambda().Returns("First", "{}").Blocks("Second");
        var (engine, _) = NewEngine(lambda, definition: TwoSteps);
        var execution = await engine.StartExecutionAsync(engine.StateMachines.Single(), "{}", name: "e");
        await lambda.Blocked.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await engine.StopExecutionAsync(execution.ExecutionArn);
        await execution.WaitForCompletionAsync(TestContext.Current.CancellationToken);

        var first = engine.RedriveExecution(execution.ExecutionArn, clientToken: "token-1");
        var second = engine.RedriveExecution(execution.ExecutionArn, clientToken: "token-1");

        Assert.Equal(first, second);
        Assert.Equal(1, engine.DescribeExecution(execution.ExecutionArn).RedriveCount);
        Assert.Equal(1, HistoryAssert.Count(execution.History, "ExecutionRedriven"));
        var ex = Assert.Throws<StepFunctionsApiException>(() => engine.RedriveExecution(execution.ExecutionArn, clientToken: "token-2"));
        Assert.Equal("Execution is RUNNING and cannot be redriven.", ex.Message);
        await engine.StopExecutionAsync(execution.ExecutionArn);
    }

    [Fact]
    public async Task Redrive_FailedParallel_RerunsOnlyTheFailedBranch()
    {
        var healthy = false;
        var definition = Definition("""
            {"StartAt":"Both","States":{"Both":{"Type":"Parallel","End":true,"Branches":[
              {"StartAt":"Good","States":{"Good":{"Type":"Task","Resource":"FN:Good","End":true}}},
              {"StartAt":"Bad","States":{"Bad":{"Type":"Task","Resource":"FN:Bad","End":true}}}]}}}
            """);
        var lambda = new ProgrammableLambda().Returns("Good", """{"good":1}""");
        Toggle(lambda, "Bad", () => healthy, """{"bad":0}""");
        var (engine, _) = NewEngine(lambda, definition: definition);
        var failed = await RunAsync(engine);
        Assert.Equal(ExecutionStatus.FAILED, failed.Status);

        healthy = true;
        engine.RedriveExecution(failed.Info.ExecutionArn);
        var result = await CompletionAsync(engine, failed.Info.ExecutionArn);

        Assert.Equal(ExecutionStatus.SUCCEEDED, result.Status);
        Assert.Equal("""[{"good":1},{"bad":0}]""", result.Output);
        Assert.Equal(1, lambda.CallsTo("Good"));
        Assert.Equal(2, lambda.CallsTo("Bad"));
    }

    [Fact]
    public async Task Redrive_FailedInlineMap_RerunsOnlyTheFailedIterations()
    {
        var definition = Definition("""
            {"StartAt":"Each","States":{"Each":{"Type":"Map","End":true,"MaxConcurrency":1,
              "ItemProcessor":{"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"FN:Work","End":true}}}}}}
            """);
        var failing = new HashSet<int> { 2 };
        var lambda = new ProgrammableLambda().On("Work", (payload, _) =>
        {
            var n = JsonNode.Parse(payload)!["n"]!.GetValue<int>();
            return Task.FromResult(failing.Contains(n) ? LambdaInvocationResult.Failure("Boom", "item " + n) : LambdaInvocationResult.Success($$"""{"done":{{n}}}"""));
        });
        var (engine, _) = NewEngine(lambda, definition: definition);
        var failed = await RunAsync(engine, """[{"n":0},{"n":1},{"n":2},{"n":3}]""");
        Assert.Equal(ExecutionStatus.FAILED, failed.Status);
        Assert.Equal(3, lambda.Calls.Count); // MaxConcurrency 1: item 3 never started

        failing.Clear();
        var before = lambda.Calls.Count;
        engine.RedriveExecution(failed.Info.ExecutionArn);
        var result = await CompletionAsync(engine, failed.Info.ExecutionArn);

        Assert.Equal(ExecutionStatus.SUCCEEDED, result.Status);
        Assert.Equal("""[{"done":0},{"done":1},{"done":2},{"done":3}]""", result.Output);
        Assert.Equal(["""{"n":2}""", """{"n":3}"""], lambda.Calls.Skip(before).Select(c => c.Payload).ToArray());
    }

    [Fact]
    public async Task StatusChangeEvents_StartFailRedriveSucceed_CarryEventBridgePayloads()
    {
        var healthy = false;
        var lambda = new ProgrammableLambda().Returns("First", "{}");
        Toggle(lambda, "Second", () => healthy);
        var (engine, store) = NewEngine(lambda, definition: TwoSteps);
        var failed = await RunAsync(engine, """{"orderId":"o-9"}""");
        healthy = true;
        engine.RedriveExecution(failed.Info.ExecutionArn);
        await CompletionAsync(engine, failed.Info.ExecutionArn);

        var changes = store.StatusChanges.Select(c => c.ToEventBridgeJson()).ToList();
        Assert.Equal(["RUNNING", "FAILED", "RUNNING", "SUCCEEDED"], changes.Select(c => c["detail"]!["status"]!.GetValue<string>()).ToArray());
        Assert.All(changes, c =>
        {
            Assert.Equal("Step Functions Execution Status Change", c["detail-type"]!.GetValue<string>());
            Assert.Equal("aws.states", c["source"]!.GetValue<string>());
            Assert.Equal(failed.Info.ExecutionArn, c["resources"]![0]!.GetValue<string>());
            Assert.Equal(failed.Info.StateMachineArn, c["detail"]!["stateMachineArn"]!.GetValue<string>());
            Assert.Equal("""{"orderId":"o-9"}""", c["detail"]!["input"]!.GetValue<string>());
        });
        var failedDetail = changes[1]["detail"]!;
        Assert.Equal("InventoryUnavailable", failedDetail["error"]!.GetValue<string>());
        Assert.Equal("REDRIVABLE", failedDetail["redriveStatus"]!.GetValue<string>());
        Assert.Equal(failed.Info.StopDate!.Value.ToUnixTimeMilliseconds(), failedDetail["stopDate"]!.GetValue<long>());
        Assert.Equal(1, changes[2]["detail"]!["redriveCount"]!.GetValue<int>());
        Assert.NotNull(changes[2]["detail"]!["redriveDate"]);
        Assert.Contains("\"orderId\":\"o-9\"", changes[3]["detail"]!["output"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redrive_ThenCrash_ResumesInANewEngine()
    {
        var lambda = new ProgrammableLambda().Returns("First", """{"v":1}""").Fails("Second", "Boom");
        var (engine, store) = NewEngine(lambda, definition: TwoSteps);
        var failed = await RunAsync(engine);
        lambda.Blocks("Second");
        engine.RedriveExecution(failed.Info.ExecutionArn);
        await lambda.Blocked.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var execution = engine.GetExecution(failed.Info.ExecutionArn)!;
        var persisted = store.Persisted(execution);
        await engine.StopExecutionAsync(execution.ExecutionArn);

        var after = new ProgrammableLambda().Returns("Second", """{"v":2}""");
        var (newEngine, _) = NewEngine(after);
        var machine = newEngine.CreateStateMachine("sm", TwoSteps);
        var resumed = newEngine.ResumeExecution(machine, persisted);
        var result = await resumed.WaitForCompletionAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(ExecutionStatus.SUCCEEDED, result.Status);
        Assert.Equal((1, 0), (result.Info.RedriveCount, after.CallsTo("First")));
        Assert.Equal(1, after.CallsTo("Second"));
        HistoryAssert.IsContiguous(result.History);
        Assert.Equal(1, HistoryAssert.Count(result.History, "ExecutionRedriven"));
    }
}
