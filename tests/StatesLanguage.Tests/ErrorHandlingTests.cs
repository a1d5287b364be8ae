using StatesLanguage.Integrations;
using StatesLanguage.Runtime;
using static StatesLanguage.Tests.EngineTestHost;

namespace StatesLanguage.Tests;

public class ErrorHandlingTests
{
    private const string Fn = "arn:aws:lambda:us-east-1:123456789012:function:Flaky";

    private static string TaskWith(string retry, string @catch = """[{"ErrorEquals":["NeverRaised"],"Next":"Handler"}]""") =>
        """{"StartAt":"T","States":{"T":{"Type":"Task","Resource":""" + $"\"{Fn}\",\"Retry\":{retry},\"Catch\":{@catch}"
        + ""","End":true},"Handler":{"Type":"Pass","End":true}}}""";

    [Fact]
    public async Task Retry_Defaults_ThreeRetriesWithBackoff1s2s4s()
    {
        var lambda = new FakeLambda().On("Flaky", LambdaInvocationResult.Failure("Transient", "x"));
        var result = await RunAsync(TaskWith("""[{"ErrorEquals":["Transient"]}]"""), lambda: lambda);
        Assert.Equal(4, lambda.Calls.Count);
        var scheduled = result.History.Where(e => e.Type == "LambdaFunctionScheduled").Select(e => e.Timestamp).ToList();
        var gaps = scheduled.Zip(scheduled.Skip(1), (a, b) => (b - a).TotalSeconds).ToArray();
        Assert.Equal([1.0, 2.0, 4.0], gaps);
        Assert.Equal("Transient", result.Error);
        Assert.Equal("""{"errorMessage":"x","errorType":"Transient","trace":[]}""", result.Cause);
        Assert.Single(result.History, e => e.Type == "TaskStateEntered");
        Assert.Equal(4, result.History.Count(e => e.Type == "LambdaFunctionFailed"));
    }

    [Fact]
    public async Task Retry_FiveMinuteBackoffWithMaxDelay_FinishesInstantlyButHistoryShowsTheDelay()
    {
        var lambda = new FakeLambda().On("Flaky", LambdaInvocationResult.Failure("Transient", "x"), LambdaInvocationResult.Failure("Transient", "x"),
            LambdaInvocationResult.Success("""{"ok":true}"""));
        var started = DateTime.UtcNow;
        var result = await RunAsync(TaskWith("""[{"ErrorEquals":["States.ALL"],"IntervalSeconds":300,"BackoffRate":3,"MaxDelaySeconds":600,"MaxAttempts":5}]"""), lambda: lambda);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
        Assert.Equal(ExecutionStatus.SUCCEEDED, result.Status);
        var scheduled = result.History.Where(e => e.Type == "LambdaFunctionScheduled").Select(e => e.Timestamp).ToList();
        Assert.Equal(TimeSpan.FromSeconds(300), scheduled[1] - scheduled[0]);
        Assert.Equal(TimeSpan.FromSeconds(600), scheduled[2] - scheduled[1]); // 900 capped by MaxDelaySeconds
    }

    [Fact]
    public async Task Retry_MaxAttemptsZero_NeverRetries()
    {
        var lambda = new FakeLambda().On("Flaky", LambdaInvocationResult.Failure("Transient", "x"));
        await RunAsync(TaskWith("""[{"ErrorEquals":["Transient"],"MaxAttempts":0}]"""), lambda: lambda);
        Assert.Single(lambda.Calls);
    }

    [Fact]
    public void BackoffDelay_FullJitter_StaysWithinTheComputedDelay()
    {
        var retrier = new Definition.Retrier(["X"], IntervalSeconds: 10, BackoffRate: 2, JitterStrategy: "FULL");
        for (var i = 0; i < 50; i++)
        {
            Assert.InRange(Interpreter.BackoffDelay(retrier, 2).TotalSeconds, 0, 40);
        }
    }

    [Fact]
    public async Task Catch_ResultPath_PutsErrorAndCauseBesideInput()
    {
        var lambda = new FakeLambda().On("Flaky", LambdaInvocationResult.Failure("PaymentDeclined", "card"));
        var result = await RunAsync(TaskWith("[]", """[{"ErrorEquals":["PaymentDeclined"],"ResultPath":"$.error","Next":"Handler"}]"""),
            """{"order":"o-1"}""", lambda: lambda);
        Assert.Equal(ExecutionStatus.SUCCEEDED, result.Status);
        Assert.Equal("""{"order":"o-1","error":{"Error":"PaymentDeclined","Cause":"{\"errorMessage\":\"card\",\"errorType\":\"PaymentDeclined\",\"trace\":[]}"}}""", result.Output);
        Assert.Equal(["ExecutionStarted", "TaskStateEntered:T", "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionFailed",
            "TaskStateExited:T", "PassStateEntered:Handler", "PassStateExited:Handler", "ExecutionSucceeded"], Path(result));
    }

    [Theory]
    [InlineData("States.Runtime", false)]
    [InlineData("States.DataLimitExceeded", false)]
    [InlineData("States.Timeout", true)]
    [InlineData("Custom", true)]
    public void StatesAll_DoesNotMatchTerminalErrors(string error, bool matches) =>
        Assert.Equal(matches, Interpreter.ErrorMatches(["States.ALL"], error));

    [Fact]
    public void StatesTaskFailed_MatchesAllButTimeout()
    {
        Assert.True(Interpreter.ErrorMatches(["States.TaskFailed"], "Lambda.Unknown"));
        Assert.False(Interpreter.ErrorMatches(["States.TaskFailed"], "States.Timeout"));
    }

    [Fact]
    public async Task Catch_StatesAll_DoesNotCatchRuntimeErrors()
    {
        var result = await RunAsync("""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:Flaky","InputPath":"$.missing",
              "Catch":[{"ErrorEquals":["States.ALL"],"Next":"H"}],"End":true},"H":{"Type":"Pass","End":true}}}
            """, lambda: new FakeLambda().On("Flaky", LambdaInvocationResult.Success("1")));
        Assert.Equal("States.Runtime", result.Error);
    }

    [Fact]
    public async Task Task_TimeoutSeconds_FailsWithStatesTimeout()
    {
        var clock = new VirtualClock(Epoch);
        var engine = NewEngine(new HangingLambda(clock), clock: clock);
        var result = await RunAsync("""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","TimeoutSeconds":30,
              "Parameters":{"FunctionName":"Slow","Payload.$":"$"},"End":true}}}
            """, engine: engine);
        Assert.Equal("States.Timeout", result.Error);
        Assert.Contains("TaskTimedOut", Path(result));
        var entered = result.History.Single(e => e.Type == "TaskStateEntered").Timestamp;
        Assert.Equal(TimeSpan.FromSeconds(30), result.History.Single(e => e.Type == "TaskTimedOut").Timestamp - entered);
    }

    [Fact]
    public async Task Execution_TimeoutSeconds_TimesOut()
    {
        var result = await RunAsync("""{"TimeoutSeconds":5,"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"End":true}}}""");
        Assert.Equal(ExecutionStatus.TIMED_OUT, result.Status);
        Assert.Equal("ExecutionTimedOut", result.History[^1].Type);
    }

    [Fact]
    public async Task Parallel_BranchFailure_CaughtWithBranchError()
    {
        var result = await RunAsync("""
            {"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[
              {"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E1","Cause":"c"}}},
              {"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":100,"End":true}}}],
              "Catch":[{"ErrorEquals":["States.ALL"],"Next":"H"}],"End":true},"H":{"Type":"Pass","End":true}}}
            """);
        Assert.Equal("""{"Error":"E1","Cause":"c"}""", result.Output);
        Assert.Contains("ParallelStateFailed", Path(result));
    }

    /// <summary>A function that takes 10 minutes of virtual time.</summary>
    private sealed class HangingLambda(VirtualClock clock) : ILambdaInvoker
    {
        public async Task<LambdaInvocationResult> InvokeAsync(string functionName, string payloadJson, CancellationToken cancellationToken)
        {
            await clock.DelayAsync(TimeSpan.FromMinutes(10), cancellationToken);
            return LambdaInvocationResult.Success("{}");
        }
    }
}
