using System.Text.RegularExpressions;
using ECommerce.Payments.Contract;

namespace ECommerce.Payments.Domain;

/// <summary>The contract's shape rules for payment requests, checked before touching the store or the gateway.</summary>
public static partial class PaymentRequestRules
{
    [GeneratedRegex("^[A-Za-z0-9_-]{1,80}$")]
    private static partial Regex OrderIdPattern();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();

    public static void ValidateOrderId(string? orderId)
    {
        if (orderId is null || !OrderIdPattern().IsMatch(orderId))
        {
            throw new InvalidPaymentRequestException("orderId must match ^[A-Za-z0-9_-]{1,80}$.");
        }
    }

    public static void Validate(ChargePaymentRequest request)
    {
        ValidateOrderId(request.OrderId);
        if (request.Amount <= 0)
        {
            throw new InvalidPaymentRequestException("amount must be a positive number of minor units.");
        }

        if (!CurrencyPattern().IsMatch(request.Currency))
        {
            throw new InvalidPaymentRequestException("currency must be an ISO 4217 code such as USD.");
        }

        if (!request.PaymentToken.StartsWith("tok_", StringComparison.Ordinal))
        {
            throw new InvalidPaymentRequestException("paymentToken must be a gateway token (tok_...).");
        }
    }
}
