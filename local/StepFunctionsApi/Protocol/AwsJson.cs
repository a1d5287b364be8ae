using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace StepFunctionsApi.Protocol;

/// <summary>AWS JSON 1.0 value conventions: timestamps as epoch seconds, opaque page tokens.</summary>
public static class AwsJson
{
    /// <summary>Epoch seconds with milliseconds as a fraction, the number AWS sends for a timestamp.</summary>
    public static JsonNode Timestamp(DateTimeOffset time) => JsonValue.Create(time.ToUnixTimeMilliseconds() / 1000m);

    /// <summary>An opaque token carrying a position (a few numbers) for the next page of <paramref name="scope"/>.</summary>
    public static string PageToken(string scope, params long[] position) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(scope + "|" + string.Join('|', position.Select(p => p.ToString(CultureInfo.InvariantCulture)))));

    /// <summary>Reads a token made by <see cref="PageToken"/> for the same scope; anything else is InvalidToken.</summary>
    public static long[] ReadPageToken(string token, string scope, int length)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('|');
            if (parts.Length == length + 1 && parts[0] == scope)
            {
                return parts[1..].Select(p => long.Parse(p, NumberStyles.Integer, CultureInfo.InvariantCulture)).ToArray();
            }
        }
        catch (FormatException)
        {
            // falls through to InvalidToken
        }
        throw AwsApiException.InvalidToken(token);
    }
}
