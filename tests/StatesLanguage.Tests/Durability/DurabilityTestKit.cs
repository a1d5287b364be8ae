using System.Collections.Concurrent;
using StatesLanguage.Integrations;
using StatesLanguage.Runtime;

namespace StatesLanguage.Tests.Durability;

/// <summary>A Lambda whose behaviour per function is a delegate; records every call; can block until cancelled.</summary>
internal sealed class ProgrammableLambda : ILambdaInvoker
{
    private readonly ConcurrentDictionary<string, Func<string, CancellationToken, Task<LambdaInvocationResult>>> _handlers = new();

    public ConcurrentQueue<(string Function, string Payload)> Calls { get; } = new();

    /// <summary>Completes when a function set up with <see cref="Blocks"/> is called.</summary>
    public TaskCompletionSource Blocked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ProgrammableLambda Returns(string function, string payload) =>
        On(function, (_, _) => Task.FromResult(LambdaInvocationResult.Success(payload)));

    public ProgrammableLambda Fails(string function, string errorType) =>
        On(function, (_, _) => Task.FromResult(LambdaInvocationResult.Failure(errorType, "it failed")));

    /// <summary>The call never returns (until the execution is stopped): a worker that died mid-task.</summary>
    public ProgrammableLambda Blocks(string function) => On(function, async (_, ct) =>
    {
        Blocked.TrySetResult();
        await Task.Delay(Timeout.Infinite, ct);
        throw new InvalidOperationException("unreachable");
    });

    public ProgrammableLambda On(string function, Func<string, CancellationToken, Task<LambdaInvocationResult>> handler)
    {
        _handlers[function] = handler;
        return this;
    }

    public int CallsTo(string function) => Calls.Count(c => c.Function == function);

    public Task<LambdaInvocationResult> InvokeAsync(string functionName, string payloadJson, CancellationToken cancellationToken)
    {
        var name = functionName.Split(':').Last();
        Calls.Enqueue((name, payloadJson));
        return _handlers.TryGetValue(name, out var handler)
            ? handler(payloadJson, cancellationToken)
            : Task.FromResult(LambdaInvocationResult.NotFound());
    }
}

/// <summary>What a durable store would keep: every event and the last checkpoint, both as JSON text.</summary>
internal sealed class JsonStoreObserver : IExecutionObserver
{
    private readonly Lock _gate = new();
    private readonly List<string> _events = [];
    private string? _checkpoint;

    public List<ExecutionStatusChange> StatusChanges { get; } = [];

    public void OnHistoryEvent(ExecutionInfo execution, HistoryEvent historyEvent)
    {
        lock (_gate)
        {
            _events.Add(historyEvent.ToJson());
        }
    }

    public void OnCheckpoint(ExecutionInfo execution, ExecutionCheckpoint checkpoint)
    {
        lock (_gate)
        {
            _checkpoint = checkpoint.ToJson();
        }
    }

    public void OnExecutionStatusChange(ExecutionStatusChange statusChange)
    {
        lock (_gate)
        {
            StatusChanges.Add(statusChange);
        }
    }

    /// <summary>The pieces a store would hand back after a crash, read back from their JSON.</summary>
    public PersistedExecution Persisted(Execution execution, string? testCase = null)
    {
        lock (_gate)
        {
            return new PersistedExecution(execution.ExecutionArn, execution.Name, execution.Input, execution.StartDate, testCase,
                _events.Select(HistoryEvent.Parse).ToList(), _checkpoint is null ? null : ExecutionCheckpoint.Parse(_checkpoint));
        }
    }
}

internal static class HistoryAssert
{
    /// <summary>Ids run 1..N without a gap and every previousEventId points at an earlier event.</summary>
    public static void IsContiguous(IReadOnlyList<HistoryEvent> history)
    {
        for (var i = 0; i < history.Count; i++)
        {
            Assert.Equal(i + 1, history[i].Id);
            if (i > 0)
            {
                Assert.InRange(history[i].PreviousEventId, 1, history[i].Id - 1);
            }
        }
    }

    public static int Count(IReadOnlyList<HistoryEvent> history, string type, string? state = null) =>
        history.Count(e => e.Type == type && (state is null || e.StateName == state));
}
