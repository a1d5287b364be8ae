namespace ECommerce.Payments.Gateway;

/// <summary>A charge as sent to the gateway. <c>Attempt</c> counts this order's charge attempts from 1 (kept in the store).</summary>
public sealed record GatewayChargeRequest(string OrderId, long Amount, string Currency, string Token, int Attempt);

/// <summary>An approved charge.</summary>
public sealed record GatewayCharge(string ChargeId);

/// <summary>A refund of a whole charge.</summary>
public sealed record GatewayRefundRequest(string OrderId, string ChargeId, long Amount, string Currency);

/// <summary>A completed refund.</summary>
public sealed record GatewayRefund(string RefundId);

/// <summary>Port to the payment provider. The order id is the idempotency key the provider dedupes on.</summary>
public interface IPaymentGateway
{
    /// <exception cref="Domain.PaymentDeclinedException">The provider declined.</exception>
    /// <exception cref="Domain.PaymentGatewayUnavailableException">The provider could not be reached; retry later.</exception>
    Task<GatewayCharge> ChargeAsync(GatewayChargeRequest request, CancellationToken cancellationToken);

    /// <exception cref="Domain.PaymentGatewayUnavailableException">The provider could not be reached; retry later.</exception>
    Task<GatewayRefund> RefundAsync(GatewayRefundRequest request, CancellationToken cancellationToken);
}
