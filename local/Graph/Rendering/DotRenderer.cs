using System.Globalization;
using System.Text;
using StateMachineGraph.Model;
using StateMachineGraph.Overlay;

namespace StateMachineGraph.Rendering;

/// <summary>Graphviz DOT export: one cluster per Parallel/Map group (and per branch), colours from an optional overlay.</summary>
public static class DotRenderer
{
    public static string Render(StateGraph graph, ExecutionOverlay? overlay = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var sb = new StringBuilder();
        sb.AppendLine("digraph StateMachine {");
        sb.AppendLine("  rankdir=TB;");
        sb.AppendLine("  compound=true;");
        sb.AppendLine("  newrank=true;");
        sb.AppendLine("  node [fontname=\"Helvetica\", fontsize=11, style=\"rounded,filled\", fillcolor=\"#ffffff\", shape=box];");
        sb.AppendLine("  edge [fontname=\"Helvetica\", fontsize=9];");
        WriteScope(graph, graph.Root, overlay, sb, "  ");
        foreach (var edge in graph.Edges)
        {
            WriteEdge(graph, edge, overlay, sb);
        }

        sb.AppendLine("}");
        return sb.ToString();
    }

    private static void WriteScope(StateGraph graph, GraphScope scope, ExecutionOverlay? overlay, StringBuilder sb, string indent)
    {
        foreach (var node in graph.NodesIn(scope))
        {
            if (!node.IsGroup)
            {
                sb.Append(indent).Append(Quote(node.Id)).Append(" [").Append(NodeAttributes(node, overlay)).AppendLine("];");
                continue;
            }

            var (stroke, fill) = Colors(node, overlay);
            sb.Append(indent).Append("subgraph ").Append(Quote("cluster_" + node.Id)).AppendLine(" {");
            var inner = indent + "  ";
            sb.Append(inner).Append("label=").Append(Quote($"{node.Kind}: {node.Name}")).AppendLine(";");
            sb.Append(inner).Append("style=\"rounded,filled\"; color=").Append(Quote(stroke))
                .Append("; fillcolor=").Append(Quote(fill)).AppendLine(";");

            // The group itself is an invisible anchor inside its cluster; edges to it are clipped at the cluster border.
            sb.Append(inner).Append(Quote(node.Id)).AppendLine(" [shape=point, style=invis, width=0.01, label=\"\"];");
            for (var i = 0; i < node.Scopes.Count; i++)
            {
                var child = node.Scopes[i];
                sb.Append(inner).Append("subgraph ").Append(Quote("cluster_" + child.Id)).AppendLine(" {");
                var label = node.Kind == NodeKind.Map ? "Item processor" : $"Branch {i + 1}";
                sb.Append(inner).Append("  label=").Append(Quote(label)).AppendLine("; style=\"dashed,rounded\"; color=\"#9e9e9e\";");
                WriteScope(graph, child, overlay, sb, inner + "  ");
                sb.Append(inner).AppendLine("}");
            }

            sb.Append(indent).AppendLine("}");
        }
    }

    private static string NodeAttributes(GraphNode node, ExecutionOverlay? overlay)
    {
        var (stroke, fill) = Colors(node, overlay);
        var shape = node.Kind switch
        {
            NodeKind.Start or NodeKind.End => "circle",
            NodeKind.Choice => "diamond",
            NodeKind.Succeed or NodeKind.Fail => "doubleoctagon",
            NodeKind.Wait => "box3d",
            NodeKind.Pass => "box",
            _ => "box",
        };
        var style = node.Kind == NodeKind.Pass ? "dashed,rounded,filled" : "rounded,filled";
        var label = node.Name;
        if (overlay?.States.GetValueOrDefault(node.Name) is { RetryCount: > 0 } details)
        {
            label += string.Create(CultureInfo.InvariantCulture, $"\n(retried {details.RetryCount}x)");
        }

        var status = overlay is null || node.IsPseudo ? null : ExecutionOverlay.CssName(overlay.StatusOf(node.Name));
        var attributes = $"label={Quote(label)}, shape={shape}, style={Quote(style)}, color={Quote(stroke)}, fillcolor={Quote(fill)}";
        return status is null ? attributes : attributes + $", class={Quote(status)}";
    }

    private static (string Stroke, string Fill) Colors(GraphNode node, ExecutionOverlay? overlay)
    {
        if (overlay is not null && !node.IsPseudo)
        {
            return StatusPalette.Colors(overlay.StatusOf(node.Name));
        }

        return node.Kind switch
        {
            NodeKind.Start or NodeKind.End => ("#37474f", "#eceff1"),
            NodeKind.Succeed => ("#2e7d32", "#ffffff"),
            NodeKind.Fail => ("#c62828", "#ffffff"),
            NodeKind.Parallel or NodeKind.Map => ("#546e7a", "#f5f7f8"),
            _ => ("#37474f", "#ffffff"),
        };
    }

    private static void WriteEdge(StateGraph graph, GraphEdge edge, ExecutionOverlay? overlay, StringBuilder sb)
    {
        var attributes = new List<string>();
        if (edge.Label is not null)
        {
            attributes.Add("label=" + Quote(edge.Label));
        }

        if (edge.Kind == EdgeKind.Catch)
        {
            attributes.Add("style=dashed");
            attributes.Add("color=" + Quote(StatusPalette.CatchEdge));
            attributes.Add("fontcolor=" + Quote(StatusPalette.CatchEdge));
        }

        if (overlay?.IsTaken(edge.Id) == true)
        {
            attributes.Add("penwidth=2.5");
            attributes.Add("color=" + Quote(StatusPalette.TakenEdge));
        }

        if (graph.Node(edge.From).IsGroup)
        {
            attributes.Add("ltail=" + Quote("cluster_" + edge.From));
        }

        if (graph.Node(edge.To).IsGroup)
        {
            attributes.Add("lhead=" + Quote("cluster_" + edge.To));
        }

        sb.Append("  ").Append(Quote(edge.From)).Append(" -> ").Append(Quote(edge.To));
        if (attributes.Count > 0)
        {
            sb.Append(" [").Append(string.Join(", ", attributes)).Append(']');
        }

        sb.AppendLine(";");
    }

    internal static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
