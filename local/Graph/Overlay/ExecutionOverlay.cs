using StateMachineGraph.Model;

namespace StateMachineGraph.Overlay;

/// <summary>How a state fared in one execution, as the graph colours it.</summary>
public enum StateStatus
{
    NotReached,
    Succeeded,
    /// <summary>Succeeded after at least one Retry.</summary>
    Retried,
    /// <summary>Ran on the path that a Catch started (the saga's compensations).</summary>
    Compensating,
    /// <summary>Failed, and a Catch took the execution elsewhere.</summary>
    Caught,
    Failed,
    Running,
}

/// <summary>What the console shows for one state: its status and the data of its last visit.</summary>
public sealed record StateRunDetails(
    string StateName,
    StateStatus Status,
    int Visits,
    int RetryCount,
    string? Input,
    string? Output,
    string? Error,
    string? Cause,
    DateTimeOffset? EnteredAt,
    DateTimeOffset? ExitedAt)
{
    public TimeSpan? Duration => EnteredAt is { } entered && ExitedAt is { } exited ? exited - entered : null;
}

/// <summary>An execution laid over a graph: each state's status and details, and the edges the execution took.</summary>
public sealed class ExecutionOverlay
{
    private readonly IReadOnlyDictionary<string, StateRunDetails> _states;

    internal ExecutionOverlay(string executionStatus, IReadOnlyDictionary<string, StateRunDetails> states, IReadOnlySet<string> takenEdgeIds)
    {
        ExecutionStatus = executionStatus;
        _states = states;
        TakenEdgeIds = takenEdgeIds;
    }

    /// <summary>RUNNING, SUCCEEDED, FAILED, ABORTED or TIMED_OUT.</summary>
    public string ExecutionStatus { get; }

    /// <summary>Details of every state that was entered at least once, by state name.</summary>
    public IReadOnlyDictionary<string, StateRunDetails> States => _states;

    public IReadOnlySet<string> TakenEdgeIds { get; }

    public StateStatus StatusOf(string stateName) =>
        _states.TryGetValue(stateName, out var details) ? details.Status : StateStatus.NotReached;

    public bool IsTaken(string edgeId) => TakenEdgeIds.Contains(edgeId);

    public static ExecutionOverlay Compute(StateGraph graph, ExecutionHistory history)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(history);
        return new OverlayBuilder(graph, history).Build();
    }

    /// <summary>Converts a status to the CSS class and data-status value the renderers emit (for example "caught", "not-reached").</summary>
    public static string CssName(StateStatus status) => status switch
    {
        StateStatus.NotReached => "not-reached",
        _ => status.ToString().ToLowerInvariant(),
    };
}
