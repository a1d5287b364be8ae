using System.Text.Json.Nodes;
using Jsonata;

namespace Jsonata.Tests;

/// <summary>The input JsonNode is read lazily on each evaluation: never cached across calls, never written to.</summary>
public sealed class LazyInputTests
{
    [Fact]
    public void Evaluate_InputChangedBetweenCalls_SeesTheNewValue()
    {
        var input = JsonNode.Parse("""{"customer": {"tier": "silver"}}""")!;
        var expression = JsonataExpression.Parse("customer.tier");

        Assert.Equal("silver", (string?)expression.Evaluate(input));
        input["customer"]!["tier"] = "gold";
        Assert.Equal("gold", (string?)expression.Evaluate(input));
    }

    [Fact]
    public void Evaluate_TransformOfTheInput_LeavesTheCallersJsonUntouched()
    {
        var input = JsonNode.Parse("""{"order": {"status": "PENDING", "lines": [{"sku": "A"}]}}""")!;
        var before = input.ToJsonString();

        var result = JsonataExpression.Parse("""order ~> | $ | {"status": "DONE"}, ["lines"] |""").Evaluate(input);

        Assert.Equal("""{"status":"DONE"}""", result!.ToJsonString());
        Assert.Equal(before, input.ToJsonString());
    }

    [Fact]
    public void Evaluate_WholeObjectsAndKeys_KeepOrderNullsAndNesting()
    {
        var input = JsonNode.Parse("""{"b": 1, "a": null, "c": {"d": [true, "x", {"e": 2.5}]}}""")!;

        Assert.Equal("""["b","a","c"]""", JsonataExpression.Parse("$keys($)").Evaluate(input)!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(input, JsonataExpression.Parse("$").Evaluate(input)));
        Assert.Equal("""[1,null,{"d":[true,"x",{"e":2.5}]}]""", JsonataExpression.Parse("$each($, function($v) { $v })").Evaluate(input)!.ToJsonString());
        Assert.Equal(2.5, (double)JsonataExpression.Parse("c.d[2].e").Evaluate(input)!);
    }

    [Fact]
    public void Evaluate_SameInputFromManyThreads_GivesTheSameAnswers()
    {
        var input = JsonNode.Parse("""{"lines": [{"q": 1, "p": 2}, {"q": 3, "p": 4}, {"q": 5, "p": 6}]}""")!;
        var expression = JsonataExpression.Parse("$sum(lines.(q * p))");
        expression.Evaluate(input); // the JsonNode tree builds its own property tables on first read, which is not thread-safe

        var results = Enumerable.Range(0, 64).AsParallel().Select(_ => (double)expression.Evaluate(input)!).ToList();

        Assert.All(results, r => Assert.Equal(44, r));
    }
}
