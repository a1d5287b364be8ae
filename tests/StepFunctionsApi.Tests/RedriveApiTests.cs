using System.Text.Json.Nodes;
using StepFunctionsApi.Hosting;
using StepFunctionsApi.Persistence;

namespace StepFunctionsApi.Tests;

/// <summary>RedriveExecution through the API: AWS's rules and errors, the client token, partial reruns, durability.</summary>
public sealed class RedriveApiTests : IAsyncDisposable
{
    private const string Arn = SwitchableLambdas.FunctionArnPrefix;

    private static readonly string Linear = Functions("""
        {"StartAt":"Prepare","States":{
          "Prepare":{"Type":"Task","Resource":"fn:Step","Next":"Flaky"},
          "Flaky":{"Type":"Task","Resource":"fn:Flaky","Next":"Done"},
          "Done":{"Type":"Pass","End":true}}}
        """);

    private static readonly string LinearThenPause = Functions("""
        {"StartAt":"Prepare","States":{
          "Prepare":{"Type":"Task","Resource":"fn:Step","Next":"Flaky"},
          "Flaky":{"Type":"Task","Resource":"fn:Flaky","Next":"Pause"},
          "Pause":{"Type":"Wait","Seconds":2,"Next":"Finish"},
          "Finish":{"Type":"Task","Resource":"fn:Step","End":true}}}
        """);

    private static readonly string Parallel = Functions("""
        {"StartAt":"Both","States":{"Both":{"Type":"Parallel","End":true,"Branches":[
          {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"fn:Step","End":true}}},
          {"StartAt":"B","States":{"B":{"Type":"Task","Resource":"fn:Flaky","End":true}}}]}}}
        """);

    private static readonly string InlineMap = Functions("""
        {"StartAt":"Each","States":{"Each":{"Type":"Map","ItemsPath":"$.items","End":true,
          "ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"Item","States":{"Item":{"Type":"Task","Resource":"fn:Item","End":true}}}}}}
        """);

    /// <summary>Turns <c>fn:Name</c> into the function ARN the switchable Lambdas serve.</summary>
    private static string Functions(string definition) => definition.Replace("fn:", Arn, StringComparison.Ordinal);

    private readonly string _directory = Directory.CreateTempSubdirectory("sfn-redrive").FullName;
    private readonly SwitchableLambdas _lambdas = new();
    private StepFunctionsApiServer? _server;
    private SfnHttp? _http;

    private string Database => Path.Combine(_directory, "sfn.db");

    private SfnHttp Http => _http!;

    public async ValueTask DisposeAsync()
    {
        await StopServerAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task StartServerAsync()
    {
        _server = await StepFunctionsApiServer.StartAsync(new StepFunctionsApiOptions
        {
            Port = 0,
            DatabasePath = Database,
            MockConfigPath = null,
            LambdaInvoker = _lambdas,
        }, TestContext.Current.CancellationToken);
        _http = new SfnHttp(_server.Endpoint);
    }

    private async Task StopServerAsync()
    {
        _http?.Dispose();
        _http = null;
        if (_server is not null)
        {
            await _server.DisposeAsync();
            _server = null;
        }
    }

    private async Task<string> CreateAsync(string name, string definition, string type = "STANDARD") =>
        (await Http.CallAsync("CreateStateMachine", new() { ["name"] = name, ["definition"] = definition, ["roleArn"] = OrderSaga.RoleArn, ["type"] = type }))
        ["stateMachineArn"]!.GetValue<string>();

    private async Task<string> StartAsync(string machineArn, string name, string input = "{}") =>
        (await Http.CallAsync("StartExecution", new() { ["stateMachineArn"] = machineArn, ["name"] = name, ["input"] = input }))
        ["executionArn"]!.GetValue<string>();

    private Task<JsonObject> DescribeAsync(string executionArn) => Http.CallAsync("DescribeExecution", new() { ["executionArn"] = executionArn });

    private async Task<JsonObject> WaitForEndAsync(string executionArn)
    {
        for (var i = 0; i < 600; i++)
        {
            var described = await DescribeAsync(executionArn);
            if (described["status"]!.GetValue<string>() != "RUNNING")
            {
                return described;
            }
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        throw new TimeoutException(executionArn + " did not finish");
    }

    private async Task<string> FailedExecutionAsync(string definition, string machine = "Redrivable", string name = "attempt-1", string input = "{}")
    {
        var machineArn = await CreateAsync(machine, definition);
        var executionArn = await StartAsync(machineArn, name, input);
        var failed = await WaitForEndAsync(executionArn);
        Assert.Equal(("FAILED", "Boom"), (failed["status"]!.GetValue<string>(), failed["error"]!.GetValue<string>()));
        return executionArn;
    }

    private Task<(int Status, JsonObject Body)> RedriveAsync(string executionArn, string? clientToken = null)
    {
        var request = new JsonObject { ["executionArn"] = executionArn };
        if (clientToken is not null)
        {
            request["clientToken"] = clientToken;
        }
        return Http.SendAsync("RedriveExecution", request);
    }

    private async Task<JsonArray> HistoryAsync(string executionArn) =>
        (await Http.CallAsync("GetExecutionHistory", new() { ["executionArn"] = executionArn, ["maxResults"] = 1000 }))["events"]!.AsArray();

    private static void AssertGapFree(JsonArray events)
    {
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e!["id"]!.GetValue<long>()));
        Assert.All(events.Skip(1), e => Assert.InRange(e!["previousEventId"]!.GetValue<long>(), 0, e["id"]!.GetValue<long>() - 1));
    }

    private static string Type(JsonNode? historyEvent) => historyEvent!["type"]!.GetValue<string>();

    [Fact]
    public async Task RedriveExecution_OfAFailedExecution_RerunsOnlyTheFailedState_AndDescribeReportsTheRedrive()
    {
        await StartServerAsync();
        var arn = await FailedExecutionAsync(Linear);
        var beforeRedrive = await DescribeAsync(arn);
        _lambdas.Failing = false;

        var (status, redriven) = await RedriveAsync(arn);
        var ended = await WaitForEndAsync(arn);
        var events = await HistoryAsync(arn);

        Assert.Equal(200, status);
        Assert.Equal(("REDRIVABLE", 0), (beforeRedrive["redriveStatus"]!.GetValue<string>(), beforeRedrive["redriveCount"]!.GetValue<int>()));
        Assert.Null(beforeRedrive["redriveStatusReason"]);
        Assert.Equal("SUCCEEDED", ended["status"]!.GetValue<string>());
        Assert.Equal(1, ended["redriveCount"]!.GetValue<int>());
        Assert.Equal(redriven["redriveDate"]!.GetValue<decimal>(), ended["redriveDate"]!.GetValue<decimal>());
        Assert.Equal(("NOT_REDRIVABLE", "Execution is SUCCEEDED and cannot be redriven."),
            (ended["redriveStatus"]!.GetValue<string>(), ended["redriveStatusReason"]!.GetValue<string>()));
        Assert.Equal((1, 2), (_lambdas.Calls("Step"), _lambdas.Calls("Flaky")));
        AssertGapFree(events);
        var redrivenEvent = Assert.Single(events, e => Type(e) == "ExecutionRedriven");
        Assert.Equal(1, redrivenEvent!["executionRedrivenEventDetails"]!["redriveCount"]!.GetValue<int>());
        Assert.Equal("ExecutionFailed", Type(events[redrivenEvent["id"]!.GetValue<int>() - 2]));
        Assert.Equal("ExecutionSucceeded", Type(events[^1]));
        Assert.Equal(1, events.Count(e => Type(e) == "TaskStateEntered" && e!["stateEnteredEventDetails"]!["name"]!.GetValue<string>() == "Prepare"));
    }

    [Fact]
    public async Task RedriveExecution_WithTheSameClientToken_RedrivesOnce_AndAnswersTheSameDate()
    {
        await StartServerAsync();
        var arn = await FailedExecutionAsync(Linear);

        var first = await RedriveAsync(arn, "token-1");
        var again = await RedriveAsync(arn, "token-1");
        var failedAgain = await WaitForEndAsync(arn);
        var afterEnd = await RedriveAsync(arn, "token-1");
        var other = await RedriveAsync(arn, "token-2");
        await WaitForEndAsync(arn);
        var tooLong = await RedriveAsync(arn, new string('t', 65));
        var withSpace = await RedriveAsync(arn, "token 3");

        Assert.Equal((200, 200, 200, 200), (first.Status, again.Status, afterEnd.Status, other.Status));
        Assert.Equal(first.Body["redriveDate"]!.GetValue<decimal>(), again.Body["redriveDate"]!.GetValue<decimal>());
        Assert.Equal(first.Body["redriveDate"]!.GetValue<decimal>(), afterEnd.Body["redriveDate"]!.GetValue<decimal>());
        Assert.Equal("FAILED", failedAgain["status"]!.GetValue<string>());
        Assert.Equal(2, (await DescribeAsync(arn))["redriveCount"]!.GetValue<int>());
        var events = await HistoryAsync(arn);
        Assert.True(events.Count(e => Type(e) == "ExecutionRedriven") == 2, string.Join("\n", events.Select(e => e!.ToJsonString())));
        AssertGapFree(events);
        Assert.Equal((400, "com.amazon.coral.validate#ValidationException"), (tooLong.Status, tooLong.Body["__type"]!.GetValue<string>()));
        Assert.Equal((400, "com.amazon.coral.validate#ValidationException"), (withSpace.Status, withSpace.Body["__type"]!.GetValue<string>()));
    }

    [Fact]
    public async Task RedriveExecution_OfARunningSucceededOrExpressExecution_IsExecutionNotRedrivable()
    {
        await StartServerAsync();
        _lambdas.Failing = false;
        var waiting = await StartAsync(await CreateAsync("Waiting", """{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"End":true}}}"""), "w-1");
        var succeeded = await StartAsync(await CreateAsync("Succeeding", Linear), "s-1");
        await WaitForEndAsync(succeeded);
        _lambdas.Failing = true;
        var express = await StartAsync(await CreateAsync("Fast", Linear, type: "EXPRESS"), "e-1");
        await WaitForEndAsync(express);

        var whileRunning = await RedriveAsync(waiting);
        var afterSuccess = await RedriveAsync(succeeded);
        var ofExpress = await RedriveAsync(express);
        var runningDescribed = await DescribeAsync(waiting);

        const string notRedrivable = "com.amazonaws.swf.service.v2.model#ExecutionNotRedrivable";
        Assert.Equal((400, notRedrivable, "Execution is RUNNING and cannot be redriven."),
            (whileRunning.Status, whileRunning.Body["__type"]!.GetValue<string>(), whileRunning.Body["message"]!.GetValue<string>()));
        Assert.Equal((400, notRedrivable, "Execution is SUCCEEDED and cannot be redriven."),
            (afterSuccess.Status, afterSuccess.Body["__type"]!.GetValue<string>(), afterSuccess.Body["message"]!.GetValue<string>()));
        Assert.Equal((400, notRedrivable, "Execution is of type EXPRESS and cannot be redriven."),
            (ofExpress.Status, ofExpress.Body["__type"]!.GetValue<string>(), ofExpress.Body["message"]!.GetValue<string>()));
        Assert.Equal(("NOT_REDRIVABLE", "Execution is RUNNING and cannot be redriven."),
            (runningDescribed["redriveStatus"]!.GetValue<string>(), runningDescribed["redriveStatusReason"]!.GetValue<string>()));
    }

    [Fact]
    public async Task RedriveExecution_OfAnUnknownExecutionOrABadArn_AnswersAwsErrors()
    {
        await StartServerAsync();

        var unknown = await RedriveAsync("arn:aws:states:us-east-1:123456789012:execution:Nothing:missing");
        var badArn = await RedriveAsync("not-an-arn");
        var missing = await Http.SendAsync("RedriveExecution", []);

        Assert.Equal((400, "com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist"), (unknown.Status, unknown.Body["__type"]!.GetValue<string>()));
        Assert.Equal((400, "com.amazonaws.swf.service.v2.model#InvalidArn"), (badArn.Status, badArn.Body["__type"]!.GetValue<string>()));
        Assert.Equal((400, "com.amazon.coral.validate#ValidationException"), (missing.Status, missing.Body["__type"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ListExecutions_RedriveFilter_SeparatesRedrivenFromNeverRedriven()
    {
        await StartServerAsync();
        var redriven = await FailedExecutionAsync(Linear, name: "redriven");
        var machineArn = OrderSaga.MachineArn.Replace("OrderSaga", "Redrivable", StringComparison.Ordinal);
        var untouched = await StartAsync(machineArn, "untouched");
        await WaitForEndAsync(untouched);
        _lambdas.Failing = false;
        await RedriveAsync(redriven);
        await WaitForEndAsync(redriven);

        async Task<JsonArray> ListAsync(string? filter)
        {
            var request = new JsonObject { ["stateMachineArn"] = machineArn };
            if (filter is not null)
            {
                request["redriveFilter"] = filter;
            }
            return (await Http.CallAsync("ListExecutions", request))["executions"]!.AsArray();
        }

        var onlyRedriven = await ListAsync("REDRIVEN");
        var notRedriven = await ListAsync("NOT_REDRIVEN");
        var all = await ListAsync(null);
        var bad = await Http.SendAsync("ListExecutions", new() { ["stateMachineArn"] = machineArn, ["redriveFilter"] = "SOMETIMES" });

        var item = Assert.Single(onlyRedriven);
        Assert.Equal(("redriven", 1), (item!["name"]!.GetValue<string>(), item["redriveCount"]!.GetValue<int>()));
        Assert.NotNull(item["redriveDate"]);
        Assert.Equal("untouched", Assert.Single(notRedriven)!["name"]!.GetValue<string>());
        Assert.Equal(0, Assert.Single(notRedriven)!["redriveCount"]!.GetValue<int>());
        Assert.Equal(2, all.Count);
        Assert.Equal(400, bad.Status);
    }

    [Fact]
    public async Task RedriveExecution_OfAFailedParallel_RerunsOnlyTheFailedBranch()
    {
        await StartServerAsync();
        var arn = await FailedExecutionAsync(Parallel);
        _lambdas.Failing = false;

        await RedriveAsync(arn);
        var ended = await WaitForEndAsync(arn);

        Assert.Equal("SUCCEEDED", ended["status"]!.GetValue<string>());
        Assert.Equal((1, 2), (_lambdas.Calls("Step"), _lambdas.Calls("Flaky")));
        var output = JsonNode.Parse(ended["output"]!.GetValue<string>())!.AsArray();
        Assert.Equal(["Step", "Flaky"], output.Select(o => o!["done"]!.GetValue<string>()));
        AssertGapFree(await HistoryAsync(arn));
    }

    [Fact]
    public async Task RedriveExecution_OfAFailedInlineMap_RerunsOnlyTheFailedIterations()
    {
        await StartServerAsync();
        var arn = await FailedExecutionAsync(InlineMap, input: """{"items":[1,2,3]}""");
        _lambdas.Failing = false;

        await RedriveAsync(arn);
        var ended = await WaitForEndAsync(arn);

        Assert.Equal("SUCCEEDED", ended["status"]!.GetValue<string>());
        Assert.Equal((1, 2, 1), (_lambdas.Calls("Item:1"), _lambdas.Calls("Item:2"), _lambdas.Calls("Item:3")));
        var output = JsonNode.Parse(ended["output"]!.GetValue<string>())!.AsArray();
        Assert.Equal([1, 2, 3], output.Select(o => o!["input"]!.GetValue<int>()));
    }

    [Fact]
    public async Task RedriveExecution_AfterARestart_RestoresTheExecutionFromTheStore_AndTheStoreSaysRunningAgain()
    {
        await StartServerAsync();
        var arn = await FailedExecutionAsync(LinearThenPause);
        await StopServerAsync();
        await StartServerAsync();
        _lambdas.Failing = false;

        var (status, _) = await RedriveAsync(arn);
        var stored = _server!.StepFunctions.Store.GetExecution(arn)!;
        var duringRedrive = await DescribeAsync(arn);
        var ended = await WaitForEndAsync(arn);
        var events = await HistoryAsync(arn);

        Assert.Equal(200, status);
        Assert.Equal(("RUNNING", 1), (stored.Status, stored.RedriveCount));
        Assert.Null(stored.StopDate);
        Assert.Null(stored.Error);
        Assert.Equal("RUNNING", duringRedrive["status"]!.GetValue<string>());
        Assert.Equal("SUCCEEDED", ended["status"]!.GetValue<string>());
        Assert.Equal((2, 2), (_lambdas.Calls("Step"), _lambdas.Calls("Flaky")));
        AssertGapFree(events);
        Assert.Single(events, e => Type(e) == "ExecutionRedriven");
    }

    [Fact]
    public async Task ARestartInTheMiddleOfARedrivenExecution_ResumesIt_WithoutRunningACompletedStateAgain()
    {
        await StartServerAsync();
        var arn = await FailedExecutionAsync(LinearThenPause);
        _lambdas.Failing = false;
        await RedriveAsync(arn);
        while (!(await HistoryAsync(arn)).Any(e => Type(e) == "WaitStateEntered"))
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        await StopServerAsync();
        var storedAtStop = ReadStored(arn);
        await StartServerAsync();
        var resumed = _server!.ResumedExecutions;
        var ended = await WaitForEndAsync(arn);
        var events = await HistoryAsync(arn);

        Assert.Equal(("RUNNING", 1), (storedAtStop.Status, storedAtStop.RedriveCount));
        Assert.Equal(1, resumed);
        Assert.Equal(("SUCCEEDED", 1), (ended["status"]!.GetValue<string>(), ended["redriveCount"]!.GetValue<int>()));
        Assert.Equal((2, 2), (_lambdas.Calls("Flaky"), _lambdas.Calls("Step")));
        AssertGapFree(events);
        Assert.DoesNotContain(events, e => Type(e) == "ExecutionAborted");
        Assert.Single(events, e => Type(e) == "ExecutionRedriven");
        Assert.Single(events, e => Type(e) == "WaitStateEntered");
    }

    [Fact]
    public async Task DisposingTheServer_StopsEveryInterpreter_WithoutRecordingAnAbort()
    {
        await StartServerAsync();
        var machineArn = await CreateAsync("Waiting", """{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"End":true}}}""");
        var arns = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            arns.Add(await StartAsync(machineArn, "w-" + i));
        }
        var engine = _server!.StepFunctions.Engine;
        var runningBefore = engine.RunningInterpreters;

        await StopServerAsync();

        Assert.Equal(5, runningBefore);
        Assert.Equal(0, engine.RunningInterpreters);
        Assert.All(arns, arn =>
        {
            var stored = ReadStored(arn);
            Assert.Equal("RUNNING", stored.Status);
        });
        using var store = new SqliteStateStore(Database);
        Assert.All(arns, arn => Assert.DoesNotContain(store.GetEvents(arn, 1, long.MaxValue, 100, descending: false), e => e.Type == "ExecutionAborted"));
    }

    [Fact]
    public async Task TheAwsCli_RedrivesAFailedExecution()
    {
        await StartServerAsync();
        var arn = await FailedExecutionAsync(Linear);
        _lambdas.Failing = false;

        var (exit, stdout, stderr) = await ExternalTool.RunAsync("aws",
            ["--endpoint-url", _server!.Endpoint.ToString(), "--output", "json", "stepfunctions", "redrive-execution", "--execution-arn", arn], _server.Endpoint);
        Assert.True(exit == 0, $"aws stepfunctions redrive-execution exited {exit}: {stderr}");
        var ended = await WaitForEndAsync(arn);
        var (listExit, listed, _) = await ExternalTool.RunAsync("aws",
            ["--endpoint-url", _server.Endpoint.ToString(), "--output", "json", "stepfunctions", "list-executions", "--state-machine-arn",
             ended["stateMachineArn"]!.GetValue<string>(), "--redrive-filter", "REDRIVEN"], _server.Endpoint);

        Assert.InRange(JsonNode.Parse(stdout)!["redriveDate"]!.GetValue<decimal>(), 1_600_000_000m, 4_000_000_000m);
        Assert.Equal(("SUCCEEDED", 1), (ended["status"]!.GetValue<string>(), ended["redriveCount"]!.GetValue<int>()));
        Assert.Equal(0, listExit);
        Assert.Equal("attempt-1", Assert.Single(JsonNode.Parse(listed)!["executions"]!.AsArray())!["name"]!.GetValue<string>());
    }

    private ExecutionRecord ReadStored(string arn)
    {
        using var store = new SqliteStateStore(Database);
        return store.GetExecution(arn)!;
    }
}
