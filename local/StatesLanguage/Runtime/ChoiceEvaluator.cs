using System.Text.Json.Nodes;
using StatesLanguage.Definition;
using StatesLanguage.Json;

namespace StatesLanguage.Runtime;

/// <summary>Evaluates Choice rules (comparison operators, *Path variants, Is* tests, And/Or/Not).</summary>
internal static class ChoiceEvaluator
{
    public static bool Evaluate(ChoiceRule rule, JsonNode? input, JsonNode? context)
    {
        if (rule.And.Count > 0)
        {
            return rule.And.All(r => Evaluate(r, input, context));
        }
        if (rule.Or.Count > 0)
        {
            return rule.Or.Any(r => Evaluate(r, input, context));
        }
        if (rule.Not is not null)
        {
            return !Evaluate(rule.Not, input, context);
        }
        if (rule.Variable is null || rule.Operator is null)
        {
            throw new RuntimeFailure("The choice rule has no comparison.");
        }
        var op = rule.Operator;
        var path = JsonPath.Parse(rule.Variable);
        var present = path.TryEvaluate(input, context, out var value);
        if (op == "IsPresent")
        {
            return present == Bool(rule.Operand);
        }
        if (!present)
        {
            throw new RuntimeFailure($"Invalid path '{rule.Variable}': The choice state's condition path references an invalid value.");
        }
        switch (op)
        {
            case "IsNull":
                return (value is null) == Bool(rule.Operand);
            case "IsNumeric":
                return (JsonUtil.Kind(value) == System.Text.Json.JsonValueKind.Number) == Bool(rule.Operand);
            case "IsString":
                return (JsonUtil.Kind(value) == System.Text.Json.JsonValueKind.String) == Bool(rule.Operand);
            case "IsBoolean":
                return JsonUtil.TryGetBool(value, out _) == Bool(rule.Operand);
            case "IsTimestamp":
                return (JsonUtil.TryGetString(value, out var ts) && Timestamps.TryParse(ts, out _)) == Bool(rule.Operand);
            case "StringMatches":
                return JsonUtil.TryGetString(value, out var s) && JsonUtil.TryGetString(rule.Operand, out var pattern) && Matches(s, pattern);
        }
        var isPathOperand = op.EndsWith("Path", StringComparison.Ordinal);
        var baseOp = isPathOperand ? op[..^4] : op;
        var operand = rule.Operand;
        if (isPathOperand)
        {
            var operandPath = JsonPath.Parse(operand!.GetValue<string>());
            if (!operandPath.TryEvaluate(input, context, out operand))
            {
                throw new RuntimeFailure($"Invalid path '{operandPath.Text}': The choice state's condition path references an invalid value.");
            }
        }
        if (baseOp.StartsWith("String", StringComparison.Ordinal))
        {
            return JsonUtil.TryGetString(value, out var a) && JsonUtil.TryGetString(operand, out var b)
                && Compare(baseOp["String".Length..], string.CompareOrdinal(a, b));
        }
        if (baseOp.StartsWith("Numeric", StringComparison.Ordinal))
        {
            return JsonUtil.TryGetDouble(value, out var a) && JsonUtil.TryGetDouble(operand, out var b)
                && Compare(baseOp["Numeric".Length..], a.CompareTo(b));
        }
        if (baseOp == "BooleanEquals")
        {
            return JsonUtil.TryGetBool(value, out var a) && JsonUtil.TryGetBool(operand, out var b) && a == b;
        }
        if (baseOp.StartsWith("Timestamp", StringComparison.Ordinal))
        {
            return JsonUtil.TryGetString(value, out var a) && JsonUtil.TryGetString(operand, out var b)
                && Timestamps.TryParse(a, out var ta) && Timestamps.TryParse(b, out var tb)
                && Compare(baseOp["Timestamp".Length..], ta.CompareTo(tb));
        }
        throw new RuntimeFailure($"Unsupported choice operator '{op}'.");
    }

    private static bool Bool(JsonNode? node) => JsonUtil.TryGetBool(node, out var b) && b;

    private static bool Compare(string relation, int c) => relation switch
    {
        "Equals" => c == 0,
        "LessThan" => c < 0,
        "GreaterThan" => c > 0,
        "LessThanEquals" => c <= 0,
        "GreaterThanEquals" => c >= 0,
        _ => false,
    };

    /// <summary>StringMatches: '*' matches any run of characters; '\*' and '\\' are literal.</summary>
    internal static bool Matches(string text, string pattern)
    {
        var tokens = new List<(char C, bool Wild)>();
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\' && i + 1 < pattern.Length)
            {
                tokens.Add((pattern[++i], false));
            }
            else
            {
                tokens.Add((pattern[i], pattern[i] == '*'));
            }
        }
        // Classic wildcard match with backtracking on the last star.
        int t = 0, p = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < tokens.Count && !tokens[p].Wild && tokens[p].C == text[t])
            {
                t++;
                p++;
            }
            else if (p < tokens.Count && tokens[p].Wild)
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }
        while (p < tokens.Count && tokens[p].Wild)
        {
            p++;
        }
        return p == tokens.Count;
    }
}
