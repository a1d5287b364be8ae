using System.Text.Json.Nodes;
using StatesLanguage.Integrations;
using StatesLanguage.Runtime;
using static StatesLanguage.Tests.EngineTestHost;

namespace StatesLanguage.Tests;

/// <summary>
/// A Task with Parameters writes its result into its own input rather than a copy; a Retry or Catch after a late
/// failure must still see the input as it was.
/// </summary>
public class DataFlowReuseTests
{
    private const string Fn = "arn:aws:lambda:us-east-1:123456789012:function:Big";

    // 150 KB of input plus 150 KB of result passes each task check but not the 256 KiB state output limit.
    private static readonly string Padding = new('x', 150 * 1024);

    private static string Definition(string retry) =>
        """{"StartAt":"T","States":{"T":{"Type":"Task","Resource":""" + $"\"{Fn}\""
        + ""","Parameters":{"p.$":"$.keep"},"ResultPath":"$.result","Retry":""" + retry
        + ""","Catch":[{"ErrorEquals":["States.DataLimitExceeded"],"ResultPath":"$.error","Next":"Caught"}],"End":true},"Caught":{"Type":"Pass","End":true}}}""";

    private static string Input => new JsonObject { ["keep"] = "k", ["padding"] = Padding }.ToJsonString();

    [Fact]
    public async Task Catch_AfterTheOutputExceedsTheLimit_SeesTheInputWithoutTheResult()
    {
        var lambda = new FakeLambda().On("Big", LambdaInvocationResult.Success(new JsonObject { ["big"] = Padding }.ToJsonString()));

        var result = await RunAsync(Definition("[]"), Input, lambda);

        Assert.Equal(ExecutionStatus.SUCCEEDED, result.Status);
        var output = JsonNode.Parse(result.Output!)!.AsObject();
        Assert.Equal(["keep", "padding", "error"], output.Select(p => p.Key));
        Assert.Equal("States.DataLimitExceeded", output["error"]!["Error"]!.GetValue<string>());
        var caughtExit = result.History.Single(e => e.Type == "TaskStateExited").Details!["output"]!.GetValue<string>();
        Assert.DoesNotContain("\"result\"", caughtExit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_AfterTheOutputExceedsTheLimit_StartsFromTheOriginalInput()
    {
        var lambda = new FakeLambda().On("Big",
            LambdaInvocationResult.Success(new JsonObject { ["big"] = Padding }.ToJsonString()),
            LambdaInvocationResult.Success("""{"small":true}"""));

        var result = await RunAsync(Definition("""[{"ErrorEquals":["States.DataLimitExceeded"],"IntervalSeconds":1,"MaxAttempts":1}]"""), Input, lambda);

        Assert.Equal(ExecutionStatus.SUCCEEDED, result.Status);
        Assert.Equal(2, lambda.Calls.Count);
        var output = JsonNode.Parse(result.Output!)!.AsObject();
        Assert.Equal(["keep", "padding", "result"], output.Select(p => p.Key));
        Assert.Equal("""{"small":true}""", output["result"]!.ToJsonString());
    }

    [Fact]
    public async Task Task_WithoutParameters_LeavesTheNodeTheIntegrationWasGivenUnchanged()
    {
        var seen = new RecordingIntegration();
        var engine = NewEngine();
        engine.RegisterIntegration(seen);

        var result = await RunAsync(
            """{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::record:it","ResultPath":"$.result","End":true}}}""",
            """{"a":1}""", engine: engine);

        Assert.Equal(ExecutionStatus.SUCCEEDED, result.Status);
        Assert.Equal("""{"a":1,"result":{"ok":true}}""", result.Output);
        Assert.Equal("""{"a":1}""", seen.Input!.ToJsonString());
    }

    private sealed class RecordingIntegration : ITaskIntegration
    {
        public JsonNode? Input { get; private set; }

        public bool CanHandle(TaskResource resource) => resource.ResourceType == "record";

        public Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
        {
            Input = invocation.Input;
            return Task.FromResult<JsonNode?>(new JsonObject { ["ok"] = true });
        }
    }
}
