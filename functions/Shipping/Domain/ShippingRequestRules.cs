using System.Text.RegularExpressions;
using ECommerce.Shipping.Contract;

namespace ECommerce.Shipping.Domain;

/// <summary>The contract's shape rules for shipping requests, checked before touching the store or the carrier.</summary>
public static partial class ShippingRequestRules
{
    [GeneratedRegex("^[A-Za-z0-9_-]{1,80}$")]
    private static partial Regex OrderIdPattern();

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex CountryPattern();

    public static void ValidateOrderId(string? orderId)
    {
        if (orderId is null || !OrderIdPattern().IsMatch(orderId))
        {
            throw new InvalidShippingRequestException("orderId must match ^[A-Za-z0-9_-]{1,80}$.");
        }
    }

    public static void Validate(ShipOrderRequest request)
    {
        ValidateOrderId(request.OrderId);
        if (request.Lines.Count == 0 || request.Lines.Any(line => string.IsNullOrEmpty(line.Sku) || line.Quantity <= 0))
        {
            throw new InvalidShippingRequestException("lines must hold at least one line, each with a sku and a positive quantity.");
        }

        var address = request.Shipping;
        if (string.IsNullOrWhiteSpace(address.Name) || string.IsNullOrWhiteSpace(address.Line1)
            || string.IsNullOrWhiteSpace(address.City) || string.IsNullOrWhiteSpace(address.PostalCode))
        {
            throw new InvalidShippingRequestException("shipping needs name, line1, city and postalCode.");
        }

        if (!CountryPattern().IsMatch(address.Country))
        {
            throw new InvalidShippingRequestException("shipping.country must be an ISO 3166-1 alpha-2 code such as US.");
        }
    }
}
