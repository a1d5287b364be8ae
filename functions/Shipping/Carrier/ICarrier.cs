using ECommerce.Shipping.Contract;

namespace ECommerce.Shipping.Carrier;

/// <summary>A shipment as sent to the carrier. <c>Attempt</c> counts this order's ship attempts from 1 (kept in the store).</summary>
public sealed record CarrierShipmentRequest(string OrderId, IReadOnlyList<OrderLine> Lines, ShippingAddress Address, int Attempt);

/// <summary>A shipment the carrier accepted.</summary>
public sealed record CarrierShipment(string ShipmentId, string Carrier, string TrackingNumber);

/// <summary>Port to the shipping carrier. The order id is the idempotency key the carrier dedupes on.</summary>
public interface ICarrier
{
    /// <exception cref="Domain.AddressUnserviceableException">The carrier does not deliver there.</exception>
    /// <exception cref="Domain.CarrierUnavailableException">The carrier could not be reached; retry later.</exception>
    Task<CarrierShipment> CreateShipmentAsync(CarrierShipmentRequest request, CancellationToken cancellationToken);

    /// <exception cref="Domain.CarrierUnavailableException">The carrier could not be reached; retry later.</exception>
    Task CancelShipmentAsync(string orderId, string shipmentId, CancellationToken cancellationToken);
}
