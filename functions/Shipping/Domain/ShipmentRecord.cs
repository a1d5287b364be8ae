namespace ECommerce.Shipping.Domain;

/// <summary>Where an order's shipment stands.</summary>
public enum ShipmentStatus
{
    /// <summary>Ship attempts were made, the carrier accepted none yet (the record only counts attempts).</summary>
    Attempted,
    Shipped,
    Cancelled,
}

/// <summary>The Shipping table's record of one order: its ship attempts and the carrier's shipment.</summary>
public sealed record ShipmentRecord(
    string OrderId,
    ShipmentStatus Status,
    int Attempts,
    string? ShipmentId = null,
    string? Carrier = null,
    string? TrackingNumber = null);
