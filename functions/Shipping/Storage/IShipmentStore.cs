using ECommerce.Shipping.Carrier;
using ECommerce.Shipping.Domain;

namespace ECommerce.Shipping.Storage;

/// <summary>Port to the Shipping table: one <see cref="ShipmentRecord"/> per order.</summary>
public interface IShipmentStore
{
    Task<ShipmentRecord?> GetAsync(string orderId, CancellationToken cancellationToken);

    /// <summary>
    /// Counts one more ship attempt for the order (creating its record) and returns the attempt number, starting at 1;
    /// returns null, changing nothing, when the order is already shipped or cancelled.
    /// </summary>
    Task<int?> TryRecordAttemptAsync(string orderId, CancellationToken cancellationToken);

    /// <summary>Marks the order SHIPPED with the carrier's shipment unless it already is; returns the record as stored.</summary>
    Task<ShipmentRecord> RecordShipmentAsync(string orderId, CarrierShipment shipment, CancellationToken cancellationToken);

    /// <summary>Moves the order SHIPPED→CANCELLED, once; returns the record as stored.</summary>
    Task<ShipmentRecord> RecordCancellationAsync(string orderId, CancellationToken cancellationToken);
}
