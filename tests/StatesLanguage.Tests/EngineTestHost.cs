using System.Collections.Concurrent;
using StatesLanguage.Integrations;
using StatesLanguage.Mocks;
using StatesLanguage.Runtime;

namespace StatesLanguage.Tests;

/// <summary>Runs a definition on a virtual-clock engine in one call.</summary>
internal static class EngineTestHost
{
    public static DateTimeOffset Epoch { get; } = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static StepFunctionsEngine NewEngine(ILambdaInvoker? lambda = null, MockConfig? mocks = null, VirtualClock? clock = null) =>
        new(new EngineOptions { Clock = clock ?? new VirtualClock(Epoch), LambdaInvoker = lambda, MockConfig = mocks });

    public static async Task<ExecutionResult> RunAsync(string definition, string input = "{}", ILambdaInvoker? lambda = null,
        MockConfig? mocks = null, string? testCase = null, StepFunctionsEngine? engine = null)
    {
        engine ??= NewEngine(lambda, mocks);
        var machine = engine.CreateStateMachine("test-sm", definition);
        var execution = await engine.StartExecutionAsync(machine, input, name: "exec-1", testCase: testCase);
        return await execution.WaitForCompletionAsync().WaitAsync(TimeSpan.FromSeconds(20));
    }

    public static string[] Path(ExecutionResult result) =>
        result.History.Select(e => e.StateName is null ? e.Type : $"{e.Type}:{e.StateName}").ToArray();
}

/// <summary>A scripted Lambda: per function, a queue of outcomes (the last one repeats); records every call.</summary>
internal sealed class FakeLambda : ILambdaInvoker
{
    private readonly ConcurrentDictionary<string, Queue<LambdaInvocationResult>> _scripts = new();

    public ConcurrentQueue<(string Function, string Payload)> Calls { get; } = new();

    public FakeLambda On(string function, params LambdaInvocationResult[] outcomes)
    {
        _scripts[function] = new Queue<LambdaInvocationResult>(outcomes);
        return this;
    }

    public Task<LambdaInvocationResult> InvokeAsync(string functionName, string payloadJson, CancellationToken cancellationToken)
    {
        var name = functionName.Split(':').Last();
        Calls.Enqueue((name, payloadJson));
        if (!_scripts.TryGetValue(name, out var queue))
        {
            return Task.FromResult(LambdaInvocationResult.NotFound());
        }
        lock (queue)
        {
            var next = queue.Count > 1 ? queue.Dequeue() : queue.Peek();
            return Task.FromResult(next);
        }
    }
}
