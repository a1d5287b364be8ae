using System.Globalization;
using System.Text.RegularExpressions;

namespace StatesLanguage.Runtime;

/// <summary>ISO-8601 extended offset date-times as Step Functions accepts them (date, 'T', time, zone required).</summary>
internal static partial class Timestamps
{
    [GeneratedRegex(@"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex Shape();

    public static bool TryParse(string text, out DateTimeOffset value)
    {
        value = default;
        var match = Shape().Match(text);
        if (!match.Success)
        {
            return false;
        }
        var fraction = match.Groups[2].Value;
        if (fraction.Length > 8)
        {
            fraction = fraction[..8]; // .NET parses at most 7 fractional digits
        }
        var normalized = match.Groups[1].Value + fraction + (match.Groups[3].Value == "Z" ? "+00:00" : match.Groups[3].Value);
        return DateTimeOffset.TryParse(normalized, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    /// <summary>Formats as AWS prints context times: 2024-01-02T03:04:05.678Z.</summary>
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
