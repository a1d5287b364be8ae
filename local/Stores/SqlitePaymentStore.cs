using ECommerce.Payments.Domain;
using ECommerce.Payments.Storage;

namespace ECommerce.LocalStores;

/// <summary>
/// The Payments table in SQLite: one <c>CHARGE#&lt;orderId&gt;</c> document per order. Each transition reads and writes
/// the record in one transaction, with the DynamoDB adapter's conditions, so repeats change nothing.
/// </summary>
public sealed class SqlitePaymentStore(SqliteDocumentStore table) : IPaymentStore
{
    private const string ChargePrefix = "CHARGE#";

    public Task<ChargeRecord?> GetAsync(string orderId, CancellationToken cancellationToken) =>
        Guard(() => table.ReadAsync(items => items.Get<ChargeRecord>(Key(orderId))));

    public Task<int?> TryRecordAttemptAsync(
        string orderId, string token, long amount, string currency, CancellationToken cancellationToken) =>
        Guard(() => table.WriteAsync<int?>(items =>
        {
            var existing = items.Get<ChargeRecord>(Key(orderId));
            if (existing is not null && existing.Status != ChargeStatus.Attempted)
            {
                return null;
            }

            var attempts = (existing?.Attempts ?? 0) + 1;
            items.Put(Key(orderId), new ChargeRecord(orderId, ChargeStatus.Attempted, attempts, token, amount, currency));
            return attempts;
        }, cancellationToken));

    public Task<ChargeRecord> RecordChargeAsync(string orderId, string chargeId, CancellationToken cancellationToken) =>
        Guard(() => table.WriteAsync(items =>
        {
            var record = items.Get<ChargeRecord>(Key(orderId))
                ?? throw new InvalidOperationException($"No charge attempt recorded for order {orderId}.");
            if (record.Status != ChargeStatus.Attempted)
            {
                return record;
            }

            record = record with { Status = ChargeStatus.Charged, ChargeId = chargeId };
            items.Put(Key(orderId), record);
            return record;
        }, cancellationToken));

    public Task<ChargeRecord> RecordRefundAsync(string orderId, string refundId, CancellationToken cancellationToken) =>
        Guard(() => table.WriteAsync(items =>
        {
            var record = items.Get<ChargeRecord>(Key(orderId))
                ?? throw new InvalidOperationException($"No charge recorded for order {orderId}.");
            if (record.Status != ChargeStatus.Charged)
            {
                return record;
            }

            record = record with { Status = ChargeStatus.Refunded, RefundId = refundId };
            items.Put(Key(orderId), record);
            return record;
        }, cancellationToken));

    /// <summary>Every order's charge record (attempted, charged or refunded), in order id order.</summary>
    public Task<IReadOnlyList<ChargeRecord>> ListAsync() => Guard(() => table.ReadAsync(items => items.Scan<ChargeRecord>(ChargePrefix)));

    private static Task<T> Guard<T>(Func<Task<T>> operation) =>
        SqliteFaults.Guard(operation, (message, exception) =>
            new PaymentGatewayUnavailableException($"Payments store unavailable: {message}", exception));

    private static string Key(string orderId) => ChargePrefix + orderId;
}
