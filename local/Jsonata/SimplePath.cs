using System.Text.Json.Nodes;

namespace Jsonata;

/// <summary>
/// A path of plain field names (<c>a.b.c</c>), optionally rooted at a variable (<c>$states.input.id</c>), compiled at
/// parse time. Over JSON objects it reads the input JsonNode directly, with none of the evaluator's frames, sequences or
/// wrappers; whenever the general semantics could differ (an array on the way, an unknown variable, a depth limit) it
/// declines and the evaluator runs as usual.
/// </summary>
internal sealed class SimplePath
{
    // null: the path starts at the input; otherwise the variable it starts from ("" is $, "$" is $$).
    private readonly string? _variable;
    private readonly string[] _names;

    private SimplePath(string? variable, string[] names)
    {
        _variable = variable;
        _names = names;
    }

    public static SimplePath? TryCompile(Node ast)
    {
        if (ast.Type == NodeType.Variable && ast.HasNoDecorations) return new SimplePath(ast.ValueString, []);
        if (!ast.IsPlainPath) return null;
        var steps = ast.Steps!;
        var variable = steps[0].Type == NodeType.Variable ? steps[0].ValueString : null;
        return new SimplePath(variable, [.. steps.Skip(variable == null ? 0 : 1).Select(s => s.ValueString)]);
    }

    /// <summary>Evaluates the path when it can tell the result without the evaluator; false means "run the evaluator".</summary>
    public bool TryEvaluate(JsonNode? input, bool inputIsUndefined, IReadOnlyDictionary<string, JsonNode?>? bindings, out EvaluateResult result)
    {
        result = default;
        JsonNode? current;
        if (_variable == null || _variable.Length == 0 || _variable == "$")
        {
            // the input itself: only an object is certain to behave like a plain lookup target
            if (inputIsUndefined || input is not JsonObject) return false;
            current = input;
        }
        else if (bindings == null || !bindings.TryGetValue(_variable, out current))
        {
            return false;
        }

        foreach (var name in _names)
        {
            switch (current)
            {
                case JsonObject obj:
                    if (obj.Options is { PropertyNameCaseInsensitive: true }) return false;
                    if (!obj.TryGetPropertyValue(name, out current))
                    {
                        result = EvaluateResult.Undefined;
                        return true;
                    }

                    break;
                case JsonArray:
                    return false;
                default:
                    // a field of null, a string, a number or a boolean is undefined
                    result = EvaluateResult.Undefined;
                    return true;
            }
        }

        result = new EvaluateResult(Values.ToNode(Values.FromNode(current)), false);
        return true;
    }
}
