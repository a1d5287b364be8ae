using System.Text.Json.Nodes;
using StateMachineGraph.Model;

namespace StateMachineGraph.Tests;

public class StateGraphBuilderTests
{
    [Fact]
    public void Build_Saga_HasOneNodePerStatePlusStartAndEnd()
    {
        var graph = Fixtures.Graph("saga.asl.json");

        Assert.Equal(13 + 2, graph.Nodes.Count);
        Assert.Single(graph.Nodes, n => n.Kind == NodeKind.Start);
        Assert.Single(graph.Nodes, n => n.Kind == NodeKind.End);
        Assert.Equal(NodeKind.Choice, graph.NodesNamed("ShipmentAccepted").Single().Kind);
        Assert.True(graph.NodesNamed("ChargePayment").Single().HasRetry);
        Assert.False(graph.NodesNamed("ShipOrder").Single().HasRetry);
    }

    [Fact]
    public void Build_Saga_HasEveryTransitionOfTheDefinitionWithItsKindAndLabel()
    {
        var graph = Fixtures.Graph("saga.asl.json");
        var edges = graph.Edges.Select(e => (graph.Node(e.From).Name, graph.Node(e.To).Name, e.Kind, e.Label)).ToList();

        var expected = ExpectedEdges(JsonNode.Parse(Fixtures.Text("saga.asl.json"))!.AsObject());
        foreach (var (from, to, kind) in expected)
        {
            Assert.Contains(edges, e => e.Item1 == from && e.Item2 == to && e.Kind == kind);
        }

        Assert.Contains(("ChargePayment", "ReleaseInventory", EdgeKind.Catch, "PaymentDeclined, States.ALL"), edges);
        Assert.Contains(("ShipmentAccepted", "MarkCompleted", EdgeKind.Choice, "$.shipment.status == \"ACCEPTED\""), edges);
        Assert.Contains(("ShipmentAccepted", "CancelShipment", EdgeKind.Default, "Default"), edges);
        Assert.Contains(("Start", "ReserveInventory", EdgeKind.Start, null), edges);
        Assert.Contains(("OrderCompleted", "End", EdgeKind.End, null), edges);
        Assert.Contains(("OrderCancelled", "End", EdgeKind.End, null), edges);
        Assert.Equal(expected.Count + 3, graph.Edges.Count);
    }

    [Fact]
    public void Build_ParallelAndMap_NestsBranchesAndProcessorsAsScopes()
    {
        var graph = Fixtures.Graph("parallel-map.asl.json");

        var fanOut = graph.NodesNamed("FanOut").Single();
        Assert.True(fanOut.IsGroup);
        Assert.Equal(2, fanOut.Scopes.Count);
        var perLine = graph.NodesNamed("PerLine").Single();
        Assert.Equal(fanOut.Scopes[0].Id, perLine.ScopeId);
        Assert.Equal(NodeKind.Map, perLine.Kind);
        Assert.Equal("PriceLine", graph.Node(perLine.Scopes.Single().StartNodeId).Name);
        var legacy = graph.NodesNamed("Legacy").Single();
        Assert.Equal("Echo", graph.Node(legacy.Scopes.Single().StartNodeId).Name);

        var inner = graph.Edges.Single(e => graph.Node(e.From).Name == "InStock" && e.Kind == EdgeKind.Choice);
        Assert.Equal(perLine.Scopes[0].Id, inner.ScopeId);
        Assert.Equal("$.available >= $.quantity", inner.Label);
        Assert.Contains(graph.Edges, e => e.From == fanOut.Id && graph.Node(e.To).Name == "Rejected" && e.Kind == EdgeKind.Catch);

        // Terminal states inside branches end their branch, not the execution.
        Assert.DoesNotContain(graph.Edges, e => e.Kind == EdgeKind.End && graph.Node(e.From).ScopeId != graph.Root.Id);
    }

    [Theory]
    [InlineData("""{"Variable":"$.n","NumericLessThan":5,"Next":"X"}""", "$.n < 5")]
    [InlineData("""{"Variable":"$.ok","BooleanEquals":false,"Next":"X"}""", "$.ok == false")]
    [InlineData("""{"Variable":"$.a","TimestampGreaterThanPath":"$.b","Next":"X"}""", "$.a > $.b")]
    [InlineData("""{"Variable":"$.a","IsPresent":false,"Next":"X"}""", "$.a is absent")]
    [InlineData("""{"Variable":"$.a","StringMatches":"log-*","Next":"X"}""", "$.a matches \"log-*\"")]
    [InlineData("""{"Or":[{"Variable":"$.a","IsNull":true},{"Not":{"Variable":"$.b","NumericEquals":1}}],"Next":"X"}""", "$.a is null || !($.b == 1)")]
    [InlineData("""{"Condition":"{% $states.input.total > 100 %}","Next":"X"}""", "$states.input.total > 100")]
    public void ChoiceRuleLabel_Rule_ReadsLikeAnExpression(string rule, string expected)
    {
        Assert.Equal(expected, ChoiceRuleLabel.For(JsonNode.Parse(rule)!.AsObject()));
    }

    [Fact]
    public void ChoiceRuleLabel_LongRule_IsShortenedWithAnEllipsis()
    {
        var rule = JsonNode.Parse("""{"Variable":"$.customer.preferences.shipping.carrier","StringEquals":"a very long carrier name","Next":"X"}""")!;

        var label = ChoiceRuleLabel.For(rule.AsObject());

        Assert.Equal(ChoiceRuleLabel.MaxLength, label.Length);
        Assert.EndsWith("…", label, StringComparison.Ordinal);
    }

    [Fact]
    public void FromText_Yaml_BuildsTheSameGraphAsJson()
    {
        const string yaml = """
            StartAt: Check
            States:
              Check:
                Type: Choice
                Choices:
                  - Variable: $.n
                    NumericGreaterThan: 3
                    Next: Big
                Default: Small
              Big:
                Type: Pass
                End: true
              Small:
                Type: Succeed
            """;

        var graph = StateGraphBuilder.FromText(yaml, "machine.asl.yaml");

        Assert.Equal(5, graph.Nodes.Count);
        Assert.Contains(graph.Edges, e => e.Kind == EdgeKind.Choice && e.Label == "$.n > 3");
        Assert.Contains(graph.Edges, e => e.Kind == EdgeKind.End && graph.Node(e.From).Name == "Big");
    }

    [Fact]
    public void FromText_MissingTarget_ReportsAwsCodeAndPointer()
    {
        const string json = """{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Nowhere"}}}""";

        var ex = Assert.Throws<DefinitionException>(() => StateGraphBuilder.FromText(json));

        Assert.Equal("MISSING_TRANSITION_TARGET", ex.Code);
        Assert.Equal("/States/A/Next", ex.Location);
        Assert.Contains("Nowhere", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromText_BrokenJson_ReportsLineAndPosition()
    {
        const string json = "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\"Type\": \"Pass\" \"End\": true}\n  }\n}";

        var ex = Assert.Throws<DefinitionException>(() => StateGraphBuilder.FromText(json, "broken.asl.json"));

        Assert.Equal("SCHEMA_VALIDATION_FAILED", ex.Code);
        Assert.StartsWith("line 4, position", ex.Location, StringComparison.Ordinal);
    }

    [Fact]
    public void FromText_DuplicateStateName_IsASyntaxErrorWithItsPosition()
    {
        const string json = "{\"StartAt\":\"A\",\"States\":{\n\"A\":{\"Type\":\"Succeed\"},\n\"A\":{\"Type\":\"Fail\"}}}";

        var ex = Assert.Throws<DefinitionException>(() => StateGraphBuilder.FromText(json));

        Assert.StartsWith("line 3", ex.Location, StringComparison.Ordinal);
    }

    [Fact]
    public void FromText_YamlSyntaxError_ReportsLineAndPosition()
    {
        const string yaml = "StartAt: A\nStates:\n  A: {Type: Pass\n";

        var ex = Assert.Throws<DefinitionException>(() => StateGraphBuilder.FromText(yaml, "m.yaml"));

        Assert.Equal("SCHEMA_VALIDATION_FAILED", ex.Code);
        Assert.StartsWith("line ", ex.Location, StringComparison.Ordinal);
    }

    [Fact]
    public void FromText_StateWithoutNextOrEnd_IsRejected()
    {
        const string json = """{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"x"}}}""";

        var ex = Assert.Throws<DefinitionException>(() => StateGraphBuilder.FromText(json));

        Assert.Equal("/States/A", ex.Location);
    }

    /// <summary>Reads Next/Default/Choices/Catch straight from the JSON, independently of the builder.</summary>
    internal static List<(string From, string To, EdgeKind Kind)> ExpectedEdges(JsonObject container)
    {
        var result = new List<(string, string, EdgeKind)>();
        foreach (var (name, value) in container["States"]!.AsObject())
        {
            var state = value!.AsObject();
            if (state["Next"] is { } next)
            {
                result.Add((name, next.ToString(), EdgeKind.Next));
            }

            if (state["Default"] is { } def)
            {
                result.Add((name, def.ToString(), EdgeKind.Default));
            }

            foreach (var rule in state["Choices"]?.AsArray() ?? [])
            {
                result.Add((name, rule!["Next"]!.ToString(), EdgeKind.Choice));
            }

            foreach (var catcher in state["Catch"]?.AsArray() ?? [])
            {
                result.Add((name, catcher!["Next"]!.ToString(), EdgeKind.Catch));
            }

            foreach (var branch in state["Branches"]?.AsArray() ?? [])
            {
                result.AddRange(ExpectedEdges(branch!.AsObject()));
            }

            if ((state["ItemProcessor"] ?? state["Iterator"]) is JsonObject processor)
            {
                result.AddRange(ExpectedEdges(processor));
            }
        }

        return result;
    }
}
