using ECommerce.Orders.Domain;
using static ECommerce.LocalStores.Tests.TestData;

namespace ECommerce.LocalStores.Tests;

/// <summary>The SQLite order store tells in-process listeners about committed status changes (the load driver's signal).</summary>
public sealed class OrderStatusChangedTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly SqliteDocumentStore _table;
    private readonly SqliteOrderStore _store;

    public OrderStatusChangedTests()
    {
        _table = new SqliteDocumentStore(_folder.File("orders.db"));
        _store = new SqliteOrderStore(_table);
    }

    public void Dispose()
    {
        _table.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task TryChangeStatusAsync_Applied_RaisesStatusChangedWithTheOrderAsCommitted()
    {
        await _store.TryCreateAsync(new Order { OrderId = "o-1", Status = OrderStatus.Pending, CreatedAt = Now, UpdatedAt = Now }, Ct);
        var seen = new List<(Order Order, Order? Stored)>();
        _store.StatusChanged += (_, change) => seen.Add((change.Order, _store.GetAsync(change.Order.OrderId, Ct).GetAwaiter().GetResult()));

        Assert.True(await _store.TryChangeStatusAsync(new OrderStatusChange("o-1", OrderStatus.Completed, null, Now, TrackingNumber: "T-1"),
            OrderStatus.Pending, Ct));

        var (order, stored) = Assert.Single(seen);
        Assert.Equal((OrderStatus.Completed, "T-1"), (order.Status, order.TrackingNumber));
        // Already committed when raised: a read from the handler sees the new status.
        Assert.Equal((order.Status, order.TrackingNumber, order.UpdatedAt), (stored!.Status, stored.TrackingNumber, stored.UpdatedAt));
    }

    [Fact]
    public async Task TryChangeStatusAsync_Refused_RaisesNothing()
    {
        await _store.TryCreateAsync(new Order { OrderId = "o-2", Status = OrderStatus.Completed, CreatedAt = Now, UpdatedAt = Now }, Ct);
        var raised = 0;
        _store.StatusChanged += (_, _) => raised++;

        Assert.False(await _store.TryChangeStatusAsync(new OrderStatusChange("o-2", OrderStatus.Cancelled, "late", Now), OrderStatus.Pending, Ct));
        Assert.False(await _store.TryChangeStatusAsync(new OrderStatusChange("ghost", OrderStatus.Cancelled, "none", Now), OrderStatus.Pending, Ct));

        Assert.Equal(0, raised);
    }
}
