using System.Text.Json.Nodes;
using StatesLanguage.Json;

namespace StatesLanguage.Tests;

public class JsonPathTests
{
    private static readonly JsonNode Doc = JsonNode.Parse("""
        {"a":{"b":1},"items":[{"x":1,"n":"p"},{"x":2,"n":"q"},{"x":3,"n":"r"}],"weird key":true}
        """)!;

    [Theory]
    [InlineData("$.a.b", "1")]
    [InlineData("$['a']['b']", "1")]
    [InlineData("$.items[0].n", "\"p\"")]
    [InlineData("$.items[-1].x", "3")]
    [InlineData("$['weird key']", "true")]
    [InlineData("$.items[*].x", "[1,2,3]")]
    [InlineData("$.items[0:2].n", "[\"p\",\"q\"]")]
    [InlineData("$.items[1:].x", "[2,3]")]
    [InlineData("$..x", "[1,2,3]")]
    [InlineData("$.items[?(@.x > 1)].n", "[\"q\",\"r\"]")]
    [InlineData("$.items[?(@.n == 'p')].x", "[1]")]
    [InlineData("$.items[0,2].x", "[1,3]")]
    [InlineData("$.missing[*]", "[]")]
    public void TryEvaluate_SupportedSyntax_SelectsLikeAws(string path, string expected)
    {
        Assert.True(JsonPath.Parse(path).TryEvaluate(Doc, out var value));
        Assert.Equal(expected, JsonUtil.Serialize(value));
    }

    [Fact]
    public void TryEvaluate_DefinitePathMissing_ReturnsFalse() =>
        Assert.False(JsonPath.Parse("$.a.c").TryEvaluate(Doc, out _));

    [Theory]
    [InlineData("a.b")]
    [InlineData("$.items.length()")]
    [InlineData("$.a[")]
    public void TryParse_InvalidPath_ReportsReason(string path)
    {
        Assert.False(JsonPath.TryParse(path, out _, out var error));
        Assert.Contains(path, error);
    }

    [Fact]
    public void IsReferencePath_WildcardIsNot() =>
        Assert.False(JsonPath.Parse("$.a[*]").IsReferencePath);
}
