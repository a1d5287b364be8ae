namespace StateMachineGraph.Layout;

public readonly record struct LayoutPoint(double X, double Y);

/// <summary>Where a node (or a Parallel/Map group box) is drawn: top-left corner, size, and its rank within its scope.</summary>
public sealed record NodePlacement(string NodeId, double X, double Y, double Width, double Height, int Rank)
{
    public double CenterX => X + Width / 2;

    public double CenterY => Y + Height / 2;

    public double Right => X + Width;

    public double Bottom => Y + Height;

    public bool Overlaps(NodePlacement other) =>
        X < other.Right && other.X < Right && Y < other.Bottom && other.Y < Bottom;

    public bool Contains(NodePlacement other) =>
        other.X >= X && other.Right <= Right && other.Y >= Y && other.Bottom <= Bottom;
}

/// <summary>The frame of one nested scope (a Parallel branch or a Map's item processor) inside its group.</summary>
public sealed record ScopePlacement(string ScopeId, double X, double Y, double Width, double Height);

/// <summary>An edge drawn as a polyline; <see cref="Reversed"/> marks back edges the layout turned around to break a cycle.</summary>
public sealed record EdgePlacement(string EdgeId, IReadOnlyList<LayoutPoint> Points, LayoutPoint? LabelAt, bool Reversed);

/// <summary>A complete drawing plan for a <see cref="Model.StateGraph"/>.</summary>
public sealed class GraphLayout
{
    public GraphLayout(
        double width,
        double height,
        IReadOnlyDictionary<string, NodePlacement> nodes,
        IReadOnlyDictionary<string, EdgePlacement> edges,
        IReadOnlyList<ScopePlacement> scopes)
    {
        Width = width;
        Height = height;
        Nodes = nodes;
        Edges = edges;
        Scopes = scopes;
    }

    public double Width { get; }

    public double Height { get; }

    public IReadOnlyDictionary<string, NodePlacement> Nodes { get; }

    public IReadOnlyDictionary<string, EdgePlacement> Edges { get; }

    public IReadOnlyList<ScopePlacement> Scopes { get; }
}
