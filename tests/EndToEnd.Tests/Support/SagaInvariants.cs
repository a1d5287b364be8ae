using ECommerce.Inventory.Catalogue;
using ECommerce.Inventory.Domain;
using ECommerce.LocalStores;
using ECommerce.Orders.Domain;
using ECommerce.Payments.Domain;
using ECommerce.Shipping.Domain;

namespace EndToEnd.Tests.Support;

/// <summary>
/// The saga's invariants (docs/architecture: inventory conserved, nothing charged without being shipped unless refunded,
/// compensations only of what happened) checked over the four services' stores. Returns every violation found.
/// </summary>
public static class SagaInvariants
{
    /// <param name="snapshot">The stores after a run.</param>
    /// <param name="addedStock">Stock the test added beyond the fixture catalogue, by SKU, so it is held to the same conservation rule.</param>
    public static IReadOnlyList<string> Violations(EmbeddedStoresSnapshot snapshot, IReadOnlyDictionary<string, int>? addedStock = null)
    {
        var violations = new List<string>();
        CheckInventory(snapshot.Inventory, addedStock, violations);
        CheckPaymentsAndShipments(snapshot, violations);
        foreach (var order in snapshot.Orders)
        {
            CheckOrder(order, snapshot, violations);
        }

        return violations;
    }

    /// <summary>Fails the test with every violation listed, when there is any.</summary>
    public static void AssertHold(EmbeddedStoresSnapshot snapshot, IReadOnlyDictionary<string, int>? addedStock = null)
    {
        var violations = Violations(snapshot, addedStock);
        Assert.True(violations.Count == 0, "Saga invariants broken:\n  " + string.Join("\n  ", violations));
    }

    private static void CheckInventory(InventorySnapshot inventory, IReadOnlyDictionary<string, int>? addedStock, List<string> violations)
    {
        var stocked = CatalogueSeed.Load().ToDictionary(s => s.Sku, s => s.Stock, StringComparer.Ordinal);
        foreach (var (sku, stock) in addedStock ?? new Dictionary<string, int>())
        {
            stocked[sku] = stock;
        }

        var held = inventory.HeldByReservations();
        foreach (var sku in inventory.Skus)
        {
            if (stocked.TryGetValue(sku.Sku, out var initial) && sku.Stock + sku.Reserved != initial)
            {
                violations.Add($"{sku.Sku}: stock {sku.Stock} + reserved {sku.Reserved} = {sku.Stock + sku.Reserved}, stocked {initial}");
            }

            if (sku.Stock < 0 || sku.Reserved < 0)
            {
                violations.Add($"{sku.Sku}: negative counter (stock {sku.Stock}, reserved {sku.Reserved})");
            }

            if (sku.Reserved != held.GetValueOrDefault(sku.Sku))
            {
                violations.Add($"{sku.Sku}: reserved counter {sku.Reserved} but RESERVED reservations hold {held.GetValueOrDefault(sku.Sku)}");
            }
        }

        foreach (var sku in stocked.Keys.Where(s => inventory.Skus.All(k => k.Sku != s)))
        {
            violations.Add($"{sku}: missing from the Inventory table");
        }
    }

    private static void CheckPaymentsAndShipments(EmbeddedStoresSnapshot snapshot, List<string> violations)
    {
        foreach (var charge in snapshot.Charges)
        {
            if (charge.Status is ChargeStatus.Charged or ChargeStatus.Refunded && string.IsNullOrEmpty(charge.ChargeId))
            {
                violations.Add($"{charge.OrderId}: payment {charge.Status} without a charge id");
            }

            if (charge.RefundId is not null && (charge.Status != ChargeStatus.Refunded || string.IsNullOrEmpty(charge.ChargeId)))
            {
                violations.Add($"{charge.OrderId}: refund {charge.RefundId} of a payment that is {charge.Status} (charge id {charge.ChargeId ?? "none"})");
            }
        }

        // The gateway derives a charge id from the order id; two orders sharing one would mean one charge counted twice.
        foreach (var duplicate in snapshot.Charges.Where(c => c.ChargeId is not null).GroupBy(c => c.ChargeId).Where(g => g.Count() > 1))
        {
            violations.Add($"charge {duplicate.Key} recorded for {duplicate.Count()} orders: {string.Join(", ", duplicate.Select(c => c.OrderId))}");
        }

        var reservations = snapshot.Inventory.Reservations.ToDictionary(r => r.OrderId, StringComparer.Ordinal);
        foreach (var charge in snapshot.Charges.Where(c => c.Status == ChargeStatus.Charged || c.Status == ChargeStatus.Refunded))
        {
            if (!reservations.ContainsKey(charge.OrderId))
            {
                violations.Add($"{charge.OrderId}: charged with no inventory reserved");
            }
        }

        var charges = snapshot.Charges.ToDictionary(c => c.OrderId, StringComparer.Ordinal);
        foreach (var shipment in snapshot.Shipments.Where(s => s.Status is ShipmentStatus.Shipped or ShipmentStatus.Cancelled))
        {
            if (!charges.TryGetValue(shipment.OrderId, out var charge) || charge.Status == ChargeStatus.Attempted)
            {
                violations.Add($"{shipment.OrderId}: shipped without a charge");
            }
        }
    }

    private static void CheckOrder(Order order, EmbeddedStoresSnapshot snapshot, List<string> violations)
    {
        var reservation = snapshot.Inventory.Reservations.FirstOrDefault(r => r.OrderId == order.OrderId);
        var charge = snapshot.Charges.FirstOrDefault(c => c.OrderId == order.OrderId);
        var shipment = snapshot.Shipments.FirstOrDefault(s => s.OrderId == order.OrderId);
        switch (order.Status)
        {
            case OrderStatus.Completed:
                Expect(reservation?.Status == ReservationStatus.Reserved, order, $"inventory {reservation?.Status.ToString() ?? "not reserved"}", violations);
                Expect(charge?.Status == ChargeStatus.Charged, order, $"payment {charge?.Status.ToString() ?? "absent"}", violations);
                Expect(shipment?.Status == ShipmentStatus.Shipped, order, $"shipment {shipment?.Status.ToString() ?? "absent"}", violations);
                Expect(charge is null || charge.Amount == order.TotalAmount, order, $"charged {charge?.Amount} but total {order.TotalAmount}", violations);
                Expect(charge is null || charge.ChargeId == order.ChargeId, order, $"order's charge {order.ChargeId}, store's {charge?.ChargeId}", violations);
                break;
            case OrderStatus.Cancelled:
                Expect(!string.IsNullOrWhiteSpace(order.Reason), order, "no reason", violations);
                Expect(reservation is null || reservation.Status == ReservationStatus.Released, order, "inventory still reserved", violations);
                Expect(charge is null || charge.Status != ChargeStatus.Charged, order, "payment charged and not refunded", violations);
                Expect(shipment is null || shipment.Status != ShipmentStatus.Shipped, order, "shipment still shipped", violations);
                Expect(shipment?.Status != ShipmentStatus.Cancelled || charge?.Status == ChargeStatus.Refunded, order,
                    "shipped then cancelled without a refund", violations);
                break;
        }
    }

    private static void Expect(bool condition, Order order, string problem, List<string> violations)
    {
        if (!condition)
        {
            violations.Add($"{order.OrderId} ({order.Status}): {problem}");
        }
    }
}
