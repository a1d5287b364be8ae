using System.Diagnostics;
using System.Text.Json.Nodes;
using Jsonata;

namespace Jsonata.Tests;

public sealed class JsonataExpressionTests
{
    private static readonly JsonNode Order = JsonNode.Parse("""
        {"orderId": "o-1", "orders": [{"price": 2.5, "qty": 2}, {"price": 10, "qty": 1}],
         "lines": [{"sku": "SKU-1", "quantity": 2}, {"sku": "SKU-2", "quantity": 1}], "note": null}
        """)!;

    [Fact]
    public void Evaluate_SumOverPath_ReturnsTotal()
    {
        var result = JsonataExpression.Parse("$sum(orders.(price * qty))").Evaluate(Order);
        Assert.Equal(15, result!.GetValue<double>());
    }

    [Fact]
    public void Evaluate_ObjectConstruction_BuildsJson()
    {
        var result = JsonataExpression.Parse("{'id': orderId, 'skus': lines.sku, 'count': $count(lines)}").Evaluate(Order);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"id":"o-1","skus":["SKU-1","SKU-2"],"count":2}"""), result));
    }

    [Fact]
    public void EvaluateResult_MissingField_IsUndefined()
    {
        var result = JsonataExpression.Parse("missing").EvaluateResult(Order);
        Assert.True(result.IsUndefined);
        Assert.Null(result.Value);
    }

    [Fact]
    public void EvaluateResult_NullField_IsJsonNullNotUndefined()
    {
        var result = JsonataExpression.Parse("note").EvaluateResult(Order);
        Assert.False(result.IsUndefined);
        Assert.Null(result.Value);
    }

    [Fact]
    public void Evaluate_Bindings_AreVisibleAsVariables()
    {
        var bindings = new Dictionary<string, JsonNode?> { ["rate"] = JsonValue.Create(0.5), ["label"] = JsonValue.Create("x") };
        var result = JsonataExpression.Parse("$label & ':' & $string($sum(orders.price) * $rate)").Evaluate(Order, bindings);
        Assert.Equal("x:6.25", result!.GetValue<string>());
    }

    [Fact]
    public void RegisterFunction_ExtraFunction_IsCallableWithSignatureValidation()
    {
        var expr = JsonataExpression.Parse("$double(21)").RegisterFunction(
            "double", args => new EvaluateResult(JsonValue.Create(args[0]!.GetValue<double>() * 2), false), "<n:n>");
        Assert.Equal(42, expr.Evaluate(null)!.GetValue<double>());

        var bad = JsonataExpression.Parse("$double('a')").RegisterFunction(
            "double", args => new EvaluateResult(JsonValue.Create(0), false), "<n:n>");
        var ex = Assert.Throws<JsonataException>(() => bad.Evaluate(null));
        Assert.Equal("T0410", ex.Code);
        Assert.Equal("double", ex.Token);
    }

    [Fact]
    public void RegisterFunction_ReturningUndefined_YieldsUndefined()
    {
        var expr = JsonataExpression.Parse("$nothing()").RegisterFunction("nothing", _ => EvaluateResult.Undefined);
        Assert.True(expr.EvaluateResult(Order).IsUndefined);
    }

    [Fact]
    public void RegisterFunction_UsableAsHigherOrderArgument()
    {
        var expr = JsonataExpression.Parse("$map([1, 2, 3], $inc)").RegisterFunction(
            "inc", args => new EvaluateResult(JsonValue.Create(args[0]!.GetValue<double>() + 1), false), "<n:n>");
        Assert.Equal("[2,3,4]", expr.Evaluate(null)!.ToJsonString());
    }

    [Fact]
    public void Parse_SyntaxError_ThrowsWithCodeAndPosition()
    {
        var ex = Assert.Throws<JsonataException>(() => JsonataExpression.Parse("orders[price > 1"));
        Assert.Equal("S0203", ex.Code);
        Assert.NotNull(ex.Position);
    }

    [Fact]
    public void Evaluate_TypeError_CarriesCodeTokenAndMessage()
    {
        var ex = Assert.Throws<JsonataException>(() => JsonataExpression.Parse("orderId + 1").Evaluate(Order));
        Assert.Equal("T2001", ex.Code);
        Assert.Equal("+", ex.Token);
        Assert.Equal("The left side of the \"+\" operator must evaluate to a number", ex.Message);
    }

    [Fact]
    public void Evaluate_ErrorFunction_RaisesD3137WithMessage()
    {
        var ex = Assert.Throws<JsonataException>(() => JsonataExpression.Parse("$error('out of stock')").Evaluate(Order));
        Assert.Equal("D3137", ex.Code);
        Assert.Equal("out of stock", ex.Message);
    }

    [Fact]
    public void Evaluate_InfiniteRecursionWithDepthLimit_RaisesU1001()
    {
        var expr = JsonataExpression.Parse("($f := function($n){ $n + $f($n - 1) }; $f(1))");
        var ex = Assert.Throws<JsonataException>(() => expr.Evaluate(null, options: new JsonataOptions { MaxDepth = 200 }));
        Assert.Equal("U1001", ex.Code);
    }

    [Fact]
    public void Evaluate_InfiniteRecursionWithoutLimit_RaisesU1001InsteadOfCrashing()
    {
        var expr = JsonataExpression.Parse("($f := function($n){ $n + $f($n - 1) }; $f(1))");
        var ex = Assert.Throws<JsonataException>(() => expr.Evaluate(null));
        Assert.Equal("U1001", ex.Code);
    }

    [Fact]
    public void Evaluate_EndlessTailLoop_StopsAtTimeLimitWithD1012()
    {
        var expr = JsonataExpression.Parse("($loop := function(){ $loop() }; $loop())");
        var sw = Stopwatch.StartNew();
        var ex = Assert.Throws<JsonataException>(() => expr.Evaluate(null, options: new JsonataOptions { TimeLimit = TimeSpan.FromMilliseconds(100) }));
        Assert.Equal("D1012", ex.Code);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Evaluate_NowWithFixedInstant_FormatsThatInstant()
    {
        var options = new JsonataOptions { Now = new DateTimeOffset(2024, 2, 29, 13, 5, 0, TimeSpan.Zero) };
        var result = JsonataExpression.Parse("[$now(), $millis(), $now('[D01]/[M01]/[Y0001] [h]:[m01][P]')]").Evaluate(null, options: options);
        Assert.Equal("""["2024-02-29T13:05:00.000Z",1709211900000,"29/02/2024 1:05pm"]""", result!.ToJsonString());
    }

    [Fact]
    public void Evaluate_ParsedOnce_CanRunConcurrently()
    {
        var expr = JsonataExpression.Parse("$sum(orders.(price * qty)) + $x");
        var results = Enumerable.Range(0, 64).AsParallel().Select(i =>
            expr.Evaluate(Order, new Dictionary<string, JsonNode?> { ["x"] = JsonValue.Create(i) })!.GetValue<double>()).ToList();
        Assert.Equal(Enumerable.Range(0, 64).Select(i => 15.0 + i).OrderBy(v => v), results.OrderBy(v => v));
    }

    [Fact]
    public void Evaluate_InputIsNotModified_ByTransform()
    {
        var input = JsonNode.Parse("""{"a": {"b": 1}}""")!;
        var result = JsonataExpression.Parse("$ ~> |a|{'b': 2}|").Evaluate(input);
        Assert.Equal(2, result!["a"]!["b"]!.GetValue<double>());
        Assert.Equal(1, input["a"]!["b"]!.GetValue<double>());
    }
}
