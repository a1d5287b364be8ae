namespace StateMachineGraph.Model;

/// <summary>What a node stands for: one of the ASL state types, or the console's Start/End pseudo-nodes.</summary>
public enum NodeKind
{
    Start,
    End,
    Task,
    Choice,
    Pass,
    Wait,
    Succeed,
    Fail,
    Parallel,
    Map,
}

/// <summary>Why an edge exists: a Next, a Choice rule, a Choice Default, a Catch, or a link to the Start/End pseudo-nodes.</summary>
public enum EdgeKind
{
    Next,
    Choice,
    Default,
    Catch,
    Start,
    End,
}

/// <summary>A sub-graph: the top level of the machine, one Parallel branch, or a Map's item processor.</summary>
public sealed record GraphScope(string Id, string? OwnerNodeId, string StartNodeId, IReadOnlyList<string> NodeIds);

/// <summary>One state (or pseudo-node). Parallel and Map nodes are groups: their <see cref="Scopes"/> hold the nested sub-graphs.</summary>
public sealed record GraphNode(
    string Id,
    string Name,
    NodeKind Kind,
    string ScopeId,
    bool HasRetry,
    string? Resource,
    IReadOnlyList<GraphScope> Scopes)
{
    public bool IsGroup => Kind is NodeKind.Parallel or NodeKind.Map;

    public bool IsPseudo => Kind is NodeKind.Start or NodeKind.End;
}

/// <summary>A transition between two nodes of the same scope; <see cref="Label"/> is the Choice rule or the Catch error list.</summary>
public sealed record GraphEdge(string Id, string From, string To, EdgeKind Kind, string? Label, string ScopeId);

/// <summary>The graph of a state machine definition: every state, every transition, nested scopes for Parallel and Map.</summary>
public sealed class StateGraph
{
    private readonly Dictionary<string, GraphNode> _nodesById;
    private readonly Dictionary<string, GraphScope> _scopesById;

    public StateGraph(IReadOnlyList<GraphNode> nodes, IReadOnlyList<GraphEdge> edges, GraphScope root, string? comment)
    {
        Nodes = nodes;
        Edges = edges;
        Root = root;
        Comment = comment;
        _nodesById = nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        _scopesById = new Dictionary<string, GraphScope>(StringComparer.Ordinal) { [root.Id] = root };
        foreach (var scope in nodes.SelectMany(n => n.Scopes))
        {
            _scopesById[scope.Id] = scope;
        }
    }

    public IReadOnlyList<GraphNode> Nodes { get; }

    public IReadOnlyList<GraphEdge> Edges { get; }

    public GraphScope Root { get; }

    /// <summary>The definition's top-level Comment, if any.</summary>
    public string? Comment { get; }

    public IEnumerable<GraphScope> Scopes => _scopesById.Values;

    public GraphNode Node(string id) => _nodesById[id];

    public GraphScope Scope(string id) => _scopesById[id];

    /// <summary>Nodes for a state name (more than one only if nested scopes reuse a name).</summary>
    public IEnumerable<GraphNode> NodesNamed(string stateName) =>
        Nodes.Where(n => !n.IsPseudo && string.Equals(n.Name, stateName, StringComparison.Ordinal));

    public IEnumerable<GraphEdge> EdgesIn(string scopeId) => Edges.Where(e => e.ScopeId == scopeId);

    public IEnumerable<GraphNode> NodesIn(GraphScope scope) => scope.NodeIds.Select(Node);
}
