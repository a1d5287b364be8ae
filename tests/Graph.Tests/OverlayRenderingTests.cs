using System.Text.Json.Nodes;
using System.Xml.Linq;
using StateMachineGraph.Model;
using StateMachineGraph.Overlay;
using StateMachineGraph.Rendering;

namespace StateMachineGraph.Tests;

public class OverlayRenderingTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private readonly StateGraph _saga = Fixtures.Graph("saga.asl.json");
    private readonly ExecutionOverlay _overlay;

    public OverlayRenderingTests()
    {
        var history = new HistoryBuilder().Started()
            .Task("ReserveInventory")
            .Task("ChargePayment", caught: true, "PaymentGatewayUnavailable", "PaymentDeclined")
            .Task("ReleaseInventory").Task("MarkCancelled").Task("NotifyCancelled")
            .Passes("Fail", "OrderCancelled", exits: false)
            .Event("ExecutionFailed", "executionFailedEventDetails", new JsonObject { ["error"] = "OrderCancelled" });
        _overlay = ExecutionOverlay.Compute(_saga, ExecutionHistory.Parse(history.ToJson()));
    }

    [Fact]
    public void Svg_WithOverlay_TagsEveryStateWithItsStatusAndMarksTakenEdges()
    {
        var document = XDocument.Parse(SvgRenderer.Render(_saga, _overlay));

        XElement NodeGroup(string name) => document.Descendants(Svg + "g").Single(g => (string?)g.Attribute("data-state") == name);
        Assert.Equal("caught", (string?)NodeGroup("ChargePayment").Attribute("data-status"));
        Assert.Contains("status-caught", (string?)NodeGroup("ChargePayment").Attribute("class"), StringComparison.Ordinal);
        Assert.Equal("compensating", (string?)NodeGroup("ReleaseInventory").Attribute("data-status"));
        Assert.Equal("failed", (string?)NodeGroup("OrderCancelled").Attribute("data-status"));
        Assert.Equal("not-reached", (string?)NodeGroup("ShipOrder").Attribute("data-status"));
        Assert.Equal("FAILED", (string?)document.Root!.Attribute("data-execution-status"));

        var takenEdges = document.Descendants(Svg + "g")
            .Where(g => ((string?)g.Attribute("class"))?.Split(' ').Contains("taken") == true)
            .Select(g => ((string?)g.Attribute("data-from"), (string?)g.Attribute("data-to")))
            .ToList();
        Assert.Contains(("ChargePayment", "ReleaseInventory"), takenEdges);
        Assert.Contains(("Start", "ReserveInventory"), takenEdges);
        Assert.DoesNotContain(("ChargePayment", "ShipOrder"), takenEdges);
        Assert.Equal(_overlay.TakenEdgeIds.Count, takenEdges.Count);

        // The retry badge shows how many retries the caught step made.
        Assert.Contains(NodeGroup("ChargePayment").Elements(Svg + "text"), t => t.Value == "↻1");
    }

    [Fact]
    public void Mermaid_WithOverlay_AssignsClassesAndStylesTakenLinks()
    {
        var text = MermaidRenderer.Render(_saga, _overlay);

        Assert.Contains("classDef caught ", text, StringComparison.Ordinal);
        Assert.Contains("classDef not_reached ", text, StringComparison.Ordinal);
        Assert.Contains($"class {MermaidRenderer.Id("ChargePayment")} caught;", text, StringComparison.Ordinal);
        var takenIndexes = _saga.Edges.Select((e, i) => (e, i)).Where(x => _overlay.IsTaken(x.e.Id)).Select(x => x.i);
        Assert.Contains($"linkStyle {string.Join(",", takenIndexes)} stroke:", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Dot_WithOverlay_FillsNodesByStatusAndThickensTakenEdges()
    {
        var dot = DotRenderer.Render(_saga, _overlay);

        var (_, caughtFill) = StatusPalette.Colors(StateStatus.Caught);
        Assert.Contains($"\"ChargePayment\" [label=\"ChargePayment\\n(retried 1x)\", shape=box, style=\"rounded,filled\", color=\"{StatusPalette.Colors(StateStatus.Caught).Stroke}\", fillcolor=\"{caughtFill}\", class=\"caught\"];", dot, StringComparison.Ordinal);
        Assert.Contains("\"ChargePayment\" -> \"ReleaseInventory\" [label=\"PaymentDeclined, States.ALL\", style=dashed", dot, StringComparison.Ordinal);
        Assert.Contains("penwidth=2.5", dot, StringComparison.Ordinal);
        var structure = ExportTests.ParseDot(dot);
        Assert.Equal(_saga.Edges.Count, structure.Edges.Count);
    }

    [Fact]
    public void Overlay_CaughtAfterRetry_CountsTheRetry()
    {
        Assert.Equal(StateStatus.Caught, _overlay.StatusOf("ChargePayment"));
        Assert.Equal(1, _overlay.States["ChargePayment"].RetryCount);
        Assert.Equal("PaymentDeclined", _overlay.States["ChargePayment"].Error);
    }
}
