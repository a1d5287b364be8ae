using System.Text.Json.Nodes;

namespace StepFunctionsApi.Tests;

public sealed class ExecutionApiTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    private SfnHttp Http => fixture.Http;

    private async Task<JsonObject> WaitForEndAsync(string executionArn)
    {
        for (var i = 0; i < 400; i++)
        {
            var described = await Http.CallAsync("DescribeExecution", new() { ["executionArn"] = executionArn });
            if (described["status"]!.GetValue<string>() != "RUNNING")
            {
                return described;
            }
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }
        throw new TimeoutException(executionArn + " did not finish");
    }

    [Fact]
    public async Task StartExecution_RunsTheSagaThroughTheFakeLambdas_AndDescribeReportsItsOutput()
    {
        var started = await Http.CallAsync("StartExecution", new() { ["stateMachineArn"] = OrderSaga.MachineArn, ["name"] = "happy-1", ["input"] = OrderSaga.Input("happy-1") });

        var described = await WaitForEndAsync(started["executionArn"]!.GetValue<string>());

        Assert.Equal("arn:aws:states:us-east-1:123456789012:execution:OrderSaga:happy-1", started["executionArn"]!.GetValue<string>());
        Assert.Equal("SUCCEEDED", described["status"]!.GetValue<string>());
        Assert.Equal("TRK-happy-1", JsonNode.Parse(described["output"]!.GetValue<string>())!["shipment"]!["trackingNumber"]!.GetValue<string>());
        Assert.True(described["stopDate"]!.GetValue<decimal>() >= described["startDate"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task StartExecution_WithTheSameNameAndInput_IsIdempotentWhileRunning_ThenExecutionAlreadyExists()
    {
        var request = new JsonObject { ["stateMachineArn"] = OrderSaga.MachineArn + "#HappyPath", ["name"] = "dup-1", ["input"] = OrderSaga.Input("dup-1") };
        var first = await Http.CallAsync("StartExecution", (JsonObject)request.DeepClone());
        var again = await Http.SendAsync("StartExecution", (JsonObject)request.DeepClone());
        await WaitForEndAsync(first["executionArn"]!.GetValue<string>());
        var afterClose = await Http.SendAsync("StartExecution", (JsonObject)request.DeepClone());
        request["input"] = OrderSaga.Input("other");
        var otherInput = await Http.SendAsync("StartExecution", request);

        if (again.Status == 200)
        {
            Assert.Equal(first["executionArn"]!.ToJsonString(), again.Body["executionArn"]!.ToJsonString());
            Assert.Equal(first["startDate"]!.ToJsonString(), again.Body["startDate"]!.ToJsonString());
        }
        else
        {
            // The mocked run can finish before the second call arrives; then AWS refuses the name too.
            Assert.Equal("com.amazonaws.swf.service.v2.model#ExecutionAlreadyExists", again.Body["__type"]!.GetValue<string>());
        }
        Assert.Equal((400, "com.amazonaws.swf.service.v2.model#ExecutionAlreadyExists"), (afterClose.Status, afterClose.Body["__type"]!.GetValue<string>()));
        Assert.Equal(400, otherInput.Status);
        Assert.Equal("com.amazonaws.swf.service.v2.model#ExecutionAlreadyExists", otherInput.Body["__type"]!.GetValue<string>());
    }

    [Fact]
    public async Task StartExecution_WithATestCaseSuffix_UsesTheMockedResponses()
    {
        var started = await Http.CallAsync("StartExecution", new() { ["stateMachineArn"] = OrderSaga.MachineArn + "#PaymentDeclined", ["input"] = OrderSaga.Input("mock-1") });
        var invocationsBefore = fixture.Lambdas.Invocations;

        var described = await WaitForEndAsync(started["executionArn"]!.GetValue<string>());

        Assert.Equal("FAILED", described["status"]!.GetValue<string>());
        Assert.Equal("PaymentDeclined", described["error"]!.GetValue<string>());
        Assert.Equal(invocationsBefore, fixture.Lambdas.Invocations);
    }

    [Fact]
    public async Task GetExecutionHistory_PagesForwardAndBackward_WithContiguousIds()
    {
        var started = await Http.CallAsync("StartExecution", new() { ["stateMachineArn"] = OrderSaga.MachineArn, ["name"] = "paged-1", ["input"] = OrderSaga.Input("paged-1") });
        var arn = started["executionArn"]!.GetValue<string>();
        await WaitForEndAsync(arn);

        var forward = await ReadAllAsync(arn, reverse: false, pageSize: 4);
        var backward = await ReadAllAsync(arn, reverse: true, pageSize: 5);
        var withoutData = await Http.CallAsync("GetExecutionHistory", new() { ["executionArn"] = arn, ["includeExecutionData"] = false, ["maxResults"] = 1 });

        Assert.Equal(Enumerable.Range(1, forward.Count).Select(i => (long)i), forward.Select(e => e["id"]!.GetValue<long>()));
        Assert.Equal(forward.Select(e => e["id"]!.GetValue<long>()).Reverse(), backward.Select(e => e["id"]!.GetValue<long>()));
        Assert.Equal("ExecutionStarted", forward[0]["type"]!.GetValue<string>());
        Assert.Equal("ExecutionSucceeded", forward[^1]["type"]!.GetValue<string>());
        Assert.All(forward.Skip(1), e => Assert.Equal(e["id"]!.GetValue<long>() - 1, e["previousEventId"]!.GetValue<long>()));
        Assert.Null(withoutData["events"]![0]!["executionStartedEventDetails"]!["input"]);
        Assert.NotNull(withoutData["nextToken"]);
    }

    private async Task<List<JsonObject>> ReadAllAsync(string arn, bool reverse, int pageSize)
    {
        var events = new List<JsonObject>();
        string? token = null;
        do
        {
            var request = new JsonObject { ["executionArn"] = arn, ["maxResults"] = pageSize, ["reverseOrder"] = reverse };
            if (token is not null)
            {
                request["nextToken"] = token;
            }
            var page = await Http.CallAsync("GetExecutionHistory", request);
            Assert.True(page["events"]!.AsArray().Count <= pageSize);
            events.AddRange(page["events"]!.AsArray().Select(e => e!.AsObject()));
            token = page["nextToken"]?.GetValue<string>();
        }
        while (token is not null);
        return events;
    }

    [Fact]
    public async Task ListExecutions_FiltersByStatus_AndPagesNewestFirst()
    {
        await Http.CallAsync("CreateStateMachine", new() { ["name"] = "Lister", ["definition"] = """{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":30,"End":true}}}""", ["roleArn"] = OrderSaga.RoleArn });
        const string machine = "arn:aws:states:us-east-1:123456789012:stateMachine:Lister";
        var names = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            names.Add((await Http.CallAsync("StartExecution", new() { ["stateMachineArn"] = machine, ["name"] = $"run-{i}" }))["executionArn"]!.GetValue<string>());
        }
        var stopped = await Http.CallAsync("StopExecution", new() { ["executionArn"] = names[0], ["error"] = "Operator", ["cause"] = "test" });

        var all = new List<string>();
        string? token = null;
        do
        {
            var request = new JsonObject { ["stateMachineArn"] = machine, ["maxResults"] = 2 };
            if (token is not null)
            {
                request["nextToken"] = token;
            }
            var page = await Http.CallAsync("ListExecutions", request);
            all.AddRange(page["executions"]!.AsArray().Select(e => e!["name"]!.GetValue<string>()));
            token = page["nextToken"]?.GetValue<string>();
        }
        while (token is not null);
        var aborted = await Http.CallAsync("ListExecutions", new() { ["stateMachineArn"] = machine, ["statusFilter"] = "ABORTED" });
        var described = await Http.CallAsync("DescribeExecution", new() { ["executionArn"] = names[0] });
        foreach (var arn in names.Skip(1))
        {
            await Http.CallAsync("StopExecution", new() { ["executionArn"] = arn });
        }

        Assert.Equal(["run-4", "run-3", "run-2", "run-1", "run-0"], all);
        Assert.Equal("run-0", Assert.Single(aborted["executions"]!.AsArray())!["name"]!.GetValue<string>());
        Assert.Equal(("ABORTED", "Operator", "test"), (described["status"]!.GetValue<string>(), described["error"]!.GetValue<string>(), described["cause"]!.GetValue<string>()));
        Assert.NotNull(stopped["stopDate"]);
    }

    [Fact]
    public async Task DescribeStateMachineForExecution_ReturnsTheDefinitionTheExecutionStartedWith()
    {
        const string first = """{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}""";
        const string second = """{"StartAt":"Q","States":{"Q":{"Type":"Pass","End":true}}}""";
        var created = await Http.CallAsync("CreateStateMachine", new() { ["name"] = "Versioned", ["definition"] = first, ["roleArn"] = OrderSaga.RoleArn });
        var machineArn = created["stateMachineArn"]!.GetValue<string>();
        var started = await Http.CallAsync("StartExecution", new() { ["stateMachineArn"] = machineArn });
        await Http.CallAsync("UpdateStateMachine", new() { ["stateMachineArn"] = machineArn, ["definition"] = second });

        var forExecution = await Http.CallAsync("DescribeStateMachineForExecution", new() { ["executionArn"] = started["executionArn"]!.GetValue<string>() });
        var machine = await Http.CallAsync("DescribeStateMachine", new() { ["stateMachineArn"] = machineArn });

        Assert.Equal(first, forExecution["definition"]!.GetValue<string>());
        Assert.Equal(second, machine["definition"]!.GetValue<string>());
        Assert.Equal("ACTIVE", machine["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task SendTaskSuccess_CompletesAWaitForTaskTokenTask_AndAnUnknownTokenIsTaskDoesNotExist()
    {
        const string definition = """
            {"StartAt":"Ask","States":{"Ask":{"Type":"Task","Resource":"arn:aws:states:::sns:publish.waitForTaskToken",
             "Parameters":{"TopicArn":"arn:aws:sns:us-east-1:123456789012:asks","Message":{"token.$":"$$.Task.Token"}},"End":true}}}
            """;
        var created = await Http.CallAsync("CreateStateMachine", new() { ["name"] = "Callback", ["definition"] = definition, ["roleArn"] = OrderSaga.RoleArn });
        var started = await Http.CallAsync("StartExecution", new() { ["stateMachineArn"] = created["stateMachineArn"]!.GetValue<string>() });
        var topic = fixture.Topics.GetOrCreate("arn:aws:sns:us-east-1:123456789012:asks");
        for (var i = 0; i < 200 && topic.Messages.Count == 0; i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
        var token = JsonNode.Parse(topic.Messages.Single().Message)!["token"]!.GetValue<string>();

        await Http.CallAsync("SendTaskHeartbeat", new() { ["taskToken"] = token });
        await Http.CallAsync("SendTaskSuccess", new() { ["taskToken"] = token, ["output"] = """{"answer":42}""" });
        var described = await WaitForEndAsync(started["executionArn"]!.GetValue<string>());
        var unknown = await Http.SendAsync("SendTaskFailure", new() { ["taskToken"] = "nope", ["error"] = "E" });

        Assert.Equal("""{"answer":42}""", described["output"]!.GetValue<string>());
        Assert.Equal("com.amazonaws.swf.service.v2.model#TaskDoesNotExist", unknown.Body["__type"]!.GetValue<string>());
    }

    [Fact]
    public async Task StartSyncExecution_RunsAnExpressMachineToTheEnd_AndRefusesAStandardOne()
    {
        var express = await Http.CallAsync("CreateStateMachine", new()
        {
            ["name"] = "Quick", ["type"] = "EXPRESS", ["roleArn"] = OrderSaga.RoleArn,
            ["definition"] = """{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"sum.$":"States.MathAdd($.a, 1)"},"End":true}}}""",
        });

        var result = await Http.CallAsync("StartSyncExecution", new() { ["stateMachineArn"] = express["stateMachineArn"]!.GetValue<string>(), ["input"] = """{"a":41}""" });
        var standard = await Http.SendAsync("StartSyncExecution", new() { ["stateMachineArn"] = OrderSaga.MachineArn });

        Assert.Equal("SUCCEEDED", result["status"]!.GetValue<string>());
        Assert.Equal("""{"sum":42}""", result["output"]!.GetValue<string>());
        Assert.Equal("com.amazonaws.swf.service.v2.model#StateMachineTypeNotSupported", standard.Body["__type"]!.GetValue<string>());
    }
}
