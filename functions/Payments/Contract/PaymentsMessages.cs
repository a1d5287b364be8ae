namespace ECommerce.Payments.Contract;

/// <summary>Input of <c>ChargePayment</c>: amount in minor units, the gateway token (never card data).</summary>
public sealed record ChargePaymentRequest(string OrderId, long Amount, string Currency, string PaymentToken);

/// <summary>Output of <c>ChargePayment</c>.</summary>
public sealed record ChargePaymentResponse(string OrderId, string ChargeId, long Amount, string Currency);

/// <summary>Input of <c>RefundPayment</c>.</summary>
public sealed record RefundPaymentRequest(string OrderId);

/// <summary>Output of <c>RefundPayment</c>; <c>Refunded</c> is false (and <c>RefundId</c> null) only when nothing was ever charged.</summary>
public sealed record RefundPaymentResponse(string OrderId, bool Refunded, string? RefundId);
