namespace ECommerce.Orders.Validation;

/// <summary>Finds card-like numbers: a run of 13-19 digits that passes the Luhn check.</summary>
public static class CardNumbers
{
    public static bool Contains(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var isDigit = i < text.Length && char.IsAsciiDigit(text[i]);
            if (isDigit && start < 0)
            {
                start = i;
            }
            else if (!isDigit && start >= 0)
            {
                if (HasLuhnRun(text.AsSpan(start, i - start)))
                {
                    return true;
                }

                start = -1;
            }
        }

        return false;
    }

    private static bool HasLuhnRun(ReadOnlySpan<char> digits) => digits.Length is >= 13 and <= 19 && PassesLuhn(digits);

    /// <summary>The Luhn checksum over a run of ASCII digits.</summary>
    public static bool PassesLuhn(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var digit = digits[i] - '0';
            if (doubleIt)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
            doubleIt = !doubleIt;
        }

        return sum % 10 == 0;
    }
}
