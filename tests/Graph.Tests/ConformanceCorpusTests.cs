using System.Text.Json.Nodes;
using System.Xml.Linq;
using StateMachineGraph.Layout;
using StateMachineGraph.Model;
using StateMachineGraph.Overlay;
using StateMachineGraph.Rendering;

namespace StateMachineGraph.Tests;

/// <summary>Every definition of the shared conformance corpus (recorded against AWS) must draw, and its recorded history must overlay.</summary>
public class ConformanceCorpusTests
{
    [Fact]
    public void EveryCorpusDefinition_LaysOutWithoutOverlapsAndRendersInAllFormats()
    {
        var cases = CorpusFiles();
        var drawn = 0;
        foreach (var file in cases)
        {
            var definition = JsonNode.Parse(File.ReadAllText(file))!["definition"]!.AsObject();
            StateGraph graph;
            try
            {
                graph = StateGraphBuilder.Build(definition);
            }
            catch (DefinitionException)
            {
                // A few cases are deliberately invalid definitions (AWS rejected them); they only need a clean error.
                continue;
            }

            var layout = GraphLayouter.Layout(graph);
            LayoutTests.AssertNoOverlaps(graph, layout);
            LayoutTests.AssertRanksFollowEdges(graph, layout);
            XDocument.Parse(SvgRenderer.Render(graph, layout));
            Assert.Equal(graph.Edges.Count, ExportTests.ParseDot(DotRenderer.Render(graph)).Edges.Count);
            Assert.StartsWith("flowchart TD", MermaidRenderer.Render(graph), StringComparison.Ordinal);
            drawn++;
        }

        Assert.True(drawn >= cases.Count * 9 / 10, $"only {drawn} of {cases.Count} definitions could be drawn");
    }

    [Fact]
    public void EveryRecordedHistory_MarksEachEnteredStateAsReached()
    {
        var checkedHistories = 0;
        foreach (var file in CorpusFiles())
        {
            var root = JsonNode.Parse(File.ReadAllText(file))!;
            if (root["expected"]?["events"] is not JsonArray recorded || recorded.Count == 0)
            {
                continue;
            }

            StateGraph graph;
            try
            {
                graph = StateGraphBuilder.Build(root["definition"]!.AsObject());
            }
            catch (DefinitionException)
            {
                continue;
            }

            // The corpus keeps only type and name; rebuild the API's shape (ids, details) without previousEventId links.
            var events = new JsonArray();
            var id = 0;
            foreach (var e in recorded)
            {
                var type = e!["type"]!.ToString();
                var item = new JsonObject { ["id"] = ++id, ["type"] = type };
                if (e["name"] is { } name)
                {
                    var key = type.EndsWith("StateExited", StringComparison.Ordinal) ? "stateExitedEventDetails" : "stateEnteredEventDetails";
                    item[key] = new JsonObject { ["name"] = name.ToString() };
                }

                events.Add(item);
            }

            var overlay = ExecutionOverlay.Compute(graph, ExecutionHistory.Parse(new JsonObject { ["events"] = events }.ToJsonString()));
            var entered = recorded.Where(e => e!["type"]!.ToString().EndsWith("StateEntered", StringComparison.Ordinal))
                .Select(e => e!["name"]!.ToString());
            foreach (var name in entered)
            {
                Assert.NotEqual(StateStatus.NotReached, overlay.StatusOf(name));
            }

            var status = root["expected"]!["status"]!.ToString();
            if (recorded[^1]!["type"]!.ToString() is "ExecutionSucceeded" or "ExecutionFailed")
            {
                Assert.Equal(status, overlay.ExecutionStatus);
            }

            checkedHistories++;
        }

        Assert.True(checkedHistories > 100, $"only {checkedHistories} histories checked");
    }

    private static List<string> CorpusFiles()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "conformance", "cases");
            if (Directory.Exists(candidate))
            {
                return Directory.GetFiles(candidate, "*.json").Order(StringComparer.Ordinal).ToList();
            }
        }

        Assert.Skip("the shared conformance corpus (../shared/conformance/cases) is not on this machine");
        return [];
    }
}
