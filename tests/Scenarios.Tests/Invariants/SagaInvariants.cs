using ECommerce.Inventory.Domain;
using ECommerce.Orders.Domain;
using Scenarios.Tests.Harness;
using StatesLanguage.Runtime;

namespace Scenarios.Tests.Invariants;

/// <summary>One broken invariant: which order (or SKU), which rule, and what was seen.</summary>
public sealed record InvariantViolation(string Subject, string Invariant, string Detail)
{
    public override string ToString() => $"{Subject}: {Invariant}: {Detail}";
}

/// <summary>
/// The invariants of docs/architecture ("Invariants the saga must keep"), checked after every execution ended:
/// against the stores, the provider ledger (what the gateway and carrier really did) and the alerts.
/// </summary>
public static class SagaInvariants
{
    public const string InventoryConserved = "Inventory is conserved";
    public const string NothingChargedUnlessShippedOrRefunded = "Nothing charged without shipped unless refunded";
    public const string EveryOrderTerminal = "Every order reaches a terminal status";
    public const string EveryStepIdempotent = "Every step is idempotent";

    /// <param name="initialStock">Stock per SKU before the run.</param>
    /// <param name="acceptNeedsAttention">
    /// True while FAILED orders (compensation exhausted, alert published) may still hold money or stock; false once
    /// they were redriven and must have settled like any other order.
    /// </param>
    public static async Task<IReadOnlyList<InvariantViolation>> CheckAsync(SagaWorld world, IReadOnlyCollection<string> orderIds,
        IReadOnlyDictionary<string, int> initialStock, bool acceptNeedsAttention = true)
    {
        ArgumentNullException.ThrowIfNull(world);
        var violations = new List<InvariantViolation>();
        var reservedByOrders = new Dictionary<string, int>(StringComparer.Ordinal);
        var alerted = world.Alerts.Published.Select(a => a.OrderId).ToHashSet(StringComparer.Ordinal);
        foreach (var orderId in orderIds)
        {
            void Violated(string invariant, string detail) => violations.Add(new InvariantViolation(orderId, invariant, detail));

            var order = await world.OrderAsync(orderId);
            var reservation = await world.ReservationAsync(orderId);
            if (reservation is { Status: ReservationStatus.Reserved })
            {
                foreach (var line in reservation.Lines)
                {
                    reservedByOrders[line.Sku] = reservedByOrders.GetValueOrDefault(line.Sku) + line.Quantity;
                }
            }

            var execution = world.ExecutionOf(orderId);
            if (order is null || execution is null)
            {
                Violated(EveryOrderTerminal, $"order {(order is null ? "never recorded" : "recorded")}, execution {(execution is null ? "never started" : "started")}");
                continue;
            }

            if (execution.Status == ExecutionStatus.RUNNING)
            {
                Violated(EveryOrderTerminal, "its execution is still RUNNING");
            }

            var ledger = world.Ledger.For(orderId);
            var needsAttention = order.Status == OrderStatus.Failed;
            switch (order.Status)
            {
                case OrderStatus.Completed:
                    if (!ledger.HoldsMoney || !ledger.GoodsShipped || reservation?.Status != ReservationStatus.Reserved)
                    {
                        Violated(EveryOrderTerminal, $"COMPLETED but charged={ledger.HoldsMoney}, shipped={ledger.GoodsShipped}, reservation={reservation?.Status}");
                    }

                    break;
                case OrderStatus.Cancelled:
                    if (string.IsNullOrWhiteSpace(order.Reason))
                    {
                        Violated(EveryOrderTerminal, "CANCELLED without a reason");
                    }

                    if (ledger.GoodsShipped || reservation?.Status == ReservationStatus.Reserved)
                    {
                        Violated(EveryOrderTerminal, $"CANCELLED but shipped={ledger.GoodsShipped}, reservation={reservation?.Status}");
                    }

                    break;
                case OrderStatus.Failed:
                    if (!alerted.Contains(orderId))
                    {
                        Violated(EveryOrderTerminal, "FAILED without an alert");
                    }

                    if (!acceptNeedsAttention)
                    {
                        Violated(EveryOrderTerminal, $"still FAILED after its redrive: {order.Reason}");
                    }

                    break;
                default:
                    Violated(EveryOrderTerminal, $"stays {order.Status} (execution {execution.Status} {execution.Error})");
                    break;
            }

            if (ledger.HoldsMoney && !ledger.GoodsShipped && !(needsAttention && acceptNeedsAttention))
            {
                Violated(NothingChargedUnlessShippedOrRefunded, $"charged {string.Join(",", ledger.Charges)}, not shipped, not refunded (order {order.Status})");
            }

            if (ledger.GoodsShipped && !ledger.HoldsMoney)
            {
                Violated(NothingChargedUnlessShippedOrRefunded, $"shipped without a charge that stands (order {order.Status})");
            }

            foreach (var (what, calls) in new[] { ("charge", ledger.Charges), ("refund", ledger.Refunds), ("shipment", ledger.Shipments), ("cancellation", ledger.CancelledShipments) })
            {
                if (calls.Count > 1)
                {
                    Violated(EveryStepIdempotent, $"{calls.Count} {what}s completed with the provider");
                }
            }
        }

        foreach (var breach in world.Functions.Breaches)
        {
            violations.Add(new InvariantViolation(breach.OrderId, EveryStepIdempotent,
                $"{breach.Handler} answered {breach.FirstAnswer} then {breach.SecondAnswer}"));
        }

        foreach (var (sku, initial) in initialStock)
        {
            var stock = await world.SkuAsync(sku);
            if (stock.Stock + stock.Reserved != initial || stock.Reserved != reservedByOrders.GetValueOrDefault(sku))
            {
                violations.Add(new InvariantViolation(sku, InventoryConserved,
                    $"available {stock.Stock} + reserved {stock.Reserved} (orders hold {reservedByOrders.GetValueOrDefault(sku)}), stocked {initial}"));
            }
        }

        return violations;
    }
}
