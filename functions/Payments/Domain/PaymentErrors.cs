using ECommerce.Runtime;

namespace ECommerce.Payments.Domain;

/// <summary>The gateway refused the charge (declined token, amount over the limit); retrying will not help.</summary>
public sealed class PaymentDeclinedException(string message)
    : FunctionErrorException(ErrorTypes.PaymentDeclined, message);

/// <summary>
/// The gateway, or the Payments store, was unavailable or throttled: the one transient Payments error the state
/// machine retries.
/// </summary>
public sealed class PaymentGatewayUnavailableException(string message, Exception? innerException = null)
    : FunctionErrorException(ErrorTypes.PaymentGatewayUnavailable, message, isTransient: true, innerException);

/// <summary>The request broke the contract (bad order id, non-positive amount, malformed currency or token).</summary>
public sealed class InvalidPaymentRequestException(string message)
    : FunctionErrorException(ErrorTypes.InvalidRequest, message);

/// <summary>The Lambda errorType names of the Payments service.</summary>
public static class ErrorTypes
{
    public const string PaymentDeclined = "PaymentDeclined";
    public const string PaymentGatewayUnavailable = "PaymentGatewayUnavailable";
    public const string InvalidRequest = "InvalidRequest";
}
