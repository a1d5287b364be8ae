using System.Text.RegularExpressions;
using ECommerce.Inventory.Contract;

namespace ECommerce.Inventory.Domain;

/// <summary>The contract's shape rules for order ids and lines, checked before touching the store.</summary>
public static partial class OrderRequestRules
{
    // DynamoDB's TransactWriteItems takes at most 100 actions: one per line plus the reservation record.
    public const int MaxLines = 99;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,80}$")]
    private static partial Regex OrderIdPattern();

    public static void ValidateOrderId(string? orderId)
    {
        if (orderId is null || !OrderIdPattern().IsMatch(orderId))
        {
            throw new InvalidInventoryRequestException("orderId must match ^[A-Za-z0-9_-]{1,80}$.");
        }
    }

    public static void ValidateLines(IReadOnlyList<OrderLine>? lines)
    {
        if (lines is null || lines.Count == 0 || lines.Count > MaxLines)
        {
            throw new InvalidInventoryRequestException($"lines must hold 1 to {MaxLines} entries.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (string.IsNullOrEmpty(line.Sku))
            {
                throw new InvalidInventoryRequestException("Every line needs a sku.");
            }

            if (line.Quantity <= 0)
            {
                throw new InvalidInventoryRequestException($"Quantity for SKU {line.Sku} must be positive.");
            }

            if (!seen.Add(line.Sku))
            {
                throw new InvalidInventoryRequestException($"SKU {line.Sku} appears on more than one line.");
            }
        }
    }
}
