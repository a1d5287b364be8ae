using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StatesLanguage.Json;

/// <summary>Small helpers over System.Text.Json nodes: copy, compare, print as AWS prints.</summary>
public static class JsonUtil
{
    private static readonly JsonSerializerOptions CompactOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    public static JsonNode? Clone(JsonNode? node) => node?.DeepClone();

    /// <summary>Compact JSON text; <c>null</c> for a JSON null.</summary>
    public static string Serialize(JsonNode? node) => node is null ? "null" : node.ToJsonString(CompactOptions);

    public static JsonNode? Parse(string json) =>
        JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 512 });

    public static bool DeepEquals(JsonNode? a, JsonNode? b)
    {
        if (TryGetNumber(a, out var x) && TryGetNumber(b, out var y))
        {
            return x == y;
        }
        return JsonNode.DeepEquals(a, b);
    }

    public static JsonValueKind Kind(JsonNode? node) => node?.GetValueKind() ?? JsonValueKind.Null;

    public static bool TryGetNumber(JsonNode? node, out decimal value)
    {
        value = 0;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            if (v.TryGetValue<decimal>(out value))
            {
                return true;
            }
            if (v.TryGetValue<double>(out var d) && Math.Abs(d) < 7.9e27)
            {
                value = (decimal)d;
                return true;
            }
            var text = v.ToJsonString();
            if (double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && Math.Abs(parsed) < 7.9e27)
            {
                value = (decimal)parsed;
                return true;
            }
        }
        return false;
    }

    public static bool TryGetDouble(JsonNode? node, out double value)
    {
        value = 0;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            return double.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture, out value);
        }
        return false;
    }

    public static bool TryGetString(JsonNode? node, out string value)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            value = v.GetValue<string>();
            return true;
        }
        value = "";
        return false;
    }

    public static bool TryGetBool(JsonNode? node, out bool value)
    {
        var kind = Kind(node);
        value = kind == JsonValueKind.True;
        return kind is JsonValueKind.True or JsonValueKind.False;
    }

    /// <summary>True when the node is a JSON number with no fractional part.</summary>
    public static bool IsInteger(JsonNode? node) => TryGetNumber(node, out var d) && decimal.Truncate(d) == d;

    /// <summary>Creates a JSON number node, choosing an integer form when the value has no fraction.</summary>
    public static JsonNode Number(decimal value) =>
        decimal.Truncate(value) == value && value >= long.MinValue && value <= long.MaxValue
            ? JsonValue.Create((long)value)
            : JsonValue.Create(value);

    /// <summary>Byte size of the UTF-8 text, as Step Functions counts payloads.</summary>
    public static int Utf8Size(string text) => System.Text.Encoding.UTF8.GetByteCount(text);
}
