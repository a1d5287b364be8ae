using System.Globalization;
using System.Text;
using System.Xml.Linq;
using StateMachineGraph.Layout;
using StateMachineGraph.Model;
using StateMachineGraph.Overlay;

namespace StateMachineGraph.Rendering;

/// <summary>
/// Self-contained SVG export (inline CSS, system fonts, no scripts). Every state's &lt;g&gt; carries data-state, data-status
/// and a status-* class, so a page can make nodes clickable and restyle them.
/// </summary>
public static class SvgRenderer
{
    private const string MarkerPrefix = "smg-";
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    public static string Render(StateGraph graph, ExecutionOverlay? overlay = null) =>
        Render(graph, GraphLayouter.Layout(graph), overlay);

    public static string Render(StateGraph graph, GraphLayout layout, ExecutionOverlay? overlay = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(layout);
        var root = new XElement(
            Svg + "svg",
            new XAttribute("width", Number(layout.Width)),
            new XAttribute("height", Number(layout.Height)),
            new XAttribute("viewBox", $"0 0 {Number(layout.Width)} {Number(layout.Height)}"),
            new XAttribute("class", overlay is null ? "state-machine" : "state-machine overlay"),
            new XAttribute("role", "img"));
        if (overlay is not null)
        {
            root.Add(new XAttribute("data-execution-status", overlay.ExecutionStatus));
        }

        root.Add(new XElement(Svg + "title", graph.Comment ?? "State machine"));
        root.Add(new XElement(Svg + "style", Stylesheet()));
        root.Add(Markers());

        var groups = new XElement(Svg + "g", new XAttribute("class", "groups"));
        var edges = new XElement(Svg + "g", new XAttribute("class", "edges"));
        var nodes = new XElement(Svg + "g", new XAttribute("class", "nodes"));
        root.Add(groups, edges, nodes);

        // Outer groups first so that nested containers paint over them.
        foreach (var node in graph.Nodes.Where(n => n.IsGroup).OrderBy(n => Depth(graph, n)))
        {
            groups.Add(GroupElement(graph, node, layout, overlay));
        }

        foreach (var edge in graph.Edges)
        {
            edges.Add(EdgeElement(graph, edge, layout.Edges[edge.Id], overlay));
        }

        foreach (var node in graph.Nodes.Where(n => !n.IsGroup))
        {
            nodes.Add(NodeElement(node, layout.Nodes[node.Id], overlay));
        }

        return new XDocument(root).ToString(SaveOptions.DisableFormatting);
    }

    private static int Depth(StateGraph graph, GraphNode node)
    {
        var depth = 0;
        for (var scope = graph.Scope(node.ScopeId); scope.OwnerNodeId is { } owner; scope = graph.Scope(graph.Node(owner).ScopeId))
        {
            depth++;
        }

        return depth;
    }

    private static XElement NodeElement(GraphNode node, NodePlacement box, ExecutionOverlay? overlay)
    {
        var g = StateGroup(node, overlay, "node");
        var shape = node.Kind switch
        {
            NodeKind.Start or NodeKind.End => new XElement(
                Svg + "circle",
                new XAttribute("cx", Number(box.CenterX)),
                new XAttribute("cy", Number(box.CenterY)),
                new XAttribute("r", Number(Math.Min(box.Width, box.Height) / 2))),
            NodeKind.Choice => new XElement(Svg + "polygon", new XAttribute("points", HexagonPoints(box))),
            _ => new XElement(
                Svg + "rect",
                new XAttribute("x", Number(box.X)),
                new XAttribute("y", Number(box.Y)),
                new XAttribute("width", Number(box.Width)),
                new XAttribute("height", Number(box.Height)),
                new XAttribute("rx", node.Kind is NodeKind.Task ? "8" : node.Kind is NodeKind.Wait ? "3" : Number(box.Height / 2))),
        };
        shape.Add(new XAttribute("class", "shape"));
        g.Add(shape);

        var fontSize = node.IsPseudo ? 10 : NodeMetrics.FontSize;
        // Leave room for the clock glyph on the left of a Wait and for the retry badge on the right.
        var labelX = box.CenterX + (node.Kind == NodeKind.Wait ? 8 : 0) - (node.HasRetry ? 10 : 0);
        g.Add(Text(labelX, box.CenterY, node.Name, "label", fontSize));
        if (node.Kind == NodeKind.Wait)
        {
            g.Add(ClockGlyph(box.X + 14, box.CenterY));
        }

        var retries = overlay?.States.GetValueOrDefault(node.Name)?.RetryCount ?? 0;
        if (node.HasRetry)
        {
            var badge = retries > 0 ? "↻" + retries.ToString(CultureInfo.InvariantCulture) : "↻";
            g.Add(Text(box.Right - 16, box.CenterY, badge, "retry-badge", 11));
        }

        return g;
    }

    private static XElement GroupElement(StateGraph graph, GraphNode node, GraphLayout layout, ExecutionOverlay? overlay)
    {
        var box = layout.Nodes[node.Id];
        var g = StateGroup(node, overlay, "group");
        g.Add(new XElement(
            Svg + "rect",
            new XAttribute("class", "shape"),
            new XAttribute("x", Number(box.X)),
            new XAttribute("y", Number(box.Y)),
            new XAttribute("width", Number(box.Width)),
            new XAttribute("height", Number(box.Height)),
            new XAttribute("rx", "10")));
        var header = $"{node.Kind} · {node.Name}";
        g.Add(Text(box.X + 12, box.Y + NodeMetrics.GroupHeader / 2 + 1, header, "group-label", NodeMetrics.FontSize, anchor: "start"));
        var retries = overlay?.States.GetValueOrDefault(node.Name)?.RetryCount ?? 0;
        if (node.HasRetry)
        {
            g.Add(Text(box.Right - 16, box.Y + NodeMetrics.GroupHeader / 2 + 1, retries > 0 ? "↻" + retries.ToString(CultureInfo.InvariantCulture) : "↻", "retry-badge", 11));
        }

        foreach (var frame in layout.Scopes.Where(s => graph.Scope(s.ScopeId).OwnerNodeId == node.Id))
        {
            g.Add(new XElement(
                Svg + "rect",
                new XAttribute("class", "scope-frame"),
                new XAttribute("data-scope", frame.ScopeId),
                new XAttribute("x", Number(frame.X)),
                new XAttribute("y", Number(frame.Y)),
                new XAttribute("width", Number(frame.Width)),
                new XAttribute("height", Number(frame.Height)),
                new XAttribute("rx", "6")));
        }

        return g;
    }

    private static XElement StateGroup(GraphNode node, ExecutionOverlay? overlay, string role)
    {
        var status = node.IsPseudo ? "pseudo" : overlay is null ? "none" : ExecutionOverlay.CssName(overlay.StatusOf(node.Name));
        var g = new XElement(
            Svg + "g",
            new XAttribute("class", $"{role} kind-{node.Kind.ToString().ToLowerInvariant()} status-{status}"),
            new XAttribute("data-node", node.Id),
            new XAttribute("data-state", node.Name),
            new XAttribute("data-type", node.Kind.ToString()),
            new XAttribute("data-status", status));
        g.Add(new XElement(Svg + "title", Tooltip(node, overlay)));
        return g;
    }

    private static string Tooltip(GraphNode node, ExecutionOverlay? overlay)
    {
        var text = new StringBuilder(node.Name);
        if (!node.IsPseudo)
        {
            text.Append(" (").Append(node.Kind).Append(')');
        }

        if (overlay?.States.GetValueOrDefault(node.Name) is { } details)
        {
            text.Append(" · ").Append(details.Status);
            if (details.RetryCount > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $" · {details.RetryCount} retries");
            }

            if (details.Error is not null)
            {
                text.Append(" · ").Append(details.Error);
            }

            if (details.Duration is { } duration)
            {
                text.Append(CultureInfo.InvariantCulture, $" · {duration.TotalMilliseconds:0} ms");
            }
        }

        return text.ToString();
    }

    private static XElement EdgeElement(StateGraph graph, GraphEdge edge, EdgePlacement placement, ExecutionOverlay? overlay)
    {
        var taken = overlay?.IsTaken(edge.Id) == true;
        var classes = $"edge edge-{edge.Kind.ToString().ToLowerInvariant()}" + (taken ? " taken" : string.Empty) + (placement.Reversed ? " back" : string.Empty);
        var marker = taken ? "arrow-taken" : edge.Kind == EdgeKind.Catch ? "arrow-catch" : "arrow";
        var g = new XElement(
            Svg + "g",
            new XAttribute("class", classes),
            new XAttribute("data-edge", edge.Id),
            new XAttribute("data-from", graph.Node(edge.From).Name),
            new XAttribute("data-to", graph.Node(edge.To).Name),
            new XElement(
                Svg + "path",
                new XAttribute("d", SmoothPath(placement.Points)),
                new XAttribute("marker-end", $"url(#{MarkerPrefix}{marker})")));
        if (edge.Label is not null && placement.LabelAt is { } at)
        {
            var (w, h) = NodeMetrics.LabelSize(edge.Label);
            g.Add(new XElement(
                Svg + "rect",
                new XAttribute("class", "edge-label-bg"),
                new XAttribute("x", Number(at.X - w / 2)),
                new XAttribute("y", Number(at.Y - h / 2)),
                new XAttribute("width", Number(w)),
                new XAttribute("height", Number(h)),
                new XAttribute("rx", "3")));
            g.Add(Text(at.X, at.Y, edge.Label, "edge-label", NodeMetrics.LabelFontSize));
        }

        return g;
    }

    /// <summary>A polyline whose corners are rounded with quadratic curves, so long edges read as smooth paths.</summary>
    internal static string SmoothPath(IReadOnlyList<LayoutPoint> points)
    {
        var d = new StringBuilder();
        d.Append("M ").Append(Number(points[0].X)).Append(' ').Append(Number(points[0].Y));
        for (var i = 1; i < points.Count; i++)
        {
            var p = points[i];
            if (i == points.Count - 1)
            {
                d.Append(" L ").Append(Number(p.X)).Append(' ').Append(Number(p.Y));
                break;
            }

            var prev = points[i - 1];
            var next = points[i + 1];
            var inLength = Distance(prev, p);
            var outLength = Distance(p, next);
            var radius = Math.Min(10, Math.Min(inLength, outLength) / 2);
            if (radius < 0.5)
            {
                d.Append(" L ").Append(Number(p.X)).Append(' ').Append(Number(p.Y));
                continue;
            }

            var before = new LayoutPoint(p.X + (prev.X - p.X) * radius / inLength, p.Y + (prev.Y - p.Y) * radius / inLength);
            var after = new LayoutPoint(p.X + (next.X - p.X) * radius / outLength, p.Y + (next.Y - p.Y) * radius / outLength);
            d.Append(" L ").Append(Number(before.X)).Append(' ').Append(Number(before.Y))
                .Append(" Q ").Append(Number(p.X)).Append(' ').Append(Number(p.Y))
                .Append(' ').Append(Number(after.X)).Append(' ').Append(Number(after.Y));
        }

        return d.ToString();
    }

    private static double Distance(LayoutPoint a, LayoutPoint b) => Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));

    private static string HexagonPoints(NodePlacement box)
    {
        var inset = box.Height / 2;
        LayoutPoint[] points =
        [
            new(box.X + inset, box.Y), new(box.Right - inset, box.Y), new(box.Right, box.CenterY),
            new(box.Right - inset, box.Bottom), new(box.X + inset, box.Bottom), new(box.X, box.CenterY),
        ];
        return string.Join(" ", points.Select(p => Number(p.X) + "," + Number(p.Y)));
    }

    private static XElement Text(double x, double y, string text, string cssClass, double fontSize, string anchor = "middle") =>
        new(
            Svg + "text",
            new XAttribute("class", cssClass),
            new XAttribute("x", Number(x)),
            new XAttribute("y", Number(y)),
            new XAttribute("font-size", Number(fontSize)),
            new XAttribute("text-anchor", anchor),
            new XAttribute("dominant-baseline", "central"),
            text);

    private static XElement ClockGlyph(double cx, double cy) => new(
        Svg + "g",
        new XAttribute("class", "glyph"),
        new XElement(Svg + "circle", new XAttribute("cx", Number(cx)), new XAttribute("cy", Number(cy)), new XAttribute("r", "6")),
        new XElement(Svg + "path", new XAttribute("d", $"M {Number(cx)} {Number(cy - 4)} L {Number(cx)} {Number(cy)} L {Number(cx + 3)} {Number(cy + 2)}")));

    private static XElement Markers()
    {
        static XElement Marker(string id, string color) => new(
            Svg + "marker",
            new XAttribute("id", id),
            new XAttribute("viewBox", "0 0 10 10"),
            new XAttribute("refX", "9"),
            new XAttribute("refY", "5"),
            new XAttribute("markerUnits", "userSpaceOnUse"),
            new XAttribute("markerWidth", "10"),
            new XAttribute("markerHeight", "10"),
            new XAttribute("orient", "auto-start-reverse"),
            new XElement(Svg + "path", new XAttribute("d", "M 0 0 L 10 5 L 0 10 z"), new XAttribute("fill", color)));

        return new XElement(
            Svg + "defs",
            Marker(MarkerPrefix + "arrow", "#546e7a"),
            Marker(MarkerPrefix + "arrow-catch", StatusPalette.CatchEdge),
            Marker(MarkerPrefix + "arrow-taken", StatusPalette.TakenEdge));
    }

    /// <summary>
    /// Rules are scoped to svg.state-machine because the console inlines the SVG into its HTML page, where an unscoped
    /// ".label" or "text" rule would leak into the page.
    /// </summary>
    private static string Stylesheet()
    {
        var rules = new List<(string Selector, string Declarations)>
        {
            ("text", "font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;fill:#263238"),
            (".shape", "fill:#ffffff;stroke:#546e7a;stroke-width:1.5"),
            (".kind-start .shape,.kind-end .shape", "fill:#37474f;stroke:#37474f"),
            (".kind-start .label,.kind-end .label", "fill:#ffffff"),
            (".kind-choice .shape", "fill:#fffde7"),
            (".kind-pass .shape", "stroke-dasharray:6 3"),
            (".kind-wait .shape", "fill:#f1f8e9"),
            (".kind-succeed .shape", "stroke:#2e7d32;stroke-width:2.5"),
            (".kind-fail .shape", "stroke:#c62828;stroke-width:2.5"),
            (".group>.shape", "fill:#f5f7f8;stroke:#90a4ae"),
            (".group-label", "font-weight:600"),
            (".scope-frame", "fill:none;stroke:#b0bec5;stroke-dasharray:4 3"),
            (".retry-badge", "fill:#6d4c41"),
            (".glyph circle,.glyph path", "fill:none;stroke:#558b2f;stroke-width:1.3"),
            (".edge path", "fill:none;stroke:#78909c;stroke-width:1.5"),
            (".edge-catch path", $"stroke:{StatusPalette.CatchEdge};stroke-dasharray:6 4"),
            (".edge-label-bg", "fill:#ffffff;fill-opacity:0.9"),
            (".edge-label", "fill:#455a64"),
            (".edge-catch .edge-label", $"fill:{StatusPalette.CatchEdge}"),
            (".edge.taken path", $"stroke:{StatusPalette.TakenEdge};stroke-width:3"),
            (".node,.group", "cursor:pointer"),
            (".status-not-reached>.label", "fill:#9e9e9e"),
        };
        foreach (var status in StatusPalette.All)
        {
            var (stroke, fill) = StatusPalette.Colors(status);
            rules.Add(($".status-{ExecutionOverlay.CssName(status)}>.shape", $"fill:{fill};stroke:{stroke};stroke-width:2.5"));
        }

        var css = new StringBuilder();
        foreach (var (selector, declarations) in rules)
        {
            var scoped = string.Join(",", selector.Split(',').Select(part => "svg.state-machine " + part));
            css.Append(scoped).Append('{').Append(declarations).Append('}');
        }

        css.Append("svg.state-machine.overlay .edge:not(.taken){opacity:0.55}");
        return css.ToString();
    }

    private static string Number(double value) => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);
}
