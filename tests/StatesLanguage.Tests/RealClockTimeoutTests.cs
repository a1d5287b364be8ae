using System.Text.Json.Nodes;
using StatesLanguage.Integrations;
using StatesLanguage.Runtime;

namespace StatesLanguage.Tests;

/// <summary>On the system clock a Task's timeout is armed only when its integration does not answer at once.</summary>
public class RealClockTimeoutTests
{
    private const string Definition =
        """{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::slow:call","TimeoutSeconds":1,"End":true}}}""";

    [Fact]
    public async Task SlowIntegration_OnTheSystemClock_TimesOutAndIsCancelled()
    {
        var slow = new SlowIntegration(TimeSpan.FromSeconds(30));
        var result = await RunAsync(slow);

        Assert.Equal(ExecutionStatus.FAILED, result.Status);
        Assert.Equal("States.Timeout", result.Error);
        Assert.Single(result.History, e => e.Type == "TaskTimedOut");
        // The integration sees the cancellation on its own continuation, possibly just after the execution ended.
        await slow.Cancelled.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task IntegrationAnsweringAtOnce_OnTheSystemClock_Succeeds()
    {
        var result = await RunAsync(new SlowIntegration(TimeSpan.Zero));

        Assert.Equal(ExecutionStatus.SUCCEEDED, result.Status);
        Assert.Equal("""{"done":true}""", result.Output);
    }

    private static async Task<ExecutionResult> RunAsync(ITaskIntegration integration)
    {
        var engine = new StepFunctionsEngine(new EngineOptions { Clock = TimeProvider.System });
        engine.RegisterIntegration(integration);
        var machine = engine.CreateStateMachine("timeouts", Definition);
        var execution = await engine.StartExecutionAsync(machine, "{}", name: "t-1");
        return await execution.WaitForCompletionAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
    }

    private sealed class SlowIntegration(TimeSpan delay) : ITaskIntegration
    {
        private readonly TaskCompletionSource _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Cancelled => _cancelled.Task;

        public bool CanHandle(TaskResource resource) => resource.ResourceType == "slow";

        public Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken) =>
            delay == TimeSpan.Zero ? Task.FromResult<JsonNode?>(new JsonObject { ["done"] = true }) : WaitAsync(cancellationToken);

        private async Task<JsonNode?> WaitAsync(CancellationToken cancellationToken)
        {
            try
            {
                await Task.Delay(delay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                _cancelled.TrySetResult();
                throw;
            }
            return new JsonObject { ["done"] = true };
        }
    }
}
