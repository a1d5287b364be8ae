using System.Text.RegularExpressions;
using System.Xml.Linq;
using StateMachineGraph.Model;
using StateMachineGraph.Rendering;

namespace StateMachineGraph.Tests;

public partial class ExportTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    public static TheoryData<string> Definitions => new(Fixtures.All);

    [Theory]
    [MemberData(nameof(Definitions))]
    public void Svg_IsWellFormedAndHasAGroupPerStateAndPerEdge(string fixture)
    {
        var graph = Fixtures.Graph(fixture);

        var document = XDocument.Parse(SvgRenderer.Render(graph));

        var stateGroups = document.Descendants(Svg + "g").Where(g => g.Attribute("data-state") is not null).ToList();
        Assert.Equal(graph.Nodes.Count, stateGroups.Count);
        foreach (var node in graph.Nodes)
        {
            var g = stateGroups.Single(x => (string?)x.Attribute("data-node") == node.Id);
            Assert.Equal(node.Name, (string?)g.Attribute("data-state"));
            Assert.NotNull(g.Attribute("data-status"));
            Assert.Contains("status-", (string?)g.Attribute("class"), StringComparison.Ordinal);
        }

        var edgeIds = document.Descendants(Svg + "g").Select(g => (string?)g.Attribute("data-edge")).Where(id => id is not null).ToHashSet();
        Assert.True(graph.Edges.All(e => edgeIds.Contains(e.Id)));
        Assert.Empty(document.Descendants(Svg + "script"));
        Assert.DoesNotContain("http://", document.ToString().Replace(Svg.NamespaceName, string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Svg_ShapesDependOnTheStateType()
    {
        var graph = Fixtures.Graph("saga.asl.json");
        var document = XDocument.Parse(SvgRenderer.Render(graph));

        XElement NodeGroup(string name) => document.Descendants(Svg + "g").Single(g => (string?)g.Attribute("data-state") == name);
        Assert.NotNull(NodeGroup("Start").Element(Svg + "circle"));
        Assert.NotNull(NodeGroup("End").Element(Svg + "circle"));
        Assert.NotNull(NodeGroup("ShipmentAccepted").Element(Svg + "polygon"));
        Assert.Equal("8", (string?)NodeGroup("ChargePayment").Element(Svg + "rect")!.Attribute("rx"));
        Assert.Contains("kind-fail", (string?)NodeGroup("OrderCancelled").Attribute("class"), StringComparison.Ordinal);

        var catchEdge = document.Descendants(Svg + "g").First(g => ((string?)g.Attribute("class"))?.Contains("edge-catch", StringComparison.Ordinal) == true);
        Assert.Equal("url(#smg-arrow-catch)", (string?)catchEdge.Element(Svg + "path")!.Attribute("marker-end"));
    }

    [Fact]
    public void Svg_GroupsAreLabelledContainers()
    {
        var graph = Fixtures.Graph("parallel-map.asl.json");
        var document = XDocument.Parse(SvgRenderer.Render(graph));

        var fanOut = document.Descendants(Svg + "g").Single(g => (string?)g.Attribute("data-state") == "FanOut");
        Assert.Contains("group", (string?)fanOut.Attribute("class"), StringComparison.Ordinal);
        Assert.Contains(fanOut.Elements(Svg + "text"), t => t.Value == "Parallel · FanOut");
        Assert.Equal(2, fanOut.Elements(Svg + "rect").Count(r => (string?)r.Attribute("class") == "scope-frame"));
    }

    [Theory]
    [MemberData(nameof(Definitions))]
    public void Mermaid_DeclaresEveryNodeAndEveryEdge(string fixture)
    {
        var graph = Fixtures.Graph(fixture);

        var text = MermaidRenderer.Render(graph);

        Assert.StartsWith("flowchart TD", text, StringComparison.Ordinal);
        var lines = text.Split('\n').Select(l => l.Trim()).ToList();
        foreach (var node in graph.Nodes)
        {
            var id = MermaidRenderer.Id(node.Id);
            Assert.Contains(lines, l => l.StartsWith(id + "(", StringComparison.Ordinal) || l.StartsWith(id + "[", StringComparison.Ordinal)
                || l.StartsWith(id + "{", StringComparison.Ordinal) || l.StartsWith($"subgraph {id}[", StringComparison.Ordinal));
        }

        var edgeLines = lines.Where(l => l.Contains("-->", StringComparison.Ordinal) || l.Contains("-.->", StringComparison.Ordinal)).ToList();
        Assert.Equal(graph.Edges.Count, edgeLines.Count);
        foreach (var edge in graph.Edges)
        {
            var arrow = edge.Kind == EdgeKind.Catch ? "-.->" : "-->";
            Assert.Contains(edgeLines, l => l.StartsWith($"{MermaidRenderer.Id(edge.From)} {arrow}", StringComparison.Ordinal)
                && l.EndsWith(" " + MermaidRenderer.Id(edge.To), StringComparison.Ordinal)
                && (edge.Label is null || l.Contains(edge.Label.Replace("\"", "#quot;", StringComparison.Ordinal).Replace(">", "#gt;", StringComparison.Ordinal).Replace("<", "#lt;", StringComparison.Ordinal), StringComparison.Ordinal)));
        }

        Assert.Equal(
            lines.Count(l => l.StartsWith("subgraph ", StringComparison.Ordinal)),
            lines.Count(l => l == "end"));
    }

    [Theory]
    [MemberData(nameof(Definitions))]
    public void Dot_ParsesStructurallyWithEveryNodeDeclaredAndEveryEdgePresent(string fixture)
    {
        var graph = Fixtures.Graph(fixture);

        var dot = DotRenderer.Render(graph);
        var structure = ParseDot(dot);

        Assert.True(graph.Nodes.All(n => structure.Nodes.Contains(n.Id)), "every node declared");
        Assert.True(structure.Edges.All(e => structure.Nodes.Contains(e.From) && structure.Nodes.Contains(e.To)), "edges use declared nodes");
        foreach (var edge in graph.Edges)
        {
            Assert.Contains((edge.From, edge.To), structure.Edges);
        }

        Assert.Equal(graph.Edges.Count, structure.Edges.Count);
        var groups = graph.Nodes.Count(n => n.IsGroup);
        var scopes = graph.Nodes.Sum(n => n.Scopes.Count);
        Assert.Equal(groups + scopes, structure.Clusters);
    }

    [Fact]
    public void Dot_CatchEdgesAreDashedAndEdgesIntoGroupsUseLhead()
    {
        var graph = Fixtures.Graph("parallel-map.asl.json");

        var dot = DotRenderer.Render(graph);

        Assert.Contains("\"Prepare\" -> \"FanOut\" [lhead=\"cluster_FanOut\"];", dot, StringComparison.Ordinal);
        Assert.Contains("\"FanOut\" -> \"Rejected\" [label=\"InsufficientStock\", style=dashed", dot, StringComparison.Ordinal);
    }

    internal sealed record DotStructure(HashSet<string> Nodes, List<(string From, string To)> Edges, int Clusters);

    /// <summary>A small structural DOT reader: balanced braces (outside strings), node statements, edge statements, clusters.</summary>
    internal static DotStructure ParseDot(string dot)
    {
        Assert.StartsWith("digraph ", dot, StringComparison.Ordinal);
        var depth = 0;
        var inString = false;
        for (var i = 0; i < dot.Length; i++)
        {
            var c = dot[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            if (c == '"')
            {
                inString = true;
            }
            else if (c == '{')
            {
                depth++;
            }
            else if (c == '}')
            {
                depth--;
                Assert.True(depth >= 0, "unbalanced '}'");
            }
        }

        Assert.False(inString, "unterminated string");
        Assert.Equal(0, depth);

        var nodes = new HashSet<string>(StringComparer.Ordinal);
        var edges = new List<(string, string)>();
        var clusters = 0;
        foreach (var raw in dot.Split('\n'))
        {
            var line = raw.Trim();
            var edge = EdgeStatement().Match(line);
            if (edge.Success)
            {
                edges.Add((Unquote(edge.Groups[1].Value), Unquote(edge.Groups[2].Value)));
                continue;
            }

            var node = NodeStatement().Match(line);
            if (node.Success)
            {
                nodes.Add(Unquote(node.Groups[1].Value));
            }

            if (line.StartsWith("subgraph \"cluster_", StringComparison.Ordinal))
            {
                clusters++;
            }
        }

        return new DotStructure(nodes, edges, clusters);
    }

    private static string Unquote(string quoted) => quoted[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);

    [GeneratedRegex("""^("(?:[^"\\]|\\.)*")\s*->\s*("(?:[^"\\]|\\.)*")""")]
    private static partial Regex EdgeStatement();

    [GeneratedRegex("""^("(?:[^"\\]|\\.)*")\s*\[""")]
    private static partial Regex NodeStatement();
}
