using StateMachineGraph.Model;

namespace StateMachineGraph.Overlay;

/// <summary>Replays a history event by event, tracking one visit per StateEntered and the transitions between visits.</summary>
internal sealed class OverlayBuilder(StateGraph graph, ExecutionHistory history)
{
    private const int MaxChainWalk = 64;

    private readonly Dictionary<long, HistoryEvent> _eventsById = new();
    private readonly Dictionary<long, Visit> _visitByEnteredId = new();
    private readonly Dictionary<long, Visit> _visitByExitedId = new();
    private readonly List<Visit> _visits = [];
    private readonly List<Visit> _open = [];
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);

    private sealed class Visit(string name, HistoryEvent entered, Visit? parent)
    {
        public string Name { get; } = name;
        public HistoryEvent Entered { get; } = entered;
        public Visit? Parent { get; } = parent;
        public HistoryEvent? Exited { get; set; }
        public int Attempts { get; set; }
        public bool LastAttemptFailed { get; set; }
        public string? Error { get; set; }
        public string? Cause { get; set; }
        public bool OnCompensationPath { get; set; }

        public bool IsFailState => Entered.Type == "FailStateEntered";

        public int Retries => Math.Max(0, Attempts - 1);
    }

    public ExecutionOverlay Build()
    {
        for (var index = 0; index < history.Events.Count; index++)
        {
            var e = history.Events[index];
            _eventsById[e.Id] = e;
            if (e.IsStateEntered)
            {
                OnEntered(e, index);
            }
            else if (e.IsStateExited)
            {
                OnExited(e);
            }
            else if (e.IsAttemptStart)
            {
                var owner = OwnerOf(e);
                if (owner is not null)
                {
                    owner.Attempts++;
                    owner.LastAttemptFailed = false;
                }
            }
            else if (e.IsStateFailure)
            {
                var owner = OwnerOf(e);
                if (owner is not null)
                {
                    owner.LastAttemptFailed = true;
                    owner.Error = e.Detail("error") ?? owner.Error;
                    owner.Cause = e.Detail("cause") ?? owner.Cause;
                }
            }
            else if (e.IsExecutionEnd)
            {
                OnExecutionEnd(e, index);
            }
        }

        var running = history.Status == "RUNNING";
        var states = _visits
            .GroupBy(v => v.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Summarise(g.ToList(), running), StringComparer.Ordinal);
        return new ExecutionOverlay(history.Status, states, _taken);
    }

    private void OnEntered(HistoryEvent e, int index)
    {
        var name = e.Detail("name") ?? string.Empty;
        var (predecessor, parent, fromStart) = Origin(e, index);
        var visit = new Visit(name, e, parent)
        {
            OnCompensationPath = predecessor is { } p
                ? p.OnCompensationPath || (p.Exited is not null && p.LastAttemptFailed)
                : parent?.OnCompensationPath ?? false,
        };
        _visits.Add(visit);
        _open.Add(visit);
        _visitByEnteredId[e.Id] = visit;

        if (fromStart)
        {
            MarkEdges(StateGraphBuilder.StartNodeId, null, name, EdgeKind.Start);
        }
        else if (predecessor is not null)
        {
            MarkTransition(predecessor, name);
        }
    }

    private void OnExited(HistoryEvent e)
    {
        var name = e.Detail("name");
        var visit = _open.LastOrDefault(v => v.Name == name);
        if (visit is null)
        {
            return;
        }

        visit.Exited = e;
        _open.Remove(visit);
        _visitByExitedId[e.Id] = visit;
    }

    private void OnExecutionEnd(HistoryEvent e, int index)
    {
        var (last, _, _) = Origin(e, index);
        var lastOpen = _open.LastOrDefault(v => v.Parent is null);
        if (e.Type == "ExecutionFailed" && lastOpen is { IsFailState: true })
        {
            // A Fail state's error and cause only appear on the ExecutionFailed event.
            lastOpen.Error ??= e.Detail("error");
            lastOpen.Cause ??= e.Detail("cause");
            MarkEdges(null, lastOpen.Name, StateGraphBuilder.EndNodeId, EdgeKind.End);
        }
        else if (last is { LastAttemptFailed: false })
        {
            MarkEdges(null, last.Name, StateGraphBuilder.EndNodeId, EdgeKind.End);
        }
    }

    /// <summary>
    /// Follows previousEventId back to the event that led here: a StateExited is the predecessor state, a StateEntered
    /// is the enclosing Parallel/Map state (this is a branch's first state), ExecutionStarted is the Start node.
    /// </summary>
    private (Visit? Predecessor, Visit? Parent, bool FromStart) Origin(HistoryEvent e, int index)
    {
        if (e.PreviousEventId is null)
        {
            // Hand-written histories may omit the links: fall back to the event just before.
            var before = index > 0 ? history.Events[index - 1] : null;
            return before switch
            {
                null => (null, null, false),
                { Type: "ExecutionStarted" } => (null, null, true),
                { IsStateExited: true } => (_visitByExitedId.GetValueOrDefault(before.Id), null, false),
                _ => (null, _open.LastOrDefault(v => v.Entered.Type is "ParallelStateEntered" or "MapStateEntered"), false),
            };
        }

        var current = e.PreviousEventId;
        for (var step = 0; step < MaxChainWalk && current is { } id && _eventsById.TryGetValue(id, out var previous); step++)
        {
            if (previous.Type == "ExecutionStarted")
            {
                return (null, null, true);
            }

            if (previous.IsStateExited)
            {
                return (_visitByExitedId.GetValueOrDefault(previous.Id), null, false);
            }

            if (previous.IsStateEntered)
            {
                return (null, _visitByEnteredId.GetValueOrDefault(previous.Id), false);
            }

            current = previous.PreviousEventId;
        }

        return (null, null, false);
    }

    private Visit? OwnerOf(HistoryEvent e)
    {
        if (e.Type.StartsWith("Parallel", StringComparison.Ordinal) || e.Type.StartsWith("Map", StringComparison.Ordinal))
        {
            var enteredType = e.Type.StartsWith("Parallel", StringComparison.Ordinal) ? "ParallelStateEntered" : "MapStateEntered";
            return _open.LastOrDefault(v => v.Entered.Type == enteredType);
        }

        var current = e.PreviousEventId;
        for (var step = 0; step < MaxChainWalk && current is { } id && _eventsById.TryGetValue(id, out var previous); step++)
        {
            if (previous.IsStateEntered && _visitByEnteredId.TryGetValue(previous.Id, out var visit) && visit.Exited is null)
            {
                return visit;
            }

            if (previous.IsStateEntered || previous.IsStateExited)
            {
                break;
            }

            current = previous.PreviousEventId;
        }

        return _open.LastOrDefault(v => v.Entered.Type == "TaskStateEntered") ?? _open.LastOrDefault();
    }

    private void MarkTransition(Visit from, string toName)
    {
        var caught = from.LastAttemptFailed;
        var candidates = graph.Edges
            .Where(edge => edge.Kind is not (EdgeKind.Start or EdgeKind.End)
                && graph.Node(edge.From).Name == from.Name
                && graph.Node(edge.To).Name == toName)
            .ToList();
        var preferred = candidates.Where(edge => (edge.Kind == EdgeKind.Catch) == caught).ToList();
        foreach (var edge in preferred.Count > 0 ? preferred : candidates)
        {
            _taken.Add(edge.Id);
        }
    }

    private void MarkEdges(string? fromId, string? fromName, string toNameOrId, EdgeKind kind)
    {
        foreach (var edge in graph.Edges.Where(edge => edge.Kind == kind))
        {
            var fromMatches = fromId is not null ? edge.From == fromId : graph.Node(edge.From).Name == fromName;
            var toMatches = kind == EdgeKind.End ? edge.To == toNameOrId : graph.Node(edge.To).Name == toNameOrId;
            if (fromMatches && toMatches)
            {
                _taken.Add(edge.Id);
            }
        }
    }

    private static StateRunDetails Summarise(List<Visit> visits, bool executionRunning)
    {
        var statuses = visits.Select(v => StatusOf(v, executionRunning)).ToList();
        var status = statuses.Max();
        var last = visits[^1];
        var failure = visits.LastOrDefault(v => v.Error is not null || v.Cause is not null);
        return new StateRunDetails(
            last.Name,
            status,
            visits.Count,
            visits.Sum(v => v.Retries),
            last.Entered.Detail("input"),
            last.Exited?.Detail("output"),
            failure?.Error,
            failure?.Cause,
            last.Entered.Timestamp,
            last.Exited?.Timestamp);
    }

    private static StateStatus StatusOf(Visit visit, bool executionRunning)
    {
        if (visit.Exited is null)
        {
            // While the execution runs, an open state is working or waiting to retry.
            return executionRunning ? StateStatus.Running : StateStatus.Failed;
        }

        if (visit.LastAttemptFailed)
        {
            return StateStatus.Caught;
        }

        if (visit.OnCompensationPath)
        {
            return StateStatus.Compensating;
        }

        return visit.Retries > 0 ? StateStatus.Retried : StateStatus.Succeeded;
    }
}
