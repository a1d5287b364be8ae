using System.Text.Json.Nodes;
using System.Xml.Linq;
using StateMachineGraph.Layout;
using StateMachineGraph.Model;
using StateMachineGraph.Rendering;

namespace StateMachineGraph.Tests;

/// <summary>The project's own statemachines/order-saga.asl.json, drawn by every renderer.</summary>
public class RealSagaTests
{
    [Fact]
    public void OrderSaga_EveryTransitionIsInTheModelAndEveryExport()
    {
        var path = Fixtures.RealSagaPath();
        if (path is null)
        {
            Assert.Skip("statemachines/order-saga.asl.json is not in this checkout");
        }

        var text = File.ReadAllText(path);
        var graph = StateGraphBuilder.FromText(text, path);
        var expected = StateGraphBuilderTests.ExpectedEdges(JsonNode.Parse(text)!.AsObject());
        foreach (var (from, to, kind) in expected)
        {
            Assert.Contains(graph.Edges, e => graph.Node(e.From).Name == from && graph.Node(e.To).Name == to && e.Kind == kind);
        }

        var layout = GraphLayouter.Layout(graph);
        LayoutTests.AssertNoOverlaps(graph, layout);
        LayoutTests.AssertRanksFollowEdges(graph, layout);

        var svg = XDocument.Parse(SvgRenderer.Render(graph, layout));
        var svgEdges = svg.Descendants().Count(e => e.Attribute("data-edge") is not null);
        Assert.Equal(graph.Edges.Count, svgEdges);

        var dot = ExportTests.ParseDot(DotRenderer.Render(graph));
        Assert.Equal(graph.Edges.Count, dot.Edges.Count);
        Assert.True(graph.Nodes.All(n => dot.Nodes.Contains(n.Id)));

        var mermaid = MermaidRenderer.Render(graph);
        Assert.Equal(graph.Edges.Count, mermaid.Split('\n').Count(l => l.Contains("-->", StringComparison.Ordinal) || l.Contains("-.->", StringComparison.Ordinal)));
    }

    [Fact]
    public void OrderSaga_SecondStepCaught_ColoursTheCompensationPath()
    {
        var path = Fixtures.RealSagaPath();
        if (path is null)
        {
            Assert.Skip("statemachines/order-saga.asl.json is not in this checkout");
        }

        var text = File.ReadAllText(path);
        var states = JsonNode.Parse(text)!["States"]!.AsObject();
        var first = JsonNode.Parse(text)!["StartAt"]!.ToString();
        var second = states[first]!["Next"]!.ToString();
        var firstCatch = states[second]!["Catch"]![0]!;

        // Follow the first Catch of the second step through its Next chain: the compensation path.
        var compensation = new List<string>();
        for (var name = firstCatch["Next"]!.ToString(); ; name = states[name]!["Next"]!.ToString())
        {
            compensation.Add(name);
            if (states[name]!["Next"] is null)
            {
                break;
            }
        }

        var history = new HistoryBuilder().Started()
            .Task(first)
            .Task(second, caught: true, firstCatch["ErrorEquals"]![0]!.ToString());
        foreach (var name in compensation)
        {
            var type = states[name]!["Type"]!.ToString();
            if (type == "Task")
            {
                history.Task(name);
            }
            else
            {
                history.Passes(type, name, exits: type != "Fail");
            }
        }

        var graph = StateGraphBuilder.FromText(text, path);
        var overlay = Overlay.ExecutionOverlay.Compute(graph, Overlay.ExecutionHistory.Parse(history.ToJson()));

        Assert.Equal(Overlay.StateStatus.Succeeded, overlay.StatusOf(first));
        Assert.Equal(Overlay.StateStatus.Caught, overlay.StatusOf(second));
        foreach (var name in compensation.Where(n => states[n]!["Type"]!.ToString() != "Fail"))
        {
            Assert.Equal(Overlay.StateStatus.Compensating, overlay.StatusOf(name));
        }

        var svg = XDocument.Parse(SvgRenderer.Render(graph, overlay));
        Assert.Equal(
            "caught",
            svg.Descendants().Single(e => (string?)e.Attribute("data-state") == second).Attribute("data-status")!.Value);
    }
}
