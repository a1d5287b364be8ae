using StateMachineGraph.Layout;
using StateMachineGraph.Model;

namespace StateMachineGraph.Tests;

public class LayoutTests
{
    public static TheoryData<string> Definitions => new(Fixtures.All);

    [Theory]
    [MemberData(nameof(Definitions))]
    public void Layout_NoTwoBoxesOverlapUnlessOneIsTheGroupAroundTheOther(string fixture)
    {
        var graph = Fixtures.Graph(fixture);
        var layout = GraphLayouter.Layout(graph);

        AssertNoOverlaps(graph, layout);
    }

    [Theory]
    [MemberData(nameof(Definitions))]
    public void Layout_RanksFollowEdgeDirectionExceptReversedBackEdges(string fixture)
    {
        var graph = Fixtures.Graph(fixture);
        var layout = GraphLayouter.Layout(graph);

        AssertRanksFollowEdges(graph, layout);
    }

    internal static void AssertRanksFollowEdges(StateGraph graph, GraphLayout layout)
    {
        foreach (var edge in graph.Edges.Where(e => e.From != e.To))
        {
            var from = layout.Nodes[edge.From];
            var to = layout.Nodes[edge.To];
            if (layout.Edges[edge.Id].Reversed)
            {
                Assert.True(to.Rank < from.Rank, $"back edge {edge.From}->{edge.To} should point up");
            }
            else
            {
                Assert.True(to.Rank > from.Rank, $"{edge.From}->{edge.To}: rank {from.Rank} -> {to.Rank}");
                Assert.True(to.Y > from.Bottom, $"{edge.From}->{edge.To} should be drawn downwards");
            }
        }
    }

    [Fact]
    public void Layout_LoopsInTheDefinition_AreBrokenByReversingOnlyBackEdges()
    {
        var graph = Fixtures.Graph("fulfilment-20.asl.json");
        var layout = GraphLayouter.Layout(graph);

        var reversed = graph.Edges.Where(e => layout.Edges[e.Id].Reversed)
            .Select(e => (graph.Node(e.From).Name, graph.Node(e.To).Name))
            .ToHashSet();

        Assert.Equal(2, reversed.Count);
        Assert.Contains(("Wait For Label", "Poll Label"), reversed);
        Assert.Contains(("Wait Before Rebook", "Book Carrier"), reversed);
    }

    [Theory]
    [MemberData(nameof(Definitions))]
    public void Layout_EdgeRoutesStartAndEndOnTheirNodes(string fixture)
    {
        var graph = Fixtures.Graph(fixture);
        var layout = GraphLayouter.Layout(graph);

        foreach (var edge in graph.Edges)
        {
            var points = layout.Edges[edge.Id].Points;
            Assert.True(points.Count >= 2);
            AssertOnBorder(layout.Nodes[edge.From], points[0]);
            AssertOnBorder(layout.Nodes[edge.To], points[^1]);
        }
    }

    [Fact]
    public void Layout_TwentyStates_IsTopToBottomAndReadable()
    {
        var graph = Fixtures.Graph("fulfilment-20.asl.json");
        var layout = GraphLayouter.Layout(graph);

        var start = layout.Nodes[StateGraphBuilder.StartNodeId];
        var end = layout.Nodes[StateGraphBuilder.EndNodeId];
        Assert.True(layout.Nodes.Values.All(n => n.Y >= start.Y && n.Bottom <= end.Bottom));
        Assert.True(layout.Height > layout.Width, $"expected a tall drawing, got {layout.Width}x{layout.Height}");
        Assert.True(layout.Width < 1400, $"too wide: {layout.Width}");

        // Long edges through virtual nodes should mostly run straight: few bends per edge on average.
        var bends = layout.Edges.Values.Sum(e => CountBends(e.Points));
        Assert.True(bends <= 3 * graph.Edges.Count, $"{bends} bends for {graph.Edges.Count} edges");
    }

    [Fact]
    public void Layout_ParallelGroup_ContainsItsBranchesSideBySide()
    {
        var graph = Fixtures.Graph("parallel-map.asl.json");
        var layout = GraphLayouter.Layout(graph);

        var fanOut = layout.Nodes[graph.NodesNamed("FanOut").Single().Id];
        var perLine = layout.Nodes[graph.NodesNamed("PerLine").Single().Id];
        var checkFraud = layout.Nodes[graph.NodesNamed("CheckFraud").Single().Id];
        Assert.True(fanOut.Contains(perLine));
        Assert.True(fanOut.Contains(checkFraud));
        Assert.True(perLine.Right <= checkFraud.X, "branches should sit side by side");
        Assert.True(perLine.Contains(layout.Nodes[graph.NodesNamed("LineShort").Single().Id]));
    }

    [Fact]
    public void CountCrossings_TwoEdgesSwapped_IsOne()
    {
        Assert.Equal(1, LayeredLayoutEngine.CountCrossingsForTest([(0, 1), (1, 0)]));
        Assert.Equal(0, LayeredLayoutEngine.CountCrossingsForTest([(0, 0), (1, 1), (1, 2)]));
    }

    [Fact]
    public void Layout_SagaHappyPath_RunsStrictlyDownwards()
    {
        var graph = Fixtures.Graph("saga.asl.json");
        var layout = GraphLayouter.Layout(graph);

        // The happy path is a chain: each step lies strictly below the previous one.
        string[] happy = ["ReserveInventory", "ChargePayment", "ShipOrder", "ShipmentAccepted", "MarkCompleted", "NotifyConfirmed", "OrderCompleted"];
        var ys = happy.Select(n => layout.Nodes[graph.NodesNamed(n).Single().Id].Y).ToList();
        Assert.Equal(ys.OrderBy(y => y), ys);
    }

    [Fact]
    public void Layout_SelfLoopAndCycleBackToTheFirstState_StaysOverlapFree()
    {
        const string json = """
            {"StartAt":"Poll","States":{
              "Poll":{"Type":"Task","Resource":"x","Next":"Again"},
              "Again":{"Type":"Choice","Choices":[{"Variable":"$.done","BooleanEquals":false,"Next":"Poll"}],"Default":"Idle"},
              "Idle":{"Type":"Pass","Next":"Idle2"},
              "Idle2":{"Type":"Wait","Seconds":1,"Next":"Idle2"}}}
            """;
        var graph = StateGraphBuilder.FromText(json);

        var layout = GraphLayouter.Layout(graph);

        AssertNoOverlaps(graph, layout);
        var selfLoop = graph.Edges.Single(e => e.From == e.To);
        Assert.Equal(4, layout.Edges[selfLoop.Id].Points.Count);
        Assert.Single(graph.Edges, e => layout.Edges[e.Id].Reversed);
    }

    internal static void AssertNoOverlaps(StateGraph graph, GraphLayout layout)
    {
        var boxes = layout.Nodes.Values.ToList();
        for (var i = 0; i < boxes.Count; i++)
        {
            for (var j = i + 1; j < boxes.Count; j++)
            {
                var a = boxes[i];
                var b = boxes[j];
                if (IsInside(graph, a.NodeId, b.NodeId))
                {
                    Assert.True(b.Contains(a), $"{a.NodeId} should be drawn inside its group {b.NodeId}");
                }
                else if (IsInside(graph, b.NodeId, a.NodeId))
                {
                    Assert.True(a.Contains(b), $"{b.NodeId} should be drawn inside its group {a.NodeId}");
                }
                else
                {
                    Assert.False(a.Overlaps(b), $"{a.NodeId} overlaps {b.NodeId}");
                }
            }
        }
    }

    private static bool IsInside(StateGraph graph, string nodeId, string groupId)
    {
        for (var scope = graph.Scope(graph.Node(nodeId).ScopeId); scope.OwnerNodeId is { } owner; scope = graph.Scope(graph.Node(owner).ScopeId))
        {
            if (owner == groupId)
            {
                return true;
            }
        }

        return false;
    }

    private static void AssertOnBorder(NodePlacement box, LayoutPoint p)
    {
        const double tolerance = 0.5;
        var onTopOrBottom = (Math.Abs(p.Y - box.Y) < tolerance || Math.Abs(p.Y - box.Bottom) < tolerance)
            && p.X >= box.X - tolerance && p.X <= box.Right + tolerance;
        var onSide = Math.Abs(p.X - box.Right) < tolerance && p.Y >= box.Y && p.Y <= box.Bottom;
        Assert.True(onTopOrBottom || onSide, $"point ({p.X},{p.Y}) is not on the border of {box.NodeId}");
    }

    private static int CountBends(IReadOnlyList<LayoutPoint> points)
    {
        var bends = 0;
        for (var i = 1; i + 1 < points.Count; i++)
        {
            var (ax, ay) = (points[i].X - points[i - 1].X, points[i].Y - points[i - 1].Y);
            var (bx, by) = (points[i + 1].X - points[i].X, points[i + 1].Y - points[i].Y);
            if (Math.Abs(ax * by - ay * bx) > 1e-6)
            {
                bends++;
            }
        }

        return bends;
    }
}
