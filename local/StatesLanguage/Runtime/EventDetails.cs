using System.Text.Json;
using System.Text.Json.Nodes;

namespace StatesLanguage.Runtime;

/// <summary>
/// The details of a history event as the interpreter records them: plain keys and values, turned into a
/// <see cref="JsonObject"/> only when someone reads <see cref="HistoryEvent.Details"/>. Most events of a running
/// execution are never read one by one, and building a JsonObject per event was a large part of an execution's cost.
/// </summary>
internal sealed class EventDetails
{
    /// <summary>The <c>{"truncated": false}</c> object that follows every input and output.</summary>
    public static readonly EventDetails NotTruncated = new(("truncated", false));

    private readonly (string Key, object? Value)[] _fields;

    /// <param name="fields">Keys in the order AWS prints them; values are strings, ints, longs, bools or nested details.</param>
    public EventDetails(params (string Key, object? Value)[] fields) => _fields = fields;

    /// <summary>The string value of a top-level field, or null.</summary>
    public string? GetString(string key)
    {
        foreach (var (name, value) in _fields)
        {
            if (name == key)
            {
                return value as string;
            }
        }
        return null;
    }

    /// <summary>Writes the same JSON object as <see cref="ToJsonObject"/>, without building it.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        foreach (var (key, value) in _fields)
        {
            writer.WritePropertyName(key);
            switch (value)
            {
                case null:
                    writer.WriteNullValue();
                    break;
                case string text:
                    writer.WriteStringValue(text);
                    break;
                case int number:
                    writer.WriteNumberValue(number);
                    break;
                case long number:
                    writer.WriteNumberValue(number);
                    break;
                case bool flag:
                    writer.WriteBooleanValue(flag);
                    break;
                case EventDetails nested:
                    nested.WriteTo(writer);
                    break;
                default:
                    throw new InvalidOperationException($"Unsupported event detail value of type {value.GetType().Name}.");
            }
        }
        writer.WriteEndObject();
    }

    /// <summary>A new object each call: the caller owns it.</summary>
    public JsonObject ToJsonObject()
    {
        var obj = new JsonObject();
        foreach (var (key, value) in _fields)
        {
            obj[key] = value switch
            {
                null => null,
                string text => JsonValue.Create(text),
                int number => JsonValue.Create(number),
                long number => JsonValue.Create(number),
                bool flag => JsonValue.Create(flag),
                EventDetails nested => nested.ToJsonObject(),
                _ => throw new InvalidOperationException($"Unsupported event detail value of type {value.GetType().Name}."),
            };
        }
        return obj;
    }
}
