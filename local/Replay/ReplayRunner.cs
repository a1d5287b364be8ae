using StatesLanguage.Mocks;
using StatesLanguage.Runtime;

namespace StateMachineReplay;

/// <summary>The recorded and the local run side by side: the state paths and how each ended.</summary>
public sealed record ReplayComparison(
    IReadOnlyList<string> RecordedPath,
    IReadOnlyList<string> LocalPath,
    ExecutionStatus RecordedStatus,
    string? RecordedError,
    ExecutionStatus LocalStatus,
    string? LocalError)
{
    /// <summary>Index of the first state that differs (the shorter path's end counts), or null when the paths are equal.</summary>
    public int? DivergenceIndex
    {
        get
        {
            var common = Math.Min(RecordedPath.Count, LocalPath.Count);
            for (var i = 0; i < common; i++)
            {
                if (!string.Equals(RecordedPath[i], LocalPath[i], StringComparison.Ordinal))
                {
                    return i;
                }
            }

            // An execution exported while still running only fixes the prefix it had reached.
            var prefixIsEnough = RecordedStatus == ExecutionStatus.RUNNING && LocalPath.Count >= RecordedPath.Count;
            return RecordedPath.Count == LocalPath.Count || prefixIsEnough ? null : common;
        }
    }

    public bool SamePath => DivergenceIndex is null;

    public bool SameOutcome => RecordedStatus == ExecutionStatus.RUNNING
        || (RecordedStatus == LocalStatus && string.Equals(RecordedError, LocalError, StringComparison.Ordinal));

    /// <summary>The state the recording entered where the local run first differs; null past the recording's end.</summary>
    public string? ExpectedState => DivergenceIndex is { } i && i < RecordedPath.Count ? RecordedPath[i] : null;

    /// <summary>The state the local run entered instead; null when it had ended.</summary>
    public string? ActualState => DivergenceIndex is { } i && i < LocalPath.Count ? LocalPath[i] : null;

    public bool Matches => SamePath && SameOutcome;

    /// <summary>A few lines for a person: the verdict, and where and how the runs part.</summary>
    public string Describe()
    {
        var lines = new List<string>
        {
            "Recorded path: " + string.Join(" -> ", RecordedPath),
            "Local path:    " + string.Join(" -> ", LocalPath),
        };
        if (DivergenceIndex is { } index)
        {
            lines.Add($"DIVERGED at state #{index + 1}: expected '{ExpectedState ?? "(end of execution)"}', actual '{ActualState ?? "(end of execution)"}'.");
        }
        else
        {
            lines.Add($"Same path: {RecordedPath.Count} states.");
        }

        lines.Add(SameOutcome
            ? $"Same outcome: {Outcome(RecordedStatus, RecordedError)}."
            : $"DIFFERENT outcome: recorded {Outcome(RecordedStatus, RecordedError)}, local {Outcome(LocalStatus, LocalError)}.");
        return string.Join(Environment.NewLine, lines);
    }

    private static string Outcome(ExecutionStatus status, string? error) => error is null ? status.ToString() : $"{status} {error}";
}

/// <summary>Runs a recorded execution again on the local engine, its tasks answered by the rebuilt mock test case.</summary>
public static class ReplayRunner
{
    /// <summary>How long (real time) a replay may take before it counts as stuck; waits and backoffs are virtual.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static async Task<ReplayComparison> RunAsync(string definition, RecordedExecution recorded, ReplayCase replayCase,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(replayCase);
        var engine = new StepFunctionsEngine(new EngineOptions
        {
            Clock = new VirtualClock(recorded.Events[0].Timestamp),
            MockConfig = MockConfig.Parse(replayCase.ToJson()),
        });
        var machine = engine.CreateStateMachine(replayCase.StateMachineName, definition);
        var execution = await engine.StartExecutionAsync(machine, recorded.Input, "replay", replayCase.TestCaseName).ConfigureAwait(false);
        IReadOnlyList<HistoryEvent> history;
        ExecutionStatus status;
        string? error;
        try
        {
            var result = await execution.WaitForCompletionAsync(cancellationToken).WaitAsync(Limit, cancellationToken).ConfigureAwait(false);
            (history, status, error) = (result.History, result.Status, result.Error);
        }
        catch (TimeoutException)
        {
            await engine.StopExecutionAsync(execution.ExecutionArn, "Replay.Stuck", $"Still running after {Limit.TotalSeconds} s").ConfigureAwait(false);
            (history, status, error) = (execution.History, ExecutionStatus.RUNNING, null);
        }

        return new ReplayComparison(recorded.StatePath, RecordedExecution.StatePathOf(history), recorded.Status, recorded.Error, status, error);
    }
}
