using ECommerce.Shipping.Carrier;
using ECommerce.Shipping.Domain;

namespace ECommerce.Shipping.Storage;

/// <summary>Thread-safe in-process store with the same conditional rules as the DynamoDB adapter.</summary>
public sealed class InMemoryShipmentStore : IShipmentStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ShipmentRecord> _records = new(StringComparer.Ordinal);

    public Task<ShipmentRecord?> GetAsync(string orderId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_records.GetValueOrDefault(orderId));
        }
    }

    public Task<int?> TryRecordAttemptAsync(string orderId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_records.TryGetValue(orderId, out var existing) && existing.Status != ShipmentStatus.Attempted)
            {
                return Task.FromResult<int?>(null);
            }

            var attempts = (existing?.Attempts ?? 0) + 1;
            _records[orderId] = new ShipmentRecord(orderId, ShipmentStatus.Attempted, attempts);
            return Task.FromResult<int?>(attempts);
        }
    }

    public Task<ShipmentRecord> RecordShipmentAsync(string orderId, CarrierShipment shipment, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var record = _records.GetValueOrDefault(orderId)
                ?? throw new InvalidOperationException($"No ship attempt recorded for order {orderId}.");
            if (record.Status == ShipmentStatus.Attempted)
            {
                record = record with
                {
                    Status = ShipmentStatus.Shipped,
                    ShipmentId = shipment.ShipmentId,
                    Carrier = shipment.Carrier,
                    TrackingNumber = shipment.TrackingNumber,
                };
                _records[orderId] = record;
            }

            return Task.FromResult(record);
        }
    }

    public Task<ShipmentRecord> RecordCancellationAsync(string orderId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var record = _records.GetValueOrDefault(orderId)
                ?? throw new InvalidOperationException($"No shipment recorded for order {orderId}.");
            if (record.Status == ShipmentStatus.Shipped)
            {
                record = record with { Status = ShipmentStatus.Cancelled };
                _records[orderId] = record;
            }

            return Task.FromResult(record);
        }
    }
}
