using ECommerce.Payments.Domain;

namespace ECommerce.Payments.Storage;

/// <summary>Thread-safe in-process store with the same conditional rules as the DynamoDB adapter.</summary>
public sealed class InMemoryPaymentStore : IPaymentStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ChargeRecord> _records = new(StringComparer.Ordinal);

    public Task<ChargeRecord?> GetAsync(string orderId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_records.GetValueOrDefault(orderId));
        }
    }

    public Task<int?> TryRecordAttemptAsync(string orderId, string token, long amount, string currency, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_records.TryGetValue(orderId, out var existing) && existing.Status != ChargeStatus.Attempted)
            {
                return Task.FromResult<int?>(null);
            }

            var attempts = (existing?.Attempts ?? 0) + 1;
            _records[orderId] = new ChargeRecord(orderId, ChargeStatus.Attempted, attempts, token, amount, currency);
            return Task.FromResult<int?>(attempts);
        }
    }

    public Task<ChargeRecord> RecordChargeAsync(string orderId, string chargeId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var record = _records.GetValueOrDefault(orderId)
                ?? throw new InvalidOperationException($"No charge attempt recorded for order {orderId}.");
            if (record.Status == ChargeStatus.Attempted)
            {
                record = record with { Status = ChargeStatus.Charged, ChargeId = chargeId };
                _records[orderId] = record;
            }

            return Task.FromResult(record);
        }
    }

    public Task<ChargeRecord> RecordRefundAsync(string orderId, string refundId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var record = _records.GetValueOrDefault(orderId)
                ?? throw new InvalidOperationException($"No charge recorded for order {orderId}.");
            if (record.Status == ChargeStatus.Charged)
            {
                record = record with { Status = ChargeStatus.Refunded, RefundId = refundId };
                _records[orderId] = record;
            }

            return Task.FromResult(record);
        }
    }
}
