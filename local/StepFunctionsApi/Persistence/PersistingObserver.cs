using System.Collections.Concurrent;
using StatesLanguage.Runtime;

namespace StepFunctionsApi.Persistence;

/// <summary>
/// Writes every history event, checkpoint and final status the engine reports into the store's write queue, in the
/// order reported, without waiting for the commit (the engine's threads never block on the disk; StartExecution waits
/// for its execution's first writes). A crash can drop the last queued writes: the store then holds the execution as it
/// was a moment earlier and a restart resumes it from there, running the state in flight again, as after any crash.
/// A top-level state's exit is held back until the checkpoint past it (or the execution's end) arrives and both are
/// committed in one transaction: a crash between them would otherwise leave a completed state behind its checkpoint,
/// and a restart would run it again.
/// </summary>
internal sealed class PersistingObserver(SqliteStateStore store) : IExecutionObserver
{
    private readonly ConcurrentDictionary<string, ExecutionRecord> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _ignored = new(StringComparer.Ordinal);
    // Per execution: the top-level state its last checkpoint names, and that state's exit while it waits for the next checkpoint.
    private readonly ConcurrentDictionary<string, string> _checkpointState = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HistoryEvent> _heldExit = new(StringComparer.Ordinal);

    /// <summary>What to store for an execution when its ExecutionStarted event arrives (test case, definition copy).</summary>
    public void ExpectStart(ExecutionRecord record) => _pending[record.Arn] = record;

    public void ForgetStart(string executionArn) => _pending.TryRemove(executionArn, out _);

    /// <summary>Keeps nothing of this execution (synchronous EXPRESS executions are not recorded).</summary>
    public void Ignore(string executionArn) => _ignored[executionArn] = true;

    public void StopIgnoring(string executionArn) => _ignored.TryRemove(executionArn, out _);

    public void OnHistoryEvent(ExecutionInfo execution, HistoryEvent historyEvent)
    {
        if (_ignored.ContainsKey(execution.ExecutionArn))
        {
            return;
        }
        if (historyEvent.Type == "ExecutionStarted" && _pending.TryRemove(execution.ExecutionArn, out var record))
        {
            store.InsertExecutionInBackground(record with { StartDate = execution.StartDate });
        }
        var arn = execution.ExecutionArn;
        if (historyEvent.Type.EndsWith("StateExited", StringComparison.Ordinal)
            && _checkpointState.TryGetValue(arn, out var topLevelState) && historyEvent.StateName == topLevelState)
        {
            _heldExit[arn] = historyEvent;
            return;
        }
        store.AppendEventsInBackground(arn, WithHeldExit(arn, historyEvent), checkpoint: null);
        if (ClosureFrom(historyEvent) is not null)
        {
            _checkpointState.TryRemove(arn, out _);
        }
    }

    public void OnCheckpoint(ExecutionInfo execution, ExecutionCheckpoint checkpoint)
    {
        var arn = execution.ExecutionArn;
        if (_ignored.ContainsKey(arn))
        {
            return;
        }
        _checkpointState[arn] = checkpoint.StateName;
        store.AppendEventsInBackground(arn, WithHeldExit(arn, null), checkpoint);
    }

    /// <summary>The held exit of the execution's last top-level state (if any) followed by <paramref name="next"/>.</summary>
    private List<HistoryEvent> WithHeldExit(string executionArn, HistoryEvent? next)
    {
        var events = new List<HistoryEvent>(2);
        if (_heldExit.TryRemove(executionArn, out var held))
        {
            events.Add(held);
        }
        if (next is not null)
        {
            events.Add(next);
        }
        return events;
    }

    public void OnStatusChanged(ExecutionInfo execution)
    {
        if (execution.Status == ExecutionStatus.RUNNING || _ignored.ContainsKey(execution.ExecutionArn))
        {
            return;
        }
        store.CloseExecutionInBackground(execution.ExecutionArn, new ExecutionClosure(
            execution.Status.ToString(), execution.StopDate ?? DateTimeOffset.UtcNow, execution.Output, execution.Error, execution.Cause));
    }

    /// <summary>The closure a terminal event implies; null for any other event.</summary>
    internal static ExecutionClosure? ClosureFrom(HistoryEvent historyEvent)
    {
        var status = historyEvent.Type switch
        {
            "ExecutionSucceeded" => "SUCCEEDED",
            "ExecutionFailed" => "FAILED",
            "ExecutionAborted" => "ABORTED",
            "ExecutionTimedOut" => "TIMED_OUT",
            _ => null,
        };
        if (status is null)
        {
            return null;
        }
        var details = historyEvent.Details;
        return new ExecutionClosure(
            status,
            historyEvent.Timestamp,
            details?["output"]?.GetValue<string>(),
            details?["error"]?.GetValue<string>(),
            details?["cause"]?.GetValue<string>());
    }
}
