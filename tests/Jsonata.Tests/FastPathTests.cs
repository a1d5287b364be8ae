using System.Text.Json.Nodes;
using Jsonata;

namespace Jsonata.Tests;

/// <summary>The shortcuts taken for speed must give exactly what the general evaluator gives.</summary>
public sealed class FastPathTests
{
    private static readonly JsonNode Document = JsonNode.Parse("""
        {"orderId": "o-1", "customer": {"email": "a@b.c", "address": {"city": "Paris", "zip": null}, "tags": ["x", "y"],
         "total": 8.0, "vip": true, "nested": {"lines": [{"sku": "S1"}, {"sku": "S2"}]}},
         "lines": [{"sku": "S1", "q": 1}, {"sku": "S2", "q": 2}], "empty": [], "nothing": null, "n": 1.50}
        """)!;

    // Forcing a depth limit turns the simple-path shortcut off, so the same expression runs through the evaluator.
    private static readonly JsonataOptions General = new() { MaxDepth = 10_000 };

    public static TheoryData<string> Paths =>
    [
        "orderId", "customer", "customer.email", "customer.address.city", "customer.address.zip", "customer.address.zip.x",
        "customer.email.length", "customer.tags", "customer.total", "customer.vip", "customer.nested.lines.sku", "lines",
        "lines.sku", "empty", "empty.x", "nothing", "nothing.x", "missing", "missing.x", "n", "`customer`.`email`",
        "$", "$.customer.email", "$$.orderId", "$states.input.customer.address.city", "$states.input", "$states.missing",
        "$states.input.lines.sku", "$nobody.x", "$arr", "$arr.x", "$text.x", "$nil", "$nil.x", "$string",
    ];

    private static Dictionary<string, JsonNode?> Bindings() => new()
    {
        ["states"] = new JsonObject { ["input"] = Document.DeepClone() },
        ["arr"] = new JsonArray(new JsonObject { ["x"] = 1 }, new JsonObject { ["x"] = 2 }),
        ["text"] = "abc",
        ["nil"] = null,
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public void SimplePath_GivesWhatTheEvaluatorGives(string expression)
    {
        var parsed = JsonataExpression.Parse(expression);

        var fast = parsed.EvaluateResult(Document, Bindings());
        var general = parsed.EvaluateResult(Document, Bindings(), General);

        Assert.Equal(general.IsUndefined, fast.IsUndefined);
        Assert.Equal(general.Value?.ToJsonString(), fast.Value?.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void SimplePath_WithoutInput_GivesWhatTheEvaluatorGives(string expression)
    {
        var parsed = JsonataExpression.Parse(expression);

        var fast = parsed.EvaluateWithoutInput(Bindings());
        var general = parsed.EvaluateWithoutInput(Bindings(), General);

        Assert.Equal(general.IsUndefined, fast.IsUndefined);
        Assert.Equal(general.Value?.ToJsonString(), fast.Value?.ToJsonString());
    }

    [Fact]
    public void SimplePath_ResultIsDetachedFromTheInput()
    {
        var result = JsonataExpression.Parse("customer.address").Evaluate(Document)!;

        result["city"] = "Lyon";

        Assert.Equal("Paris", (string)Document["customer"]!["address"]!["city"]!);
        Assert.Null(result.Parent);
    }

    [Fact]
    public void SimplePath_OverArrayInput_MapsEachItem()
    {
        var input = JsonNode.Parse("""[{"a": {"b": 1}}, {"a": {"b": 2}}]""");

        var result = JsonataExpression.Parse("a.b").Evaluate(input);

        Assert.Equal("[1,2]", result!.ToJsonString());
    }

    public static TheoryData<string> Timestamps =>
    [
        "2026-11-23T12:34:56.789Z", "2026", "2026-11", "2026-11-23", "2026-31", "2026-02-30", "2024-02-29", "0000-01-01",
        "2026-11-23T24:00:00", "2026-11-23T24:00:01", "2026-11-23T23:59:59+05:30", "2026-11-23T23:59:59-0130",
        "2026-11-23T12:34:56.1Z", "2026-11-23T12:34:56.123456789", "2026-05:30", "2026-13-01", "2026-00-10",
        "2026-11-23T12:34:56.789+24:00", "2026-11-23.5", "2026T10:00:00Z", "1970-01-01T00:00:00.0005Z",
        "2026-11-23T12:34", "2026-11-23 12:34:56", "2026-11-23T12:34:56.Z", "9999-12-31T23:59:59.999Z",
        "2026-11-23T12:34:56Z\n", "２０２６-11-23", "2026-11-23T32:00:00", "2026-11-23T12:60:00", "2026-1", "",
        "2026-11-23T12:34:56+3", "2026-11-23T12:34:56+30:00", "2026-11-23T12:34:56-01:60", "12345",
    ];

    [Theory]
    [MemberData(nameof(Timestamps))]
    public void ToMillis_HandParsedTimestamp_MatchesTheRegexPath(string timestamp)
    {
        var now = DateTimeOffset.UnixEpoch;

        Assert.Equal(Outcome(() => DateTimeFormatter.ToMillisByRegex(timestamp)), Outcome(() => DateTimeFormatter.ToMillis(timestamp, null, now)));
    }

    [Fact]
    public void ToMillis_RandomTimestamps_MatchTheRegexPath()
    {
        var random = new Random(14);
        var now = DateTimeOffset.UnixEpoch;
        for (var i = 0; i < 5000; i++)
        {
            var fraction = new string([.. Enumerable.Range(0, random.Next(1, 20)).Select(_ => (char)('0' + random.Next(10)))]);
            var offset = random.Next(3) switch { 0 => "Z", 1 => $"+{random.Next(24):00}:{random.Next(60):00}", _ => "" };
            var timestamp = $"{random.Next(1, 10000):0000}-{random.Next(1, 13):00}-{random.Next(1, 32):00}" +
                $"T{random.Next(25):00}:{random.Next(60):00}:{random.Next(60):00}.{fraction}{offset}";

            Assert.Equal(Outcome(() => DateTimeFormatter.ToMillisByRegex(timestamp)), Outcome(() => DateTimeFormatter.ToMillis(timestamp, null, now)));
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("-0.0")]
    [InlineData("5.75")]
    [InlineData("8.0")]
    [InlineData("0.1")]
    [InlineData("0.3")]
    [InlineData("123456789012345")]
    [InlineData("1234567890123456")]
    [InlineData("9007199254740993")]
    [InlineData("0.000000000000001")]
    [InlineData("1.5e3")]
    [InlineData("-2.5E-7")]
    [InlineData("179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000")]
    public void NumberFromTheInput_IsTheDoubleAFullParseGives(string text)
    {
        var read = (double)Values.FromElement(System.Text.Json.JsonDocument.Parse(text).RootElement)!;

        Assert.Equal(BitConverter.DoubleToInt64Bits(double.Parse(text, System.Globalization.CultureInfo.InvariantCulture)), BitConverter.DoubleToInt64Bits(read));
    }

    [Fact]
    public void NumbersFromTheInput_RandomDecimals_AreTheDoublesAFullParseGives()
    {
        var random = new Random(14);
        for (var i = 0; i < 20_000; i++)
        {
            var intDigits = random.Next(1, 12);
            var fracDigits = random.Next(0, 10);
            var text = (random.Next(2) == 0 ? "-" : "") + random.NextInt64(0, (long)Math.Pow(10, intDigits)) +
                (fracDigits > 0 ? "." + random.NextInt64(0, (long)Math.Pow(10, fracDigits)).ToString(new string('0', fracDigits)) : "");

            var read = (double)Values.FromElement(System.Text.Json.JsonDocument.Parse(text).RootElement)!;

            Assert.Equal(BitConverter.DoubleToInt64Bits(double.Parse(text, System.Globalization.CultureInfo.InvariantCulture)), BitConverter.DoubleToInt64Bits(read));
        }
    }

    [Fact]
    public void ToMillis_OrderTimestamp_IsTheReferenceValue()
    {
        var result = JsonataExpression.Parse("$toMillis('2026-11-23T12:34:56.789Z')").Evaluate(null);

        Assert.Equal(1795437296789d, result!.GetValue<double>());
    }

    [Theory]
    [InlineData("($x := 2; $x * 3)", "6")]
    [InlineData("($eval('$y := 5'); $y)", "5")]
    [InlineData("lines.(q * 10)", "[10,20]")]
    [InlineData("lines.($f := function($v) { $v + 1 }; $f(q))", "[2,3]")]
    [InlineData("($x := 1; (q); $x)", "1")]
    [InlineData("$map(lines, function($l, $i) { $l.sku & $i })", "[\"S10\",\"S21\"]")]
    [InlineData("$map(lines, function($l) { $l.sku })", "[\"S1\",\"S2\"]")]
    [InlineData("$filter(lines, function($l, $i, $a) { $count($a) = 2 and $i = 1 }).sku", "\"S2\"")]
    [InlineData("$sum(lines.q)", "3")]
    [InlineData("$string(customer.total)", "\"8\"")]
    [InlineData("customer ~> $keys()", "[\"email\",\"address\",\"tags\",\"total\",\"vip\",\"nested\"]")]
    public void Shortcuts_KeepTheLanguageSemantics(string expression, string expected)
    {
        var result = JsonataExpression.Parse(expression).Evaluate(Document);

        Assert.Equal(expected, result?.ToJsonString());
    }

    [Fact]
    public void WrappedObject_ChangedAfterReads_KeepsOrderAndValues()
    {
        var wrapped = JObject.Wrap(JsonNode.Parse("""{"a": 1, "b": {"c": 2}, "d": null}""")!.AsObject());
        Assert.True(wrapped.TryGetValue("b", out var b));

        wrapped["e"] = "x";
        wrapped["a"] = 10d;
        Assert.True(wrapped.Remove("d"));

        Assert.Same(b, wrapped["b"]);
        Assert.Equal(["a", "b", "e"], wrapped.Keys);
        Assert.Equal("{\"a\":10,\"b\":{\"c\":2},\"e\":\"x\"}", Values.ToNode(wrapped)!.ToJsonString());
    }

    [Fact]
    public void WrappedObject_ReadAgain_GivesEqualValuesAndTheSameContainers()
    {
        var wrapped = JObject.Wrap(JsonNode.Parse("""{"s": "text", "n": 2, "o": {"x": 1}, "a": [1, 2], "z": null}""")!.AsObject());

        var first = new[] { "s", "n", "o", "a", "z" }.Select(k => wrapped[k]).ToList();
        var second = new[] { "z", "a", "o", "n", "s" }.Select(k => wrapped[k]).Reverse().ToList();

        Assert.Equal(first, second);
        Assert.Same(first[2], second[2]);
        Assert.Same(first[3], second[3]);
        Assert.Same(JNull.Value, second[4]);
        Assert.Equal(["s", "n", "o", "a", "z"], wrapped.Select(kv => kv.Key));
    }

    [Fact]
    public void BuiltObject_BeyondTheLinearSearchSize_FindsEveryKeyAfterRemovals()
    {
        var obj = new JObject();
        for (var i = 0; i < 20; i++) obj["k" + i] = (double)i;

        Assert.True(obj.Remove("k3"));
        Assert.True(obj.Remove("k15"));
        obj["k3"] = 33d;

        Assert.Equal(19, obj.Count);
        Assert.False(obj.ContainsKey("k15"));
        Assert.Equal(33d, obj["k3"]);
        Assert.Equal(19d, obj["k19"]);
        Assert.Equal("k3", obj.Keys.Last());
        Assert.Throws<ArgumentException>(() => obj.Add("k0", 0d));
    }

    [Fact]
    public void Frame_WithManyBindings_FindsEachAndTheLatestValue()
    {
        var parent = new Frame(null);
        parent.Bind("outer", "o");
        var frame = new Frame(parent);
        for (var i = 0; i < 5; i++) frame.Bind("v" + i, (double)i);
        frame.Bind("v0", "again");
        frame.Bind("v4", "last");

        Assert.Equal("again", frame.Lookup("v0"));
        Assert.Equal(2d, frame.Lookup("v2"));
        Assert.Equal("last", frame.Lookup("v4"));
        Assert.Equal("o", frame.Lookup("outer"));
        Assert.True(frame.IsBound("v3"));
        Assert.False(frame.IsBound("missing"));
    }

    private static string Outcome(Func<object?> action)
    {
        try
        {
            return action() switch
            {
                null => "undefined",
                double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                var other => other.ToString() ?? string.Empty,
            };
        }
        catch (JsonataException ex)
        {
            return "error " + ex.Code;
        }
    }
}
