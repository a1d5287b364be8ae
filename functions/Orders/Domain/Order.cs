namespace ECommerce.Orders.Domain;

/// <summary>The order statuses; PENDING is the only non-terminal one (FAILED waits for a redrive).</summary>
public static class OrderStatus
{
    public const string Pending = "PENDING";
    public const string Completed = "COMPLETED";
    public const string Cancelled = "CANCELLED";
    public const string Failed = "FAILED";
    public const string Rejected = "REJECTED";

    /// <summary>
    /// The saga may move an order PENDING→COMPLETED|CANCELLED|FAILED and, after a redrive, FAILED→CANCELLED|COMPLETED.
    /// REJECTED (an invalid body) never had a saga and never changes.
    /// </summary>
    public static bool CanMove(string from, string to) => (from, to) switch
    {
        (Pending, Completed or Cancelled or Failed) => true,
        (Failed, Cancelled or Completed) => true,
        _ => false,
    };

    /// <summary>True for the statuses RecordOrderStatus accepts as a target.</summary>
    public static bool IsSagaOutcome(string status) => status is Completed or Cancelled or Failed;
}

/// <summary>An order line as stored (quantity only; prices come from the catalogue).</summary>
public sealed record StoredOrderLine(string Sku, int Quantity);

/// <summary>An order as the Orders service keeps it.</summary>
public sealed record Order
{
    public required string OrderId { get; init; }
    public required string Status { get; init; }
    public string? Reason { get; init; }
    public string? CustomerId { get; init; }
    public IReadOnlyList<StoredOrderLine> Lines { get; init; } = [];
    public long? TotalAmount { get; init; }
    public string? Currency { get; init; }
    public string? ChargeId { get; init; }
    public string? TrackingNumber { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public string? ExecutionArn { get; init; }
}

/// <summary>A status change with the facts the saga learned on the way.</summary>
public sealed record OrderStatusChange(
    string OrderId,
    string Status,
    string? Reason,
    DateTimeOffset UpdatedAt,
    long? TotalAmount = null,
    string? Currency = null,
    string? ChargeId = null,
    string? TrackingNumber = null,
    string? ExecutionArn = null);
