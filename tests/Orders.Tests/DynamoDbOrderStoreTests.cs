using Amazon.DynamoDBv2;
using Amazon.Runtime;
using ECommerce.Orders.Domain;
using ECommerce.Orders.Storage;
using ECommerce.TestSupport;

namespace ECommerce.Orders.Tests;

/// <summary>The DynamoDB adapter against moto_server: every operation runs twice to show repeats change nothing.</summary>
public sealed class DynamoDbOrderStoreTests(MotoServerFixture moto) : IClassFixture<MotoServerFixture>, IDisposable
{
    private static readonly DateTimeOffset Created = new(2026, 11, 23, 12, 0, 0, 123, TimeSpan.Zero);

    private readonly List<IDisposable> _clients = [];

    private async Task<DynamoDbOrderStore> CreateStoreAsync()
    {
        var table = MotoServerFixture.UniqueName("orders");
        await moto.CreateTableAsync(table, TestContext.Current.CancellationToken);
        var client = moto.CreateDynamoDbClient();
        _clients.Add(client);
        return new DynamoDbOrderStore(client, table);
    }

    private static Order Pending(string orderId) => new()
    {
        OrderId = orderId,
        Status = OrderStatus.Pending,
        CustomerId = "c-1",
        Lines = [new("SKU-1", 2), new("SKU-3", 1)],
        CreatedAt = Created,
        UpdatedAt = Created,
    };

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task TryCreateAsync_Twice_SecondIsRefusedAndTheFirstIsKept()
    {
        var store = await CreateStoreAsync();
        var ct = TestContext.Current.CancellationToken;

        var first = await store.TryCreateAsync(Pending("o-1"), ct);
        var second = await store.TryCreateAsync(Pending("o-1") with { CustomerId = "other", Status = OrderStatus.Rejected }, ct);

        Assert.True(first);
        Assert.False(second);
        var stored = (await store.GetAsync("o-1", ct))!;
        Assert.Equal(Pending("o-1") with { Lines = stored.Lines }, stored);
        Assert.Equal(Pending("o-1").Lines, stored.Lines);
    }

    [Fact]
    public async Task GetAsync_Missing_ReturnsNullEveryTime()
    {
        var store = await CreateStoreAsync();
        var ct = TestContext.Current.CancellationToken;

        Assert.Null(await store.GetAsync("nobody", ct));
        Assert.Null(await store.GetAsync("nobody", ct));
    }

    [Fact]
    public async Task SetExecutionArnAsync_Twice_SameResultAndMissingOrderRefused()
    {
        var store = await CreateStoreAsync();
        var ct = TestContext.Current.CancellationToken;
        await store.TryCreateAsync(Pending("o-2"), ct);
        const string arn = "arn:aws:states:us-east-1:123456789012:execution:order-saga:o-2";

        Assert.True(await store.SetExecutionArnAsync("o-2", arn, Created.AddSeconds(1), ct));
        Assert.True(await store.SetExecutionArnAsync("o-2", arn, Created.AddSeconds(1), ct));
        Assert.False(await store.SetExecutionArnAsync("ghost", arn, Created, ct));

        var stored = (await store.GetAsync("o-2", ct))!;
        Assert.Equal((arn, Created.AddSeconds(1)), (stored.ExecutionArn, stored.UpdatedAt));
        Assert.Null(await store.GetAsync("ghost", ct));
    }

    [Fact]
    public async Task TryChangeStatusAsync_Twice_OnlyTheFirstMatchesTheExpectedStatus()
    {
        var store = await CreateStoreAsync();
        var ct = TestContext.Current.CancellationToken;
        await store.TryCreateAsync(Pending("o-3"), ct);
        var completed = new OrderStatusChange("o-3", OrderStatus.Completed, null, Created.AddMinutes(1), 4497, "USD", "ch_1", "TRK-1");

        Assert.True(await store.TryChangeStatusAsync(completed, OrderStatus.Pending, ct));
        Assert.False(await store.TryChangeStatusAsync(completed, OrderStatus.Pending, ct));
        Assert.False(await store.TryChangeStatusAsync(completed with { OrderId = "ghost" }, OrderStatus.Pending, ct));

        var stored = (await store.GetAsync("o-3", ct))!;
        Assert.Equal(
            (OrderStatus.Completed, 4497L, "USD", "ch_1", "TRK-1", Created.AddMinutes(1)),
            (stored.Status, stored.TotalAmount!.Value, stored.Currency, stored.ChargeId, stored.TrackingNumber, stored.UpdatedAt));
        Assert.Null(await store.GetAsync("ghost", ct));
    }

    [Fact]
    public async Task TryChangeStatusAsync_NullReason_RemovesTheOldReason()
    {
        var store = await CreateStoreAsync();
        var ct = TestContext.Current.CancellationToken;
        await store.TryCreateAsync(Pending("o-4"), ct);
        await store.TryChangeStatusAsync(new OrderStatusChange("o-4", OrderStatus.Failed, "FAILED: X: y", Created), OrderStatus.Pending, ct);
        Assert.Equal("FAILED: X: y", (await store.GetAsync("o-4", ct))!.Reason);

        Assert.True(await store.TryChangeStatusAsync(new OrderStatusChange("o-4", OrderStatus.Completed, null, Created), OrderStatus.Failed, ct));
        Assert.True(await store.TryChangeStatusAsync(new OrderStatusChange("o-4", OrderStatus.Completed, null, Created), OrderStatus.Completed, ct));

        var stored = (await store.GetAsync("o-4", ct))!;
        Assert.Equal((OrderStatus.Completed, (string?)null), (stored.Status, stored.Reason));
    }

    [Fact]
    public async Task AnyOperation_EndpointDown_ThrowsOrdersUnavailable()
    {
        using var client = new AmazonDynamoDBClient(
            new BasicAWSCredentials("testing", "testing"),
            new AmazonDynamoDBConfig { ServiceURL = $"http://127.0.0.1:{FreeTcpPort.Next()}", MaxErrorRetry = 0, AuthenticationRegion = "us-east-1" });
        var store = new DynamoDbOrderStore(client, "orders");

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => store.GetAsync("o-1", TestContext.Current.CancellationToken));

        Assert.Equal(DependencyUnavailableException.OrdersUnavailable, error.ErrorType);
        Assert.True(error.IsTransient);
    }
}
