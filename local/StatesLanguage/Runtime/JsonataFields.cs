using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jsonata;
using StatesLanguage.Json;

namespace StatesLanguage.Runtime;

/// <summary>
/// JSONata in state fields: <c>{% expression %}</c> strings (anywhere inside a field's JSON) are evaluated with
/// <c>$states</c> (input, result, errorOutput, context), the workflow variables, and Step Functions' extra functions.
/// </summary>
public static class JsonataFields
{
    private static readonly ConcurrentDictionary<string, JsonataExpression> Compiled = new(StringComparer.Ordinal);

    /// <summary>True when <paramref name="node"/> is a string of the form <c>{% … %}</c>; gives the expression inside.</summary>
    public static bool TryGetExpression(JsonNode? node, out string expression)
    {
        if (JsonUtil.TryGetString(node, out var text))
        {
            // AWS takes the string as an expression only when it begins with "{%" and ends with "%}" exactly.
            if (text.Length >= 4 && text.StartsWith("{%", StringComparison.Ordinal) && text.EndsWith("%}", StringComparison.Ordinal))
            {
                expression = text[2..^2].Trim();
                return true;
            }
        }
        expression = "";
        return false;
    }

    /// <summary>Parses an expression (cached) with the Step Functions functions registered; throws <see cref="JsonataException"/>.</summary>
    public static JsonataExpression Compile(string expression) => Compiled.GetOrAdd(expression, text =>
        JsonataExpression.Parse(text)
            .RegisterFunction("partition", Partition, "<an:a>")
            .RegisterFunction("range", Range, "<nnn:a>")
            .RegisterFunction("hash", Hash, "<ss:s>")
            .RegisterFunction("random", RandomNumber, "<n?:n>")
            .RegisterFunction("uuid", _ => new EvaluateResult(Guid.NewGuid().ToString(), false), "<:s>")
            .RegisterFunction("parse", ParseJson, "<s:j>"));

    /// <summary>Every problem with the expressions inside <paramref name="node"/> (for static validation).</summary>
    public static IEnumerable<(string Path, string Message)> Validate(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    foreach (var problem in Validate(value, $"{path}/{key}"))
                    {
                        yield return problem;
                    }
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    foreach (var problem in Validate(array[i], $"{path}/{i}"))
                    {
                        yield return problem;
                    }
                }
                break;
            default:
                if (TryGetExpression(node, out var expression))
                {
                    string? error = null;
                    try
                    {
                        Compile(expression);
                    }
                    catch (JsonataException ex)
                    {
                        error = ex.Message;
                    }
                    if (error is not null)
                    {
                        yield return (path, $"The JSONata expression '{expression}' is invalid: {error}");
                    }
                }
                break;
        }
    }

    /// <summary>Evaluates a field: expressions are replaced by their values; a member whose value is undefined is left out.</summary>
    /// <exception cref="StatesException">States.QueryEvaluationError.</exception>
    internal static JsonNode? Evaluate(JsonNode? template, IReadOnlyDictionary<string, JsonNode?> bindings, string field)
    {
        var result = EvaluateNode(template, bindings, field, out var undefined);
        if (undefined)
        {
            throw new QueryEvaluationException(field,
                $"The JSONata expression '{Show(template)}' specified for the field '{field}' returned nothing (undefined).");
        }
        return result;
    }

    private static JsonNode? EvaluateNode(JsonNode? template, IReadOnlyDictionary<string, JsonNode?> bindings, string field, out bool undefined)
    {
        undefined = false;
        switch (template)
        {
            case JsonObject obj:
                var result = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    var evaluated = EvaluateNode(value, bindings, field, out var missing);
                    if (!missing)
                    {
                        result[key] = evaluated;
                    }
                }
                return result;
            case JsonArray array:
                var items = new JsonArray();
                foreach (var item in array)
                {
                    var evaluated = EvaluateNode(item, bindings, field, out var missing);
                    if (!missing)
                    {
                        items.Add(evaluated);
                    }
                }
                return items;
            default:
                if (!TryGetExpression(template, out var expression))
                {
                    return JsonUtil.Clone(template);
                }
                try
                {
                    var value = Compile(expression).EvaluateWithoutInput(bindings);
                    undefined = value.IsUndefined;
                    return value.Value;
                }
                catch (JsonataException ex)
                {
                    throw new QueryEvaluationException(field,
                        $"An error occurred while evaluating the JSONata expression '{expression}' specified for the field '{field}': {ex.Message}");
                }
        }
    }

    /// <summary>Evaluates a field that must give one JSON type ("array", "number", ...), with AWS's message otherwise.</summary>
    internal static JsonNode? EvaluateExpecting(JsonNode? template, IReadOnlyDictionary<string, JsonNode?> bindings, string field, string expected)
    {
        var value = Evaluate(template, bindings, field);
        var actual = TypeName(value);
        if (actual != expected)
        {
            throw new QueryEvaluationException(field,
                $"The JSONata expression '{Show(template)}' specified for the field '{field}' returned an unexpected result type. "
                + $"Expected '{expected}', but was '{actual}' for value: {JsonUtil.Serialize(value)}");
        }
        return value;
    }

    private static string TypeName(JsonNode? value) => JsonUtil.Kind(value) switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.Object => "object",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    private static string Show(JsonNode? template) => TryGetExpression(template, out var e) ? e : JsonUtil.Serialize(template);

    /// <summary>The bindings an expression sees: <c>$states</c> and every variable in scope.</summary>
    internal static Dictionary<string, JsonNode?> Bindings(VariableScope variables, JsonNode? input, JsonNode? context,
        JsonNode? result = null, bool hasResult = false, JsonNode? errorOutput = null)
    {
        var bindings = variables.Snapshot();
        var states = new JsonObject { ["input"] = JsonUtil.Clone(input), ["context"] = JsonUtil.Clone(context) };
        if (hasResult)
        {
            states["result"] = JsonUtil.Clone(result);
        }
        if (errorOutput is not null)
        {
            states["errorOutput"] = JsonUtil.Clone(errorOutput);
        }
        bindings["states"] = states;
        return bindings;
    }

    private static StatesException Failure(string function, string message) =>
        new(StatesErrors.QueryEvaluationError, $"An error occurred while evaluating the function ${function}: {message}");

    private static EvaluateResult Partition(IReadOnlyList<JsonNode?> args)
    {
        if (args[0] is not JsonArray array || !JsonUtil.TryGetNumber(args[1], out var size) || size <= 0 || decimal.Truncate(size) != size)
        {
            throw Failure("partition", "expects an array and a positive integer chunk size");
        }
        var chunks = new JsonArray();
        for (var i = 0; i < array.Count; i += (int)size)
        {
            chunks.Add(new JsonArray(array.Skip(i).Take((int)size).Select(JsonUtil.Clone).ToArray()));
        }
        return new EvaluateResult(chunks, false);
    }

    private static EvaluateResult Range(IReadOnlyList<JsonNode?> args)
    {
        if (!JsonUtil.TryGetNumber(args[0], out var start) || !JsonUtil.TryGetNumber(args[1], out var end) || !JsonUtil.TryGetNumber(args[2], out var step)
            || step == 0 || decimal.Truncate(start) != start || decimal.Truncate(end) != end || decimal.Truncate(step) != step)
        {
            throw Failure("range", "expects integer start, end and a non-zero integer step");
        }
        var values = new JsonArray();
        for (var v = start; step > 0 ? v <= end : v >= end; v += step)
        {
            if (values.Count >= 1000)
            {
                throw Failure("range", "the result would have more than 1000 items");
            }
            values.Add(JsonUtil.Number(v));
        }
        // A JSONata sequence of one value is that value.
        return new EvaluateResult(values.Count == 1 ? values[0]!.DeepClone() : values, false);
    }

    private static EvaluateResult Hash(IReadOnlyList<JsonNode?> args)
    {
        var data = Encoding.UTF8.GetBytes(JsonUtil.TryGetString(args[0], out var s) ? s : JsonUtil.Serialize(args[0]));
        var algorithm = JsonUtil.TryGetString(args[1], out var a) ? a : "";
        byte[] digest = algorithm switch
        {
            "MD5" => MD5.HashData(data),
            "SHA-1" => SHA1.HashData(data),
            "SHA-256" => SHA256.HashData(data),
            "SHA-384" => SHA384.HashData(data),
            "SHA-512" => SHA512.HashData(data),
            _ => throw Failure("hash", $"the algorithm '{algorithm}' is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512"),
        };
        return new EvaluateResult(Convert.ToHexStringLower(digest), false);
    }

    private static EvaluateResult RandomNumber(IReadOnlyList<JsonNode?> args)
    {
        var random = args.Count > 0 && JsonUtil.TryGetNumber(args[0], out var seed) ? new Random((int)seed) : Random.Shared;
        return new EvaluateResult(JsonValue.Create(random.NextDouble()), false);
    }

    private static EvaluateResult ParseJson(IReadOnlyList<JsonNode?> args)
    {
        if (!JsonUtil.TryGetString(args[0], out var text))
        {
            throw Failure("parse", "expects a string");
        }
        try
        {
            return new EvaluateResult(JsonUtil.Parse(text), false);
        }
        catch (JsonException ex)
        {
            throw Failure("parse", ex.Message);
        }
    }
}
