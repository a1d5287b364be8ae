namespace ECommerce.Inventory.Contract;

/// <summary>One order line as the saga sends it: a catalogue SKU and a positive quantity.</summary>
public sealed record OrderLine(string Sku, int Quantity);

/// <summary>Input of <c>ReserveInventory</c>.</summary>
public sealed record ReserveInventoryRequest(string OrderId, IReadOnlyList<OrderLine> Lines);

/// <summary>An order line priced from the catalogue (unit price in minor units).</summary>
public sealed record PricedLine(string Sku, int Quantity, long UnitPrice);

/// <summary>Output of <c>ReserveInventory</c>: the priced lines and their total in minor units.</summary>
public sealed record ReserveInventoryResponse(string OrderId, IReadOnlyList<PricedLine> Lines, long TotalAmount, string Currency);

/// <summary>Input of <c>ReleaseInventory</c>.</summary>
public sealed record ReleaseInventoryRequest(string OrderId);

/// <summary>Output of <c>ReleaseInventory</c>; <c>Released</c> is false only when the order never had a reservation.</summary>
public sealed record ReleaseInventoryResponse(string OrderId, bool Released);
