using ECommerce.Orders.Domain;
using ECommerce.Orders.Storage;
using static ECommerce.LocalStores.Tests.TestData;

namespace ECommerce.LocalStores.Tests;

/// <summary>What the Orders port promises, run against the in-memory adapter and the SQLite one.</summary>
public abstract class OrderStoreContractTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 23, 12, 0, 0, 123, TimeSpan.Zero);
    private readonly Lazy<IOrderStore> _store;

    protected OrderStoreContractTests() => _store = new(CreateStore);

    private IOrderStore Store => _store.Value;

    protected abstract IOrderStore CreateStore();

    private static Order Pending(string orderId) => new()
    {
        OrderId = orderId,
        Status = OrderStatus.Pending,
        CustomerId = "c-1",
        Lines = [new("SKU-1", 2), new("SKU-3", 1)],
        CreatedAt = Created,
        UpdatedAt = Created,
    };

    [Fact]
    public async Task TryCreateAsync_Twice_SecondIsRefusedAndTheFirstIsKept()
    {
        Assert.True(await Store.TryCreateAsync(Pending("o-1"), Ct));
        Assert.False(await Store.TryCreateAsync(Pending("o-1") with { CustomerId = "other", Status = OrderStatus.Rejected }, Ct));

        var stored = (await Store.GetAsync("o-1", Ct))!;
        Assert.Equal(Pending("o-1") with { Lines = stored.Lines }, stored);
        Assert.Equal(Pending("o-1").Lines, stored.Lines);
    }

    [Fact]
    public async Task GetAsync_Missing_ReturnsNullEveryTime()
    {
        Assert.Null(await Store.GetAsync("nobody", Ct));
        Assert.Null(await Store.GetAsync("nobody", Ct));
    }

    [Fact]
    public async Task SetExecutionArnAsync_Twice_SameResultAndAMissingOrderIsRefused()
    {
        await Store.TryCreateAsync(Pending("o-2"), Ct);
        const string arn = "arn:aws:states:us-east-1:123456789012:execution:order-saga:o-2";

        Assert.True(await Store.SetExecutionArnAsync("o-2", arn, Created.AddSeconds(1), Ct));
        Assert.True(await Store.SetExecutionArnAsync("o-2", arn, Created.AddSeconds(1), Ct));
        Assert.False(await Store.SetExecutionArnAsync("ghost", arn, Created, Ct));

        var stored = (await Store.GetAsync("o-2", Ct))!;
        Assert.Equal((arn, Created.AddSeconds(1), OrderStatus.Pending), (stored.ExecutionArn, stored.UpdatedAt, stored.Status));
        Assert.Null(await Store.GetAsync("ghost", Ct));
    }

    [Fact]
    public async Task TryChangeStatusAsync_Twice_OnlyTheFirstMatchesTheExpectedStatus()
    {
        await Store.TryCreateAsync(Pending("o-3"), Ct);
        var completed = new OrderStatusChange("o-3", OrderStatus.Completed, null, Created.AddMinutes(1), 4497, "USD", "ch_1", "TRK-1");

        Assert.True(await Store.TryChangeStatusAsync(completed, OrderStatus.Pending, Ct));
        Assert.False(await Store.TryChangeStatusAsync(completed, OrderStatus.Pending, Ct));
        Assert.False(await Store.TryChangeStatusAsync(completed with { OrderId = "ghost" }, OrderStatus.Pending, Ct));

        var stored = (await Store.GetAsync("o-3", Ct))!;
        Assert.Equal(
            (OrderStatus.Completed, 4497L, "USD", "ch_1", "TRK-1", Created.AddMinutes(1), "c-1"),
            (stored.Status, stored.TotalAmount!.Value, stored.Currency, stored.ChargeId, stored.TrackingNumber, stored.UpdatedAt,
                stored.CustomerId));
        Assert.Null(await Store.GetAsync("ghost", Ct));
    }

    [Fact]
    public async Task TryChangeStatusAsync_FactsNotGiven_KeepsTheOnesAlreadyRecorded()
    {
        await Store.TryCreateAsync(Pending("o-5"), Ct);
        await Store.TryChangeStatusAsync(
            new OrderStatusChange("o-5", OrderStatus.Failed, "FAILED: X: y", Created, 100, "USD", "ch_1"), OrderStatus.Pending, Ct);

        Assert.True(await Store.TryChangeStatusAsync(
            new OrderStatusChange("o-5", OrderStatus.Cancelled, "refunded", Created.AddMinutes(2)), OrderStatus.Failed, Ct));

        var stored = (await Store.GetAsync("o-5", Ct))!;
        Assert.Equal((OrderStatus.Cancelled, "refunded", 100L, "USD", "ch_1", (string?)null),
            (stored.Status, stored.Reason, stored.TotalAmount!.Value, stored.Currency, stored.ChargeId, stored.TrackingNumber));
    }

    [Fact]
    public async Task TryChangeStatusAsync_NullReason_RemovesTheOldReason()
    {
        await Store.TryCreateAsync(Pending("o-4"), Ct);
        await Store.TryChangeStatusAsync(new OrderStatusChange("o-4", OrderStatus.Failed, "FAILED: X: y", Created), OrderStatus.Pending, Ct);
        Assert.Equal("FAILED: X: y", (await Store.GetAsync("o-4", Ct))!.Reason);

        var completed = new OrderStatusChange("o-4", OrderStatus.Completed, null, Created);
        Assert.True(await Store.TryChangeStatusAsync(completed, OrderStatus.Failed, Ct));
        Assert.True(await Store.TryChangeStatusAsync(completed, OrderStatus.Completed, Ct));

        var stored = (await Store.GetAsync("o-4", Ct))!;
        Assert.Equal((OrderStatus.Completed, (string?)null), (stored.Status, stored.Reason));
    }

    [Fact]
    public async Task TryChangeStatusAsync_ConcurrentWritersExpectingTheSameStatus_OnlyOneWins()
    {
        await Store.TryCreateAsync(Pending("o-6"), Ct);

        var wins = await Task.WhenAll(Enumerable.Range(0, 20).Select(writer => Task.Run(() => Store.TryChangeStatusAsync(
            new OrderStatusChange("o-6", writer % 2 == 0 ? OrderStatus.Completed : OrderStatus.Cancelled, $"writer {writer}", Created),
            OrderStatus.Pending,
            Ct), Ct)));

        Assert.Single(wins, won => won);
        var winner = Array.IndexOf(wins, true);
        Assert.Equal($"writer {winner}", (await Store.GetAsync("o-6", Ct))!.Reason);
    }
}

public sealed class InMemoryOrderStoreContractTests : OrderStoreContractTests
{
    protected override IOrderStore CreateStore() => new InMemoryOrderStore();
}

public sealed class SqliteOrderStoreContractTests : OrderStoreContractTests, IDisposable
{
    private readonly TempFolder _folder = new();
    private SqliteDocumentStore? _table;

    protected override IOrderStore CreateStore()
    {
        _table = new SqliteDocumentStore(_folder.File("orders.db"));
        return new SqliteOrderStore(_table);
    }

    public void Dispose()
    {
        _table?.Dispose();
        _folder.Dispose();
    }
}
