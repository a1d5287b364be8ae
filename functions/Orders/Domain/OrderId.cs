using System.Text.RegularExpressions;

namespace ECommerce.Orders.Domain;

/// <summary>The order id format <c>^[A-Za-z0-9_-]{1,80}$</c>: it becomes the saga execution's name.</summary>
public static partial class OrderId
{
    public static bool IsValid(string? candidate) => candidate is not null && Format().IsMatch(candidate);

    // \z, not $: .NET's $ would also accept a trailing newline.
    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,80}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Format();
}
