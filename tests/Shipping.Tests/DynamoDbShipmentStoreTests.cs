using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using ECommerce.Shipping.Carrier;
using ECommerce.Shipping.Contract;
using ECommerce.Shipping.Domain;
using ECommerce.Shipping.Storage;
using ECommerce.TestSupport;

namespace ECommerce.Shipping.Tests;

/// <summary>The DynamoDB adapter for real, against moto_server on loopback (skipped when moto_server is missing).</summary>
public sealed class DynamoDbShipmentStoreTests(MotoServerFixture moto) : IAsyncLifetime
{
    private AmazonDynamoDBClient? _client;
    private string _table = "";
    private DynamoDbShipmentStore _store = null!;
    private SimulatedCarrier _carrier = null!;
    private ShippingService _service = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        if (!moto.IsAvailable)
        {
            return;
        }

        _table = MotoServerFixture.UniqueName("shipping");
        await moto.CreateTableAsync(_table, Ct);
        _client = moto.CreateDynamoDbClient();
        _store = new DynamoDbShipmentStore(_client, _table);
        _carrier = new SimulatedCarrier();
        _service = new ShippingService(_store, _carrier);
    }

    public ValueTask DisposeAsync()
    {
        _client?.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task ShipAsync_Twice_WritesOneShipmentItemWithTheContractAttributes()
    {
        moto.SkipIfUnavailable();

        var first = await _service.ShipAsync(ShippingServiceTests.Ship("o-1"), Ct);
        var second = await _service.ShipAsync(ShippingServiceTests.Ship("o-1"), Ct);

        Assert.Equal(first, second);
        var item = await RawItem("o-1");
        Assert.Equal("SHIPPED", item["status"].S);
        Assert.Equal(first.ShipmentId, item["shipmentId"].S);
        Assert.Equal("SIMULATED", item["carrier"].S);
        Assert.Equal(first.TrackingNumber, item["trackingNumber"].S);
        Assert.Equal("1", item["attempts"].N);
    }

    [Fact]
    public async Task ShipAsync_OutagePostalCode_CountsAttemptsInTheTable()
    {
        moto.SkipIfUnavailable();
        var request = ShippingServiceTests.Ship("o-1", postalCode: "OUTAGE-2");

        await Assert.ThrowsAsync<CarrierUnavailableException>(() => _service.ShipAsync(request, Ct));
        await Assert.ThrowsAsync<CarrierUnavailableException>(() => new ShippingService(_store, new SimulatedCarrier()).ShipAsync(request, Ct));
        Assert.False((await RawItem("o-1")).ContainsKey("status"));
        await new ShippingService(_store, new SimulatedCarrier()).ShipAsync(request, Ct);

        Assert.Equal("3", (await RawItem("o-1"))["attempts"].N);
    }

    [Fact]
    public async Task RecordShipmentAsync_Twice_KeepsTheFirstShipment()
    {
        moto.SkipIfUnavailable();
        await _store.TryRecordAttemptAsync("o-1", Ct);

        var first = await _store.RecordShipmentAsync("o-1", new CarrierShipment("shp_1", "ACME", "T1"), Ct);
        var second = await _store.RecordShipmentAsync("o-1", new CarrierShipment("shp_2", "ACME", "T2"), Ct);

        Assert.Equal(new ShipmentRecord("o-1", ShipmentStatus.Shipped, 1, "shp_1", "ACME", "T1"), first);
        Assert.Equal(first, second);
        Assert.Null(await _store.TryRecordAttemptAsync("o-1", Ct));
    }

    [Fact]
    public async Task CancelAsync_Twice_MovesShippedToCancelledOnce()
    {
        moto.SkipIfUnavailable();
        await _service.ShipAsync(ShippingServiceTests.Ship("o-1"), Ct);

        var first = await _service.CancelAsync(new CancelShipmentRequest("o-1"), Ct);
        var second = await _service.CancelAsync(new CancelShipmentRequest("o-1"), Ct);

        Assert.Equal(first, second);
        Assert.True(first.Cancelled);
        Assert.Equal("CANCELLED", (await RawItem("o-1"))["status"].S);
    }

    [Fact]
    public async Task CancelAsync_NeverShipped_IsANoOpAndWritesNothing()
    {
        moto.SkipIfUnavailable();

        Assert.False((await _service.CancelAsync(new CancelShipmentRequest("o-1"), Ct)).Cancelled);
        Assert.False((await _service.CancelAsync(new CancelShipmentRequest("o-1"), Ct)).Cancelled);

        Assert.Null(await _store.GetAsync("o-1", Ct));
    }

    [Fact]
    public async Task CancelAsync_CarrierDown_LeavesTheShipmentInPlaceForARetry()
    {
        moto.SkipIfUnavailable();
        await _service.ShipAsync(ShippingServiceTests.Ship("o-1"), Ct);
        _carrier.CancellationsAvailable = false;

        await Assert.ThrowsAsync<CarrierUnavailableException>(() => _service.CancelAsync(new CancelShipmentRequest("o-1"), Ct));
        Assert.Equal("SHIPPED", (await RawItem("o-1"))["status"].S);

        _carrier.CancellationsAvailable = true;
        Assert.True((await _service.CancelAsync(new CancelShipmentRequest("o-1"), Ct)).Cancelled);
    }

    private async Task<Dictionary<string, AttributeValue>> RawItem(string orderId) =>
        (await _client!.GetItemAsync(_table, new() { ["pk"] = new AttributeValue { S = "SHIPMENT#" + orderId } }, Ct)).Item;
}
