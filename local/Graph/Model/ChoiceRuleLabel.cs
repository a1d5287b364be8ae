using System.Globalization;
using System.Text.Json.Nodes;

namespace StateMachineGraph.Model;

/// <summary>Turns a Choice rule (JSONPath comparison, And/Or/Not, or a JSONata Condition) into a short edge label.</summary>
public static class ChoiceRuleLabel
{
    public const int MaxLength = 48;

    private static readonly (string Operator, string Symbol)[] Comparisons =
    [
        ("Equals", "=="),
        ("LessThanEquals", "<="),
        ("GreaterThanEquals", ">="),
        ("LessThan", "<"),
        ("GreaterThan", ">"),
    ];

    private static readonly string[] ValueTypes = ["String", "Numeric", "Boolean", "Timestamp"];

    public static string For(JsonObject rule) => Shorten(Describe(rule));

    internal static string Shorten(string label) =>
        label.Length <= MaxLength ? label : string.Concat(label.AsSpan(0, MaxLength - 1), "…");

    private static string Describe(JsonObject rule)
    {
        if (rule["Condition"] is JsonValue condition)
        {
            return StripJsonata(condition.ToString());
        }

        if (rule["And"] is JsonArray and)
        {
            return Join(and, " && ");
        }

        if (rule["Or"] is JsonArray or)
        {
            return Join(or, " || ");
        }

        if (rule["Not"] is JsonObject not)
        {
            return "!(" + Describe(not) + ")";
        }

        var variable = rule["Variable"]?.ToString() ?? "?";
        foreach (var (key, value) in rule)
        {
            var text = DescribeOperator(variable, key, value);
            if (text is not null)
            {
                return text;
            }
        }

        return variable;
    }

    private static string? DescribeOperator(string variable, string key, JsonNode? value)
    {
        switch (key)
        {
            case "IsNull":
                return IsTrue(value) ? $"{variable} is null" : $"{variable} is not null";
            case "IsPresent":
                return IsTrue(value) ? $"{variable} is present" : $"{variable} is absent";
            case "IsString" or "IsNumeric" or "IsBoolean" or "IsTimestamp":
                var type = key[2..].ToLowerInvariant();
                return IsTrue(value) ? $"{variable} is {type}" : $"{variable} is not {type}";
            case "StringMatches":
                return $"{variable} matches {Literal(value)}";
        }

        foreach (var valueType in ValueTypes)
        {
            if (!key.StartsWith(valueType, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = key[valueType.Length..];
            var isPath = rest.EndsWith("Path", StringComparison.Ordinal);
            var operatorName = isPath ? rest[..^4] : rest;
            foreach (var (name, symbol) in Comparisons)
            {
                if (operatorName == name)
                {
                    var operand = isPath ? value?.ToString() ?? "?" : Literal(value);
                    return $"{variable} {symbol} {operand}";
                }
            }
        }

        return null;
    }

    private static string Join(JsonArray rules, string separator) =>
        string.Join(separator, rules.OfType<JsonObject>().Select(r =>
        {
            var inner = Describe(r);
            return r.ContainsKey("And") || r.ContainsKey("Or") ? "(" + inner + ")" : inner;
        }));

    private static bool IsTrue(JsonNode? value) => value is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    private static string Literal(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<string>(out var s) => "\"" + s + "\"",
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
        JsonValue v when v.TryGetValue<double>(out var d) => d.ToString(CultureInfo.InvariantCulture),
        _ => value.ToJsonString(),
    };

    private static string StripJsonata(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith("{%", StringComparison.Ordinal) && trimmed.EndsWith("%}", StringComparison.Ordinal))
        {
            trimmed = trimmed[2..^2].Trim();
        }

        return trimmed;
    }
}
