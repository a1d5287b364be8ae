using System.Collections.Concurrent;
using StatesLanguage.Runtime;

namespace StepFunctionsApi.Persistence;

/// <summary>
/// Writes every history event, checkpoint and final status the engine reports into the store, synchronously, so the
/// next state only runs once the previous one is on disk.
/// </summary>
internal sealed class PersistingObserver(SqliteStateStore store) : IExecutionObserver
{
    private readonly ConcurrentDictionary<string, ExecutionRecord> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _ignored = new(StringComparer.Ordinal);

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
            store.InsertExecution(record with { StartDate = execution.StartDate });
        }
        store.AppendEvent(execution.ExecutionArn, historyEvent, ClosureFrom(historyEvent));
    }

    public void OnCheckpoint(ExecutionInfo execution, ExecutionCheckpoint checkpoint)
    {
        if (!_ignored.ContainsKey(execution.ExecutionArn))
        {
            store.SaveCheckpoint(execution.ExecutionArn, checkpoint);
        }
    }

    public void OnStatusChanged(ExecutionInfo execution)
    {
        if (execution.Status == ExecutionStatus.RUNNING || _ignored.ContainsKey(execution.ExecutionArn))
        {
            return;
        }
        store.CloseExecution(execution.ExecutionArn, new ExecutionClosure(
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
