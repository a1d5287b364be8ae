using ECommerce.Shipping.Carrier;
using ECommerce.Shipping.Domain;
using ECommerce.Shipping.Storage;

namespace ECommerce.LocalStores;

/// <summary>
/// The Shipping table in SQLite: one <c>SHIPMENT#&lt;orderId&gt;</c> document per order. Each transition reads and
/// writes the record in one transaction, with the DynamoDB adapter's conditions, so repeats change nothing.
/// </summary>
public sealed class SqliteShipmentStore(SqliteDocumentStore table) : IShipmentStore
{
    private const string ShipmentPrefix = "SHIPMENT#";

    public Task<ShipmentRecord?> GetAsync(string orderId, CancellationToken cancellationToken) =>
        Guard(() => table.ReadAsync(items => items.Get<ShipmentRecord>(Key(orderId))));

    public Task<int?> TryRecordAttemptAsync(string orderId, CancellationToken cancellationToken) =>
        Guard(() => table.WriteAsync<int?>(items =>
        {
            var existing = items.Get<ShipmentRecord>(Key(orderId));
            if (existing is not null && existing.Status != ShipmentStatus.Attempted)
            {
                return null;
            }

            var attempts = (existing?.Attempts ?? 0) + 1;
            items.Put(Key(orderId), new ShipmentRecord(orderId, ShipmentStatus.Attempted, attempts));
            return attempts;
        }, cancellationToken));

    public Task<ShipmentRecord> RecordShipmentAsync(string orderId, CarrierShipment shipment, CancellationToken cancellationToken) =>
        Guard(() => table.WriteAsync(items =>
        {
            var record = items.Get<ShipmentRecord>(Key(orderId))
                ?? throw new InvalidOperationException($"No ship attempt recorded for order {orderId}.");
            if (record.Status != ShipmentStatus.Attempted)
            {
                return record;
            }

            record = record with
            {
                Status = ShipmentStatus.Shipped,
                ShipmentId = shipment.ShipmentId,
                Carrier = shipment.Carrier,
                TrackingNumber = shipment.TrackingNumber,
            };
            items.Put(Key(orderId), record);
            return record;
        }, cancellationToken));

    public Task<ShipmentRecord> RecordCancellationAsync(string orderId, CancellationToken cancellationToken) =>
        Guard(() => table.WriteAsync(items =>
        {
            var record = items.Get<ShipmentRecord>(Key(orderId))
                ?? throw new InvalidOperationException($"No shipment recorded for order {orderId}.");
            if (record.Status != ShipmentStatus.Shipped)
            {
                return record;
            }

            record = record with { Status = ShipmentStatus.Cancelled };
            items.Put(Key(orderId), record);
            return record;
        }, cancellationToken));

    /// <summary>Every order's shipment record (attempted, shipped or cancelled), in order id order.</summary>
    public Task<IReadOnlyList<ShipmentRecord>> ListAsync() =>
        Guard(() => table.ReadAsync(items => items.Scan<ShipmentRecord>(ShipmentPrefix)));

    private static Task<T> Guard<T>(Func<Task<T>> operation) =>
        SqliteFaults.Guard(operation, (message, exception) =>
            new CarrierUnavailableException($"Shipping store unavailable: {message}", exception));

    private static string Key(string orderId) => ShipmentPrefix + orderId;
}
