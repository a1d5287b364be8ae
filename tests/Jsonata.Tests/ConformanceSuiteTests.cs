using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jsonata;

namespace Jsonata.Tests;

/// <summary>Runs the reference implementation's language-neutral test suite (shared/jsonata-suite).</summary>
public sealed class ConformanceSuiteTests
{
    private const double RequiredPassRate = 0.99;

    [Fact]
    public void OfficialSuite_PassRate_IsAtLeast99Percent()
    {
        var suiteDir = SuiteLocator.Find();
        if (suiteDir == null)
        {
            Assert.Skip("shared/jsonata-suite was not found beside the repository (../shared/jsonata-suite)");
            return;
        }
        var runner = new SuiteRunner(suiteDir);
        var outcomes = runner.RunAll();
        var output = TestContext.Current.TestOutputHelper;
        var report = SuiteRunner.Report(outcomes);
        output?.WriteLine(report);
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "jsonata-suite-report.txt"), report);

        var passed = outcomes.Count(o => o.Passed);
        var rate = (double)passed / outcomes.Count;
        Assert.True(outcomes.Count >= 1686, $"expected at least 1686 cases, found {outcomes.Count}");
        Assert.True(rate >= RequiredPassRate, $"pass rate {rate:P2} ({passed}/{outcomes.Count}) is below {RequiredPassRate:P0}; see the test output");
    }
}

internal static class SuiteLocator
{
    public static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ECommerce.sln")))
            {
                var suite = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "jsonata-suite"));
                return Directory.Exists(Path.Combine(suite, "groups")) ? suite : null;
            }
        }
        return null;
    }
}

internal sealed record CaseOutcome(string Group, string CasePath, string Expression, bool Passed, string Expected, string Got, TimeSpan Elapsed);

internal sealed class SuiteRunner(string suiteDir)
{
    private readonly Dictionary<string, JsonNode?> _datasets = Directory
        .GetFiles(Path.Combine(suiteDir, "datasets"), "*.json")
        .ToDictionary(f => Path.GetFileNameWithoutExtension(f), f => JsonNode.Parse(File.ReadAllText(f)));

    public List<CaseOutcome> RunAll()
    {
        var outcomes = new List<CaseOutcome>();
        foreach (var groupDir in Directory.GetDirectories(Path.Combine(suiteDir, "groups")).OrderBy(d => d, StringComparer.Ordinal))
        {
            var group = Path.GetFileName(groupDir);
            foreach (var file in Directory.GetFiles(groupDir, "*.json").OrderBy(f => f, StringComparer.Ordinal))
            {
                var node = JsonNode.Parse(File.ReadAllText(file));
                var cases = node is JsonArray arr ? arr.Select(n => n!.AsObject()).ToList() : [node!.AsObject()];
                for (var i = 0; i < cases.Count; i++)
                {
                    var path = $"{group}/{Path.GetFileName(file)}" + (cases.Count > 1 ? $"[{i}]" : string.Empty);
                    outcomes.Add(RunCase(group, path, groupDir, cases[i]));
                }
            }
        }
        return outcomes;
    }

    public CaseOutcome RunCase(string group, string path, string groupDir, JsonObject testCase)
    {
        var expr = (testCase["expr"] is JsonValue e ? Values.ReadString(e.GetValue<JsonElement>()) : null)
                   ?? File.ReadAllText(Path.Combine(groupDir, testCase["expr-file"]!.GetValue<string>()));
        var expected = Describe(testCase);
        var sw = Stopwatch.StartNew();
        try
        {
            var options = new JsonataOptions
            {
                MaxDepth = testCase["depth"]?.GetValue<int>(),
                TimeLimit = testCase["timelimit"] is { } t ? TimeSpan.FromMilliseconds(t.GetValue<double>()) : null,
            };
            var bindings = testCase["bindings"] is JsonObject b
                ? b.ToDictionary(kv => kv.Key, kv => kv.Value?.DeepClone())
                : null;
            var expression = JsonataExpression.Parse(expr);
            EvaluateResult result;
            if (testCase.ContainsKey("data"))
            {
                result = expression.EvaluateResult(testCase["data"]?.DeepClone(), bindings, options);
            }
            else if (testCase["dataset"] is JsonValue ds)
            {
                result = expression.EvaluateResult(_datasets[ds.GetValue<string>()]?.DeepClone(), bindings, options);
            }
            else
            {
                result = expression.EvaluateWithoutInput(bindings, options);
            }
            var got = result.IsUndefined ? "undefined" : Json(result.Value);
            bool passed;
            if (testCase["undefinedResult"] is JsonValue u && u.GetValue<bool>()) passed = result.IsUndefined;
            else if (testCase.ContainsKey("result")) passed = !result.IsUndefined && JsonEquals(testCase["result"], result.Value);
            else passed = false;
            return new CaseOutcome(group, path, expr, passed, expected, got, sw.Elapsed);
        }
        catch (JsonataException ex)
        {
            var got = $"error {ex.Code} (token {ex.Token}, position {ex.Position}): {ex.Message}";
            return new CaseOutcome(group, path, expr, ErrorMatches(testCase, ex), expected, got, sw.Elapsed);
        }
        catch (Exception ex)
        {
            return new CaseOutcome(group, path, expr, false, expected, $"crash {ex.GetType().Name}: {ex.Message}", sw.Elapsed);
        }
    }

    private static bool ErrorMatches(JsonObject testCase, JsonataException ex)
    {
        if (testCase["code"] is JsonValue code)
        {
            return CodeMatches(testCase, code.GetValue<string>(), ex.Code);
        }
        if (testCase["error"] is JsonObject error)
        {
            if (error["code"] is JsonValue c && !CodeMatches(testCase, c.GetValue<string>(), ex.Code)) return false;
            if (error["token"] is JsonValue tk && tk.GetValue<string>() != ex.Token) return false;
            if (error["message"] is JsonValue m && m.GetValue<string>() != ex.Message) return false;
            if (error["position"] is JsonValue p && p.GetValue<int>() != ex.Position) return false;
            return true;
        }
        return false;
    }

    // The reference runner's timebox reports both its depth and its time limit as U1001; this evaluator reports an
    // exceeded time limit as D1012 (the library's own code), so U1001 is met by D1012 where the case sets a time limit.
    private static bool CodeMatches(JsonObject testCase, string expected, string actual) =>
        expected == actual || (expected == "U1001" && actual == "D1012" && testCase.ContainsKey("timelimit"));

    private static string Describe(JsonObject testCase)
    {
        if (testCase["undefinedResult"] is JsonValue) return "undefined";
        if (testCase.ContainsKey("result")) return Json(testCase["result"]);
        if (testCase["code"] is JsonValue code) return "error " + code.GetValue<string>();
        if (testCase["error"] is JsonObject error) return "error " + Json(error);
        return "?";
    }

    private static string Json(JsonNode? node)
    {
        string s;
        try
        {
            s = node?.ToJsonString() ?? "null";
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            s = "(JSON holding a lone surrogate)";
        }
        return s.Length > 300 ? s[..300] + "..." : s;
    }

    public static bool JsonEquals(JsonNode? expected, JsonNode? actual)
    {
        switch (expected)
        {
            case null:
                return actual == null;
            case JsonObject eo:
                if (actual is not JsonObject ao || eo.Count != ao.Count) return false;
                foreach (var kv in eo)
                {
                    if (!ao.TryGetPropertyValue(kv.Key, out var av) || !JsonEquals(kv.Value, av)) return false;
                }
                return true;
            case JsonArray ea:
                if (actual is not JsonArray aa || ea.Count != aa.Count) return false;
                for (var i = 0; i < ea.Count; i++)
                {
                    if (!JsonEquals(ea[i], aa[i])) return false;
                }
                return true;
            default:
                if (actual is not JsonValue av2) return false;
                var ek = expected.GetValueKind();
                var ak = av2.GetValueKind();
                if (ek == JsonValueKind.Number && ak == JsonValueKind.Number)
                {
                    return ToDouble(expected) == ToDouble(av2);
                }
                if (ek == JsonValueKind.String && ak == JsonValueKind.String)
                {
                    return Values.ReadString(expected.GetValue<JsonElement>()) == av2.GetValue<string>();
                }
                return ek == ak && expected.ToJsonString() == av2.ToJsonString();
        }
    }

    private static double ToDouble(JsonNode node) =>
        double.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    public static string Report(List<CaseOutcome> outcomes)
    {
        var sb = new StringBuilder();
        var passed = outcomes.Count(o => o.Passed);
        sb.AppendLine(CultureInfo.InvariantCulture, $"JSONata suite: {passed}/{outcomes.Count} passed ({100.0 * passed / outcomes.Count:F2}%)");
        foreach (var g in outcomes.GroupBy(o => o.Group))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"  {g.Key}: {g.Count(o => o.Passed)}/{g.Count()}");
        }
        sb.AppendLine("Failures:");
        foreach (var f in outcomes.Where(o => !o.Passed))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"- {f.CasePath}\n    expr:     {f.Expression.ReplaceLineEndings(" ")}\n    expected: {f.Expected}\n    got:      {f.Got}");
        }
        var slow = outcomes.OrderByDescending(o => o.Elapsed).Take(5);
        sb.AppendLine("Slowest:");
        foreach (var s in slow) sb.AppendLine(CultureInfo.InvariantCulture, $"  {s.CasePath}: {s.Elapsed.TotalMilliseconds:F0} ms");
        return sb.ToString();
    }
}
