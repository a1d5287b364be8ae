using System.Text.RegularExpressions;

namespace Reliability.Tests.Support;

/// <summary>
/// Finds card-like numbers in text: 13-19 digits (optionally grouped by single spaces or dashes) that pass the Luhn
/// check and start with a card network's prefix (Visa 4, Mastercard 51-55/22-27, Amex 34/37, Discover 6011/65, JCB 35,
/// Diners 36/38). The prefix rule keeps Unix millisecond timestamps (17…) and hex ids out; runs inside a longer hex
/// or digit string are not numbers on their own.
/// </summary>
public static partial class CardNumbers
{
    public static IReadOnlyList<string> FindIn(string text) =>
        Candidate().Matches(text)
            .Select(m => new string(m.Value.Where(char.IsAsciiDigit).ToArray()))
            .Where(digits => digits.Length is >= 13 and <= 19 && HasCardPrefix(digits) && ECommerce.Orders.Validation.CardNumbers.PassesLuhn(digits))
            .Distinct(StringComparer.Ordinal)
            .ToList();

    private static bool HasCardPrefix(string digits)
    {
        var two = int.Parse(digits.AsSpan(0, 2), System.Globalization.CultureInfo.InvariantCulture);
        return digits[0] == '4' || two is >= 51 and <= 55 or >= 22 and <= 27 or 34 or 37 or 35 or 36 or 38 or 65 || digits.StartsWith("6011", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"(?<![0-9A-Fa-f])[0-9](?:[ -]?[0-9]){12,18}(?![0-9A-Fa-f])")]
    private static partial Regex Candidate();
}
