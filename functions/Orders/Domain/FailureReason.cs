using System.Text.Json;
using ECommerce.Orders.Contract;

namespace ECommerce.Orders.Domain;

/// <summary>Turns a caught saga error into the human reason stored on a cancelled order.</summary>
public static class FailureReason
{
    /// <summary>Reasons are shown to customers and stored on the item; a Cause can be up to 32 KiB.</summary>
    public const int MaxLength = 1000;

    /// <summary>
    /// "InsufficientStock: Not enough stock for SKU-OUT": the error name, then the errorMessage of a Lambda error's JSON
    /// cause, else the cause text; just the name when there is no cause. Null when there is neither.
    /// </summary>
    public static string? Describe(SagaFailure? failure)
    {
        var error = failure?.Error?.Trim();
        var detail = DetailOf(failure?.Cause);
        var reason = (string.IsNullOrEmpty(error), string.IsNullOrEmpty(detail)) switch
        {
            (false, false) => $"{error}: {detail}",
            (false, true) => error,
            (true, false) => detail,
            (true, true) => null,
        };
        return reason is { Length: > MaxLength } ? reason[..(MaxLength - 1)] + "…" : reason;
    }

    private static string? DetailOf(string? cause)
    {
        var text = cause?.Trim();
        if (string.IsNullOrEmpty(text) || text[0] != '{')
        {
            return text;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            // A Lambda error (errorType, errorMessage, trace or stackTrace): its message is the part a person reads.
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("errorMessage", out var message)
                && message.ValueKind == JsonValueKind.String
                    ? message.GetString()?.Trim()
                    : text;
        }
        catch (JsonException)
        {
            return text;
        }
    }
}
