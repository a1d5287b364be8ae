namespace ECommerce.Payments.Domain;

/// <summary>Where an order's payment stands.</summary>
public enum ChargeStatus
{
    /// <summary>Charge attempts were made, none approved yet (the record only counts attempts).</summary>
    Attempted,
    Charged,
    Refunded,
}

/// <summary>The Payments table's record of one order: its charge attempts, the charge and the refund.</summary>
public sealed record ChargeRecord(
    string OrderId,
    ChargeStatus Status,
    int Attempts,
    string Token,
    long Amount,
    string Currency,
    string? ChargeId = null,
    string? RefundId = null);
