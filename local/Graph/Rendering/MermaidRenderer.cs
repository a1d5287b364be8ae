using System.Globalization;
using System.Text;
using StateMachineGraph.Model;
using StateMachineGraph.Overlay;

namespace StateMachineGraph.Rendering;

/// <summary>Mermaid "flowchart TD" export: subgraphs for Parallel/Map groups, classDef per status, linkStyle for taken edges.</summary>
public static class MermaidRenderer
{
    public static string Render(StateGraph graph, ExecutionOverlay? overlay = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var sb = new StringBuilder();
        sb.AppendLine("flowchart TD");
        WriteScope(graph, graph.Root, sb, "  ");

        var takenIndexes = new List<int>();
        var catchIndexes = new List<int>();
        for (var i = 0; i < graph.Edges.Count; i++)
        {
            var edge = graph.Edges[i];
            var arrow = edge.Kind == EdgeKind.Catch ? "-.->" : "-->";
            sb.Append("  ").Append(Id(edge.From)).Append(' ').Append(arrow);
            if (edge.Label is not null)
            {
                sb.Append("|\"").Append(Escape(edge.Label)).Append("\"|");
            }

            sb.Append(' ').AppendLine(Id(edge.To));
            if (edge.Kind == EdgeKind.Catch)
            {
                catchIndexes.Add(i);
            }

            if (overlay?.IsTaken(edge.Id) == true)
            {
                takenIndexes.Add(i);
            }
        }

        sb.AppendLine("  classDef pseudo fill:#eceff1,stroke:#37474f;");
        sb.Append("  class ").Append(Id(StateGraphBuilder.StartNodeId)).Append(',').Append(Id(StateGraphBuilder.EndNodeId)).AppendLine(" pseudo;");
        if (catchIndexes.Count > 0)
        {
            sb.Append("  linkStyle ").Append(Indexes(catchIndexes)).Append(" stroke:").Append(StatusPalette.CatchEdge).AppendLine(",stroke-dasharray:5 4;");
        }

        if (overlay is not null)
        {
            WriteOverlay(graph, overlay, takenIndexes, sb);
        }

        return sb.ToString();
    }

    private static void WriteOverlay(StateGraph graph, ExecutionOverlay overlay, List<int> takenIndexes, StringBuilder sb)
    {
        foreach (var status in StatusPalette.All)
        {
            var (stroke, fill) = StatusPalette.Colors(status);
            sb.Append("  classDef ").Append(ExecutionOverlay.CssName(status).Replace("-", "_", StringComparison.Ordinal))
                .Append(" fill:").Append(fill).Append(",stroke:").Append(stroke).AppendLine(",stroke-width:2px;");
        }

        foreach (var group in graph.Nodes.Where(n => !n.IsPseudo).GroupBy(n => overlay.StatusOf(n.Name)))
        {
            sb.Append("  class ").Append(string.Join(",", group.Select(n => Id(n.Id)))).Append(' ')
                .Append(ExecutionOverlay.CssName(group.Key).Replace("-", "_", StringComparison.Ordinal)).AppendLine(";");
        }

        if (takenIndexes.Count > 0)
        {
            sb.Append("  linkStyle ").Append(Indexes(takenIndexes)).Append(" stroke:").Append(StatusPalette.TakenEdge).AppendLine(",stroke-width:3px;");
        }
    }

    private static void WriteScope(StateGraph graph, GraphScope scope, StringBuilder sb, string indent)
    {
        foreach (var node in graph.NodesIn(scope))
        {
            if (!node.IsGroup)
            {
                sb.Append(indent).Append(Id(node.Id)).AppendLine(Shape(node));
                continue;
            }

            sb.Append(indent).Append("subgraph ").Append(Id(node.Id)).Append("[\"").Append(Escape($"{node.Kind}: {node.Name}")).AppendLine("\"]");
            sb.Append(indent).AppendLine("  direction TB");
            for (var i = 0; i < node.Scopes.Count; i++)
            {
                var child = node.Scopes[i];
                if (node.Kind == NodeKind.Map)
                {
                    WriteScope(graph, child, sb, indent + "  ");
                    continue;
                }

                sb.Append(indent).Append("  subgraph ").Append(Id(child.Id)).Append("[\"Branch ")
                    .Append((i + 1).ToString(CultureInfo.InvariantCulture)).AppendLine("\"]");
                WriteScope(graph, child, sb, indent + "    ");
                sb.Append(indent).AppendLine("  end");
            }

            sb.Append(indent).AppendLine("end");
        }
    }

    private static string Shape(GraphNode node)
    {
        var label = Escape(node.Name);
        return node.Kind switch
        {
            NodeKind.Start or NodeKind.End => $"((\"{label}\"))",
            NodeKind.Choice => $"{{\"{label}\"}}",
            NodeKind.Task => $"(\"{label}\")",
            NodeKind.Pass => $"[\"{label}\"]",
            NodeKind.Wait => $"[/\"{label}\"/]",
            NodeKind.Succeed => $"([\"{label}\"])",
            NodeKind.Fail => $"[[\"{label}\"]]",
            _ => $"[\"{label}\"]",
        };
    }

    private static string Indexes(List<int> indexes) => string.Join(",", indexes.Select(i => i.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Mermaid ids: a prefix keeps state names such as "end" or "graph" from colliding with keywords.</summary>
    internal static string Id(string nodeOrScopeId) => "n_" + nodeOrScopeId.Replace("#", "_", StringComparison.Ordinal);

    private static string Escape(string text) => text
        .Replace("\"", "#quot;", StringComparison.Ordinal)
        .Replace("<", "#lt;", StringComparison.Ordinal)
        .Replace(">", "#gt;", StringComparison.Ordinal)
        .Replace("|", "#124;", StringComparison.Ordinal);
}
