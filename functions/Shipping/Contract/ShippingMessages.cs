namespace ECommerce.Shipping.Contract;

/// <summary>One order line to ship.</summary>
public sealed record OrderLine(string Sku, int Quantity);

/// <summary>The delivery address of the order contract; country is ISO 3166-1 alpha-2.</summary>
public sealed record ShippingAddress(
    string Name,
    string Line1,
    string City,
    string PostalCode,
    string Country,
    string? Line2 = null,
    string? Region = null);

/// <summary>Input of <c>ShipOrder</c>.</summary>
public sealed record ShipOrderRequest(string OrderId, IReadOnlyList<OrderLine> Lines, ShippingAddress Shipping);

/// <summary>Output of <c>ShipOrder</c>.</summary>
public sealed record ShipOrderResponse(string OrderId, string ShipmentId, string Carrier, string TrackingNumber);

/// <summary>Input of <c>CancelShipment</c>.</summary>
public sealed record CancelShipmentRequest(string OrderId);

/// <summary>Output of <c>CancelShipment</c>; <c>Cancelled</c> is false only when the order was never shipped.</summary>
public sealed record CancelShipmentResponse(string OrderId, bool Cancelled);
