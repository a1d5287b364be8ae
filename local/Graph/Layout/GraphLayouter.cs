using StateMachineGraph.Model;

namespace StateMachineGraph.Layout;

/// <summary>
/// Lays a <see cref="StateGraph"/> out top to bottom. Each scope is laid out on its own; a Parallel or Map group is first
/// laid out inside, then placed in its parent as one box of that size, so a group can never overlap an outside node.
/// </summary>
public static class GraphLayouter
{
    public static GraphLayout Layout(StateGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var root = LayoutScope(graph, graph.Root);
        var nodes = new Dictionary<string, NodePlacement>(StringComparer.Ordinal);
        var edges = new Dictionary<string, EdgePlacement>(StringComparer.Ordinal);
        var scopes = new List<ScopePlacement>();
        root.Flatten(NodeMetrics.Margin, NodeMetrics.Margin, nodes, edges, scopes);
        return new GraphLayout(root.Width + 2 * NodeMetrics.Margin, root.Height + 2 * NodeMetrics.Margin, nodes, edges, scopes);
    }

    private static LocalLayout LayoutScope(StateGraph graph, GraphScope scope)
    {
        var groups = new Dictionary<string, LocalGroup>(StringComparer.Ordinal);
        var items = new List<LayoutItem>();
        foreach (var node in graph.NodesIn(scope))
        {
            if (node.IsGroup)
            {
                var group = LayoutGroup(graph, node);
                groups[node.Id] = group;
                items.Add(new LayoutItem(node.Id, group.Width, group.Height));
            }
            else
            {
                var (w, h) = NodeMetrics.SizeOf(node);
                items.Add(new LayoutItem(node.Id, w, h));
            }
        }

        var links = graph.EdgesIn(scope.Id).Select(e =>
        {
            var (lw, lh) = NodeMetrics.LabelSize(e.Label);
            return new LayoutLink(e.Id, e.From, e.To, lw, lh);
        }).ToList();

        var rootId = scope.OwnerNodeId is null ? StateGraphBuilder.StartNodeId : scope.StartNodeId;
        var result = LayeredLayoutEngine.Compute(items, links, rootId);
        return new LocalLayout(result, groups);
    }

    private static LocalGroup LayoutGroup(StateGraph graph, GraphNode node)
    {
        var inner = node.Scopes.Select(s => (Scope: s, Layout: LayoutScope(graph, s))).ToList();
        var x = NodeMetrics.GroupPadding;
        var top = NodeMetrics.GroupHeader;
        var frames = new List<(GraphScope Scope, LocalLayout Layout, double X, double Y)>();
        var contentHeight = 0.0;
        foreach (var (scope, layout) in inner)
        {
            frames.Add((scope, layout, x, top));
            x += layout.Width + 2 * NodeMetrics.GroupPadding + NodeMetrics.ScopeGap;
            contentHeight = Math.Max(contentHeight, layout.Height + 2 * NodeMetrics.GroupPadding);
        }

        var width = Math.Max(x - NodeMetrics.ScopeGap + NodeMetrics.GroupPadding, NodeMetrics.TextWidth(node.Name, NodeMetrics.FontSize) + 90);
        var height = top + contentHeight + NodeMetrics.GroupPadding;
        return new LocalGroup(width, height, frames);
    }

    private sealed record LocalGroup(double Width, double Height, IReadOnlyList<(GraphScope Scope, LocalLayout Layout, double X, double Y)> Frames);

    private sealed class LocalLayout(LayeredResult result, IReadOnlyDictionary<string, LocalGroup> groups)
    {
        public double Width => result.Width;

        public double Height => result.Height;

        public void Flatten(
            double dx,
            double dy,
            Dictionary<string, NodePlacement> nodes,
            Dictionary<string, EdgePlacement> edges,
            List<ScopePlacement> scopes)
        {
            foreach (var item in result.Items.Values)
            {
                var placement = new NodePlacement(
                    item.Id, dx + item.CenterX - item.Width / 2, dy + item.CenterY - item.Height / 2, item.Width, item.Height, item.Rank);
                nodes[item.Id] = placement;
                if (!groups.TryGetValue(item.Id, out var group))
                {
                    continue;
                }

                foreach (var (scope, layout, fx, fy) in group.Frames)
                {
                    scopes.Add(new ScopePlacement(
                        scope.Id,
                        placement.X + fx,
                        placement.Y + fy,
                        layout.Width + 2 * NodeMetrics.GroupPadding,
                        layout.Height + 2 * NodeMetrics.GroupPadding));
                    layout.Flatten(placement.X + fx + NodeMetrics.GroupPadding, placement.Y + fy + NodeMetrics.GroupPadding, nodes, edges, scopes);
                }
            }

            foreach (var link in result.Links.Values)
            {
                edges[link.Id] = new EdgePlacement(
                    link.Id,
                    link.Points.Select(p => new LayoutPoint(p.X + dx, p.Y + dy)).ToList(),
                    link.LabelAt is { } at ? new LayoutPoint(at.X + dx, at.Y + dy) : null,
                    link.Reversed);
            }
        }
    }
}
