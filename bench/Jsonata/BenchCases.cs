using System.Text.Json.Nodes;
using Jsonata;

namespace ECommerce.Bench.Jsonata;

/// <summary>The order document and the named expressions of expressions.json, shared with node/bench.mjs.</summary>
internal sealed class BenchCases
{
    private BenchCases(JsonNode document, IReadOnlyList<(string Name, string Expression)> expressions)
    {
        Document = document;
        Expressions = expressions;
    }

    public JsonNode Document { get; }

    public IReadOnlyList<(string Name, string Expression)> Expressions { get; }

    public static BenchCases Load(string? path = null)
    {
        var root = JsonNode.Parse(File.ReadAllText(path ?? Path.Combine(AppContext.BaseDirectory, "expressions.json")))!;
        var expressions = root["expressions"]!.AsArray()
            .Select(e => ((string)e!["name"]!, (string)e["expression"]!))
            .ToList();
        return new BenchCases(root["document"]!, expressions);
    }

    public JsonataExpression Parse(string name) => JsonataExpression.Parse(Expressions.Single(e => e.Name == name).Expression);
}
