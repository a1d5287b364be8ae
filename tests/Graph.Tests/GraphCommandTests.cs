using System.Text.Json.Nodes;
using System.Xml.Linq;
using StateMachineGraph.Cli;

namespace StateMachineGraph.Tests;

public sealed class GraphCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("graph-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Run_DefinitionOnly_WritesSvgToStdout()
    {
        var (code, stdout, stderr) = Run(Fixtures.PathOf("saga.asl.json"));

        Assert.Equal(GraphCommand.Success, code);
        Assert.Empty(stderr);
        Assert.Equal("svg", XDocument.Parse(stdout).Root!.Name.LocalName);
    }

    [Theory]
    [InlineData("mermaid", "flowchart TD")]
    [InlineData("dot", "digraph StateMachine {")]
    public void Run_Format_SelectsTheRenderer(string format, string expectedStart)
    {
        var (code, stdout, _) = Run(Fixtures.PathOf("parallel-map.asl.json"), "--format", format);

        Assert.Equal(GraphCommand.Success, code);
        Assert.StartsWith(expectedStart, stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_HistoryAndOutput_WritesTheOverlayToTheFile()
    {
        var history = Path.Combine(_dir, "history.json");
        File.WriteAllText(history, new HistoryBuilder().Started().Task("ReserveInventory")
            .Task("ChargePayment", caught: true, "PaymentDeclined").ToJson());
        var output = Path.Combine(_dir, "out.mmd");

        var (code, stdout, stderr) = Run(Fixtures.PathOf("saga.asl.json"), "--format", "mermaid", "--history", history, "--output", output);

        Assert.Equal(GraphCommand.Success, code);
        Assert.Empty(stdout);
        Assert.Empty(stderr);
        Assert.Contains("class n_ChargePayment caught;", File.ReadAllText(output), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_YamlDefinition_IsRendered()
    {
        var yaml = Path.Combine(_dir, "machine.asl.yaml");
        File.WriteAllText(yaml, "StartAt: A\nStates:\n  A:\n    Type: Wait\n    Seconds: 1\n    End: true\n");

        var (code, stdout, _) = Run(yaml, "--format", "dot");

        Assert.Equal(GraphCommand.Success, code);
        Assert.Contains("\"A\" -> \"__end\"", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_InvalidJson_NamesTheFileLineAndPositionAndExitsWithOne()
    {
        var bad = Path.Combine(_dir, "bad.asl.json");
        File.WriteAllText(bad, "{\n  \"StartAt\": \"A\",\n  \"States\": {,\n}");

        var (code, stdout, stderr) = Run(bad);

        Assert.Equal(GraphCommand.InvalidInput, code);
        Assert.Empty(stdout);
        Assert.Contains(bad, stderr, StringComparison.Ordinal);
        Assert.Contains("line 3, position", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_MissingFile_NamesTheFileAndExitsWithOne()
    {
        var missing = Path.Combine(_dir, "nope.asl.json");

        var (code, _, stderr) = Run(missing);

        Assert.Equal(GraphCommand.InvalidInput, code);
        Assert.Contains(missing, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_BrokenHistory_NamesTheHistoryFile()
    {
        var history = Path.Combine(_dir, "history.json");
        File.WriteAllText(history, new JsonObject { ["events"] = new JsonArray(new JsonObject { ["id"] = 1 }) }.ToJsonString());

        var (code, _, stderr) = Run(Fixtures.PathOf("saga.asl.json"), "--history", history);

        Assert.Equal(GraphCommand.InvalidInput, code);
        Assert.Contains(history, stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData]
    [InlineData("a.json", "--format", "png")]
    [InlineData("a.json", "--history")]
    [InlineData("a.json", "b.json")]
    [InlineData("a.json", "--verbose")]
    public void Run_BadUsage_PrintsUsageAndExitsWithTwo(params string[] args)
    {
        var (code, _, stderr) = Run(args);

        Assert.Equal(GraphCommand.UsageError, code);
        Assert.Contains("usage: graph", stderr, StringComparison.Ordinal);
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = GraphCommand.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
