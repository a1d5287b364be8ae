using ECommerce.Payments.Domain;

namespace ECommerce.Payments.Storage;

/// <summary>Port to the Payments table: one <see cref="ChargeRecord"/> per order.</summary>
public interface IPaymentStore
{
    Task<ChargeRecord?> GetAsync(string orderId, CancellationToken cancellationToken);

    /// <summary>
    /// Counts one more charge attempt for the order (creating its record) and returns the attempt number, starting
    /// at 1; returns null, changing nothing, when the order is already charged.
    /// </summary>
    Task<int?> TryRecordAttemptAsync(string orderId, string token, long amount, string currency, CancellationToken cancellationToken);

    /// <summary>Marks the order CHARGED with <paramref name="chargeId"/> unless it already is; returns the record as stored.</summary>
    Task<ChargeRecord> RecordChargeAsync(string orderId, string chargeId, CancellationToken cancellationToken);

    /// <summary>Moves the order CHARGED→REFUNDED with <paramref name="refundId"/>, once; returns the record as stored.</summary>
    Task<ChargeRecord> RecordRefundAsync(string orderId, string refundId, CancellationToken cancellationToken);
}
