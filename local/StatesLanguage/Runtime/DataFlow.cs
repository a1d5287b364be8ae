using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using StatesLanguage.Intrinsics;
using StatesLanguage.Json;

namespace StatesLanguage.Runtime;

/// <summary>InputPath, Parameters/ResultSelector templates, ResultPath and OutputPath, with AWS's error texts.</summary>
internal static class DataFlow
{
    /// <summary>InputPath/OutputPath/ItemsPath: null means an empty object; "$" the whole value.</summary>
    public static JsonNode? SelectPath(string? path, JsonNode? input, JsonNode? context, string field)
    {
        if (path is null)
        {
            return new JsonObject();
        }
        if (path == "$")
        {
            return input;
        }
        var parsed = JsonPath.Parse(path);
        if (!parsed.TryEvaluate(input, context, out var value))
        {
            throw new RuntimeFailure($"Invalid path '{path}' : No results for path: {Normalize(parsed)}");
        }
        return JsonUtil.Clone(value);
    }

    private static string Normalize(JsonPath path)
    {
        var text = path.IsContextPath ? "$$" : "$" + path.VariableName;
        foreach (var segment in path.Segments)
        {
            text += segment switch
            {
                JsonPath.NameSegment n => $"['{n.Name}']",
                JsonPath.IndexSegment i => $"[{i.Index}]",
                _ => "",
            };
        }
        return text;
    }

    /// <summary>Evaluates a payload template: keys ending in ".$" take a path or intrinsic function value.</summary>
    public static JsonNode? EvaluateTemplate(JsonNode? template, JsonNode? input, JsonNode? context) =>
        template is null ? null : PayloadTemplate.For(template).Evaluate(input, context);

    /// <summary>
    /// A template analysed once per definition node (which keys are expressions, their output names), so evaluating it
    /// does no string work on the template.
    /// </summary>
    private abstract class PayloadTemplate
    {
        private static readonly ConditionalWeakTable<JsonNode, PayloadTemplate> Compiled = new();

        public static PayloadTemplate For(JsonNode template) => Compiled.GetValue(template, Compile);

        public abstract JsonNode? Evaluate(JsonNode? input, JsonNode? context);

        private static PayloadTemplate Compile(JsonNode template) => template switch
        {
            JsonObject obj => new ObjectTemplate([.. obj.Select(p =>
                p.Key.EndsWith(".$", StringComparison.Ordinal) && JsonUtil.TryGetString(p.Value, out var expression)
                    ? new Field(p.Key[..^2], p.Key, expression, null)
                    : new Field(p.Key, p.Key, null, p.Value is null ? null : For(p.Value)))]),
            JsonArray array => new ArrayTemplate([.. array.Select(item => item is null ? null : For(item))]),
            _ => new LiteralTemplate(template),
        };

        /// <param name="Name">The output key.</param>
        /// <param name="Key">The template key (with ".$" for an expression), as error messages name it.</param>
        private sealed record Field(string Name, string Key, string? Expression, PayloadTemplate? Value);

        private sealed class ObjectTemplate(Field[] fields) : PayloadTemplate
        {
            public override JsonNode? Evaluate(JsonNode? input, JsonNode? context)
            {
                var result = new JsonObject();
                foreach (var field in fields)
                {
                    result[field.Name] = field.Expression is not null
                        ? EvaluateExpression(field.Expression, field.Key, input, context)
                        : field.Value?.Evaluate(input, context);
                }
                return result;
            }
        }

        private sealed class ArrayTemplate(PayloadTemplate?[] items) : PayloadTemplate
        {
            public override JsonNode? Evaluate(JsonNode? input, JsonNode? context)
            {
                var values = new JsonNode?[items.Length];
                for (var i = 0; i < items.Length; i++)
                {
                    values[i] = items[i]?.Evaluate(input, context);
                }
                return new JsonArray(values);
            }
        }

        private sealed class LiteralTemplate(JsonNode value) : PayloadTemplate
        {
            public override JsonNode? Evaluate(JsonNode? input, JsonNode? context) => value.DeepClone();
        }
    }

    private static JsonNode? EvaluateExpression(string expression, string field, JsonNode? input, JsonNode? context)
    {
        if (IntrinsicFunctions.IsIntrinsic(expression))
        {
            try
            {
                return IntrinsicFunctions.Evaluate(expression, input, context);
            }
            catch (StatesException ex) when (ex.Error == StatesErrors.Runtime)
            {
                throw new RuntimeFailure(ex.Cause ?? ex.Message);
            }
        }
        var path = JsonPath.Parse(expression);
        if (!path.TryEvaluate(input, context, out var value))
        {
            path.TryGetRoot(input, context, out var root);
            throw new RuntimeFailure(
                $"The JsonPath argument for the field '{field}' could not find any values in the input '{JsonUtil.Serialize(root)}' with the path '{expression}'");
        }
        return JsonUtil.Clone(value);
    }

    /// <summary>Places <paramref name="result"/> into <paramref name="rawInput"/> at a reference path, creating objects on the way.</summary>
    /// <param name="inPlace">
    /// Change <paramref name="rawInput"/> itself rather than a copy: only for a caller that owns the input and can get
    /// it back if the state then fails.
    /// </param>
    public static JsonNode? ApplyResultPath(string? resultPath, JsonNode? rawInput, JsonNode? result, bool inPlace = false)
    {
        if (resultPath is null)
        {
            return inPlace ? rawInput : JsonUtil.Clone(rawInput);
        }
        if (resultPath == "$")
        {
            return JsonUtil.Clone(result);
        }
        var path = JsonPath.Parse(resultPath);
        var root = inPlace ? rawInput : JsonUtil.Clone(rawInput);
        if (root is not JsonObject && root is not JsonArray)
        {
            throw new RuntimeFailure(
                $"Invalid path '{resultPath}': Unable to apply ResultPath to the input '{JsonUtil.Serialize(rawInput)}' because it is not a JSON object");
        }
        JsonNode current = root;
        var segments = path.Segments;
        for (var i = 0; i < segments.Count; i++)
        {
            var last = i == segments.Count - 1;
            switch (segments[i])
            {
                case JsonPath.NameSegment name when current is JsonObject obj:
                    if (last)
                    {
                        obj[name.Name] = JsonUtil.Clone(result);
                    }
                    else
                    {
                        if (obj[name.Name] is not (JsonObject or JsonArray))
                        {
                            obj[name.Name] = new JsonObject();
                        }
                        current = obj[name.Name]!;
                    }
                    break;
                case JsonPath.IndexSegment index when current is JsonArray array && index.Index >= 0 && index.Index < array.Count:
                    if (last)
                    {
                        array[index.Index] = JsonUtil.Clone(result);
                    }
                    else
                    {
                        current = array[index.Index] ?? throw new RuntimeFailure($"Invalid path '{resultPath}': the array element is null");
                    }
                    break;
                default:
                    throw new RuntimeFailure(
                        $"Invalid path '{resultPath}': Unable to apply ResultPath to the input '{JsonUtil.Serialize(rawInput)}'");
            }
        }
        return root;
    }
}
