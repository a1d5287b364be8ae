using System.Text.Json.Nodes;
using StatesLanguage.Intrinsics;
using StatesLanguage.Json;

namespace StatesLanguage.Tests;

public class IntrinsicFunctionTests
{
    private static string Eval(string expression, string input = "{}") =>
        JsonUtil.Serialize(IntrinsicFunctions.Evaluate(expression, JsonNode.Parse(input), new JsonObject { ["Execution"] = new JsonObject { ["Name"] = "run-1" } }));

    [Theory]
    // Examples from the AWS "Intrinsic functions" page.
    [InlineData("States.Format('Hello, my name is {}.', $.name)", """{"name":"Arnav"}""", "\"Hello, my name is Arnav.\"")]
    [InlineData("States.Format('{} and {}', 1, 'x')", "{}", "\"1 and x\"")]
    [InlineData("States.StringToJson($.s)", """{"s":"{\"number\": 20}"}""", """{"number":20}""")]
    [InlineData("States.JsonToString($.o)", """{"o":{"a":1}}""", "\"{\\\"a\\\":1}\"")]
    [InlineData("States.Array('Foo', 2020, $.b, null)", """{"b":true}""", """["Foo",2020,true,null]""")]
    [InlineData("States.ArrayPartition($.a, 4)", """{"a":[1,2,3,4,5,6,7,8,9]}""", "[[1,2,3,4],[5,6,7,8],[9]]")]
    [InlineData("States.ArrayContains($.a, 5)", """{"a":[1,2,3,4,5]}""", "true")]
    [InlineData("States.ArrayRange(1, 9, 2)", "{}", "[1,3,5,7,9]")]
    [InlineData("States.ArrayGetItem($.a, 1)", """{"a":[1,2,3]}""", "2")]
    [InlineData("States.ArrayLength($.a)", """{"a":[1,2,3]}""", "3")]
    [InlineData("States.ArrayUnique($.a)", """{"a":[1,2,3,3,3,3,3,3,4]}""", "[1,2,3,4]")]
    [InlineData("States.Base64Encode('Data to encode')", "{}", "\"RGF0YSB0byBlbmNvZGU=\"")]
    [InlineData("States.Base64Decode('RGVjb2RlZCBkYXRh')", "{}", "\"Decoded data\"")]
    [InlineData("States.Hash('input data', 'SHA-1')", "{}", "\"aaff4a450a104cd177d28d18d74485e8cae074b7\"")]
    [InlineData("States.JsonMerge($.a, $.b, false)", """{"a":{"x":1,"y":{"z":1}},"b":{"y":{"w":2}}}""", """{"x":1,"y":{"w":2}}""")]
    [InlineData("States.MathAdd(111, -1)", "{}", "110")]
    [InlineData("States.MathAdd(1.5, 1.49)", "{}", "3")]
    [InlineData("States.StringSplit('1,2,3,4,5', ',')", "{}", """["1","2","3","4","5"]""")]
    [InlineData("States.ArrayGetItem(States.StringSplit($$.Execution.Name, '-'), 1)", "{}", "\"1\"")]
    public void Evaluate_AwsDocExamples_MatchAws(string expression, string input, string expected) =>
        Assert.Equal(expected, Eval(expression, input));

    [Fact]
    public void MathRandom_WithSeed_IsWithinRangeAndRepeatable()
    {
        var a = Eval("States.MathRandom(1, 999, 42)");
        Assert.Equal(a, Eval("States.MathRandom(1, 999, 42)"));
        Assert.InRange(int.Parse(a, System.Globalization.CultureInfo.InvariantCulture), 1, 998);
    }

    [Fact]
    public void Uuid_ReturnsVersion4Guid() => Assert.True(Guid.TryParse(Eval("States.UUID()").Trim('"'), out _));

    [Theory]
    [InlineData("States.ArrayGetItem($.a, 5)", """{"a":[1]}""")]
    [InlineData("States.MathAdd('a', 1)", "{}")]
    [InlineData("States.JsonMerge($.a, $.a, true)", """{"a":{}}""")]
    [InlineData("States.Format('{}')", "{}")]
    [InlineData("States.Hash('x', 'SHA-999')", "{}")]
    [InlineData("States.Nope(1)", "{}")]
    public void Evaluate_BadArguments_ThrowsIntrinsicFailure(string expression, string input)
    {
        var ex = Assert.Throws<StatesException>(() => Eval(expression, input));
        Assert.Equal("States.IntrinsicFailure", ex.Error);
    }
}
