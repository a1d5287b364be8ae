using System.Diagnostics;
using System.Text.Json.Nodes;
using Reliability.Tests.Support;
using StepFunctionsConsole;

namespace Reliability.Tests;

/// <summary>The Step Functions service quotas, reached through the runtime's Step Functions API as a client would.</summary>
public sealed class EngineLimitTests(RuntimeFixture fixture, ITestOutputHelper output) : IClassFixture<RuntimeFixture>
{
    private const int MaxInputCharacters = 262_144;
    private const int MaxHistoryEvents = 25_000;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StartExecution_WithInputOver256KiB_FailsWithValidationException()
    {
        var input = new JsonObject { ["padding"] = new string('x', MaxInputCharacters) }.ToJsonString();

        var error = await Assert.ThrowsAsync<StepFunctionsCallException>(() =>
            fixture.Runtime.StepFunctions.StartExecutionAsync(fixture.Runtime.Services.StateMachineArn, TestRuntime.NewOrderId("big"), input, Cancellation));

        Assert.Equal("ValidationException", error.ErrorType);
        Assert.Contains("'input' failed to satisfy constraint: Member must have length less than or equal to 262144", error.Message, StringComparison.Ordinal);
        Assert.Empty(await fixture.Runtime.ExecutionsAsync(Cancellation));
    }

    [Fact]
    public async Task AnExecutionThatLoopsForever_FailsWithStatesRuntime_AtTheHistoryLimit()
    {
        var api = fixture.Runtime.StepFunctions;
        var definition = new JsonObject
        {
            ["StartAt"] = "Spin",
            ["States"] = new JsonObject
            {
                ["Spin"] = new JsonObject { ["Type"] = "Pass", ["Next"] = "Again" },
                ["Again"] = new JsonObject
                {
                    ["Type"] = "Choice",
                    ["Choices"] = new JsonArray(new JsonObject { ["Variable"] = "$.stop", ["IsPresent"] = true, ["Next"] = "Done" }),
                    ["Default"] = "Spin",
                },
                ["Done"] = new JsonObject { ["Type"] = "Succeed" },
            },
        };
        var created = await api.CallAsync("CreateStateMachine", new JsonObject
        {
            ["name"] = "SpinForever",
            ["definition"] = definition.ToJsonString(),
            ["roleArn"] = "arn:aws:iam::123456789012:role/SpinRole",
        }, Cancellation);
        var started = Stopwatch.GetTimestamp();
        var execution = await api.StartExecutionAsync((string)created["stateMachineArn"]!, "spin", "{}", Cancellation);
        var executionArn = (string)execution["executionArn"]!;

        JsonObject? described = null;
        await TestRuntime.WaitUntilAsync(async () => (string?)(described = await api.DescribeExecutionAsync(executionArn, Cancellation))["status"] != "RUNNING",
            TimeSpan.FromSeconds(90), () => "the looping execution to stop", Cancellation);
        var failedAfter = Stopwatch.GetElapsedTime(started);

        Assert.Equal("FAILED", (string?)described!["status"]);
        Assert.Equal("States.Runtime", (string?)described["error"]);
        Assert.Contains("maximum number of events", (string?)described["cause"] ?? "", StringComparison.Ordinal);
        var events = (await api.GetExecutionHistoryAsync(executionArn, Cancellation))["events"]!.AsArray();
        Assert.InRange(events.Count, MaxHistoryEvents - 10, MaxHistoryEvents);
        Assert.Equal("ExecutionFailed", (string?)events[^1]!["type"]);
        output.WriteLine($"the Pass/Choice loop failed with States.Runtime after {events.Count} history events in {failedAfter.TotalSeconds:F1} s");
    }
}
