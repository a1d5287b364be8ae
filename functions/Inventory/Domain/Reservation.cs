using ECommerce.Inventory.Contract;

namespace ECommerce.Inventory.Domain;

/// <summary>Lifecycle of an order's reservation: RESERVED until compensated, then RELEASED for good.</summary>
public enum ReservationStatus
{
    Reserved,
    Released,
}

/// <summary>The stock held for one order, priced at the moment it was reserved.</summary>
public sealed record Reservation(
    string OrderId,
    IReadOnlyList<PricedLine> Lines,
    long TotalAmount,
    string Currency,
    ReservationStatus Status,
    DateTimeOffset ReservedAt);

/// <summary>A catalogue SKU with its available stock and the quantity reserved by orders.</summary>
public sealed record SkuStock(string Sku, int Stock, int Reserved, long UnitPrice, string Currency);

/// <summary>What a release did.</summary>
public enum ReleaseOutcome
{
    /// <summary>This call returned the stock.</summary>
    Released,

    /// <summary>An earlier call had already returned the stock; nothing changed.</summary>
    AlreadyReleased,

    /// <summary>The order never reserved anything; nothing changed.</summary>
    NotFound,
}
