using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StepFunctionsApi.Protocol;

/// <summary>
/// One AWS JSON 1.0 request body with typed, validated access to its members. A member of the wrong JSON type is a
/// SerializationException; a missing required member or a broken length/range constraint is a ValidationException,
/// worded as AWS words them.
/// </summary>
public sealed class ApiRequest(JsonObject body)
{
    public JsonObject Body { get; } = body;

    public string RequiredString(string member, int maxLength = int.MaxValue) =>
        OptionalString(member, maxLength) ?? throw AwsApiException.Constraint(member, null, "Member must not be null");

    public string? OptionalString(string member, int maxLength = int.MaxValue, int minLength = 1)
    {
        var node = Body[member];
        if (node is null)
        {
            return null;
        }
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            throw new AwsApiException("SerializationException", $"Expected a string for member '{member}'.");
        }
        var text = value.GetValue<string>();
        if (text.Length < minLength)
        {
            throw AwsApiException.Constraint(member, text, $"Member must have length greater than or equal to {minLength}");
        }
        if (text.Length > maxLength)
        {
            throw AwsApiException.Constraint(member, Shorten(text), $"Member must have length less than or equal to {maxLength}");
        }
        return text;
    }

    public int? OptionalInt(string member, int min, int max)
    {
        var node = Body[member];
        if (node is null)
        {
            return null;
        }
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number || !value.TryGetValue<int>(out var number))
        {
            throw new AwsApiException("SerializationException", $"Expected an integer for member '{member}'.");
        }
        if (number < min)
        {
            throw AwsApiException.Constraint(member, number.ToString(CultureInfo.InvariantCulture), $"Member must have value greater than or equal to {min}");
        }
        if (number > max)
        {
            throw AwsApiException.Constraint(member, number.ToString(CultureInfo.InvariantCulture), $"Member must have value less than or equal to {max}");
        }
        return number;
    }

    public bool? OptionalBool(string member)
    {
        var node = Body[member];
        if (node is null)
        {
            return null;
        }
        return node.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new AwsApiException("SerializationException", $"Expected a boolean for member '{member}'."),
        };
    }

    public string? OptionalEnum(string member, params string[] allowed)
    {
        var text = OptionalString(member);
        if (text is not null && !allowed.Contains(text, StringComparer.Ordinal))
        {
            throw AwsApiException.Constraint(member, text, $"Member must satisfy enum value set: [{string.Join(", ", allowed)}]");
        }
        return text;
    }

    public JsonObject? OptionalObject(string member)
    {
        var node = Body[member];
        return node switch
        {
            null => null,
            JsonObject obj => obj,
            _ => throw new AwsApiException("SerializationException", $"Expected an object for member '{member}'."),
        };
    }

    private static string Shorten(string text) => text.Length > 100 ? text[..100] + "..." : text;
}
