using ECommerce.Inventory.Domain;
using ECommerce.Orders.Domain;

namespace Scenarios.Tests.Harness;

/// <summary>The business outcomes the scenario tests assert, shared so a broken definition can be shown to fail them.</summary>
public static class SagaAssertions
{
    /// <summary>The order is CANCELLED and its reason starts with the error that cancelled it.</summary>
    public static async Task CancelledAsync(SagaWorld world, string orderId, string error)
    {
        ArgumentNullException.ThrowIfNull(world);
        var order = await world.OrderAsync(orderId);
        Assert.Equal(OrderStatus.Cancelled, order!.Status);
        Assert.StartsWith(error, order.Reason, StringComparison.Ordinal);
    }

    /// <summary>
    /// Everything the order took was given back: its SKU-1 x2 reservation released (stock back to 100), no money held
    /// with the provider, no shipment on its way.
    /// </summary>
    public static async Task FullyCompensatedAsync(SagaWorld world, string orderId)
    {
        ArgumentNullException.ThrowIfNull(world);
        Assert.Equal(ReservationStatus.Released, (await world.ReservationAsync(orderId))!.Status);
        Assert.Equal(new SkuStock("SKU-1", 100, 0, 1999, "USD"), await world.SkuAsync("SKU-1"));
        var ledger = world.Ledger.For(orderId);
        Assert.False(ledger.HoldsMoney, $"Order {orderId} still holds money: charges {string.Join(",", ledger.Charges)}, refunds {string.Join(",", ledger.Refunds)}");
        Assert.False(ledger.GoodsShipped, $"Order {orderId} has a shipment that was not cancelled.");
    }
}
