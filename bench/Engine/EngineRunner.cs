using StatesLanguage.Integrations;
using StatesLanguage.Runtime;

namespace ECommerce.Bench.Engine;

/// <summary>Runs executions of one machine on a fresh engine with instant task handlers.</summary>
public sealed class EngineRunner
{
    private readonly StepFunctionsEngine _engine;
    private readonly StateMachine _machine;
    private readonly string[] _inputs;
    private int _next;

    /// <param name="retainedExecutions">Ended executions kept in memory (null: all, the engine's default).</param>
    public EngineRunner(string machine, int distinctInputs = 1024, int? retainedExecutions = null)
    {
        Machine = machine;
        _engine = new StepFunctionsEngine(new EngineOptions
        {
            LambdaInvoker = BenchFixtures.CannedInvoker(),
            MaxRetainedEndedExecutions = retainedExecutions,
            Topics = new LocalTopicStore(maxMessagesPerTopic: retainedExecutions),
        });
        _machine = _engine.CreateStateMachine(machine == BenchFixtures.Saga ? "OrderSaga" : "PassSucceed", BenchFixtures.Definition(machine));
        _inputs = Enumerable.Range(0, distinctInputs).Select(BenchFixtures.OrderInput).ToArray();
    }

    public string Machine { get; }

    /// <summary>Starts one execution and waits for it; throws unless it succeeded.</summary>
    public async Task<ExecutionResult> RunOneAsync()
    {
        var i = Interlocked.Increment(ref _next);
        var execution = await _engine.StartExecutionAsync(_machine, _inputs[i % _inputs.Length], name: "e-" + i).ConfigureAwait(false);
        var result = await execution.WaitForCompletionAsync().ConfigureAwait(false);
        if (result.Info.Status != ExecutionStatus.SUCCEEDED)
        {
            throw new InvalidOperationException($"{Machine} execution ended {result.Info.Status}: {result.Info.Error} {result.Info.Cause}");
        }
        return result;
    }

    /// <summary>Runs <paramref name="count"/> executions, at most <paramref name="concurrency"/> at a time.</summary>
    public async Task RunManyAsync(int count, int concurrency)
    {
        var remaining = count;
        async Task Worker()
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                await RunOneAsync().ConfigureAwait(false);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, count)).Select(_ => Task.Run(Worker))).ConfigureAwait(false);
    }

    /// <summary>States entered in one execution: what Step Functions Standard bills as state transitions.</summary>
    public async Task<int> CountStateTransitionsAsync()
    {
        var result = await RunOneAsync().ConfigureAwait(false);
        return result.History.Count(e => e.Type.EndsWith("StateEntered", StringComparison.Ordinal));
    }
}
