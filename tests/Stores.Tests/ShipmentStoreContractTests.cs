using ECommerce.Shipping;
using ECommerce.Shipping.Carrier;
using ECommerce.Shipping.Contract;
using ECommerce.Shipping.Domain;
using ECommerce.Shipping.Storage;
using static ECommerce.LocalStores.Tests.TestData;

namespace ECommerce.LocalStores.Tests;

/// <summary>What the Shipping port promises, run against the in-memory adapter and the SQLite one.</summary>
public abstract class ShipmentStoreContractTests
{
    private readonly Lazy<IShipmentStore> _store;
    private readonly SimulatedCarrier _carrier = new();

    protected ShipmentStoreContractTests() => _store = new(CreateStore);

    private IShipmentStore Store => _store.Value;

    private ShippingService Service => new(Store, _carrier);

    protected abstract IShipmentStore CreateStore();

    private static ShipOrderRequest Ship(string orderId, string country = "US", string postalCode = "12345") =>
        new(orderId, [new OrderLine("SKU-1", 2)], new ShippingAddress("A B", "1 Main St", "Springfield", postalCode, country));

    [Fact]
    public async Task ShipAsync_Twice_RecordsOneShipmentWithEveryField()
    {
        var first = await Service.ShipAsync(Ship("o-1"), Ct);
        var second = await Service.ShipAsync(Ship("o-1"), Ct);

        Assert.Equal(first, second);
        Assert.Equal(
            new ShipmentRecord("o-1", ShipmentStatus.Shipped, 1, first.ShipmentId, SimulatedCarrier.CarrierName, first.TrackingNumber),
            await Store.GetAsync("o-1", Ct));
    }

    [Fact]
    public async Task ShipAsync_OutagePostalCode_CountsAttemptsInTheStoreAcrossServiceInstances()
    {
        var request = Ship("o-1", postalCode: "OUTAGE-2");

        await Assert.ThrowsAsync<CarrierUnavailableException>(() => Service.ShipAsync(request, Ct));
        await Assert.ThrowsAsync<CarrierUnavailableException>(
            () => new ShippingService(Store, new SimulatedCarrier()).ShipAsync(request, Ct));
        Assert.Equal(new ShipmentRecord("o-1", ShipmentStatus.Attempted, 2), await Store.GetAsync("o-1", Ct));
        var response = await new ShippingService(Store, new SimulatedCarrier()).ShipAsync(request, Ct);

        var record = await Store.GetAsync("o-1", Ct);
        Assert.Equal((ShipmentStatus.Shipped, 3, response.ShipmentId), (record!.Status, record.Attempts, record.ShipmentId));
    }

    [Fact]
    public async Task ShipAsync_Unserviceable_LeavesOnlyTheAttemptAndCancelIsANoOp()
    {
        await Assert.ThrowsAsync<AddressUnserviceableException>(() => Service.ShipAsync(Ship("o-1", country: "AQ"), Ct));

        Assert.False((await Service.CancelAsync(new CancelShipmentRequest("o-1"), Ct)).Cancelled);
        Assert.Equal(new ShipmentRecord("o-1", ShipmentStatus.Attempted, 1), await Store.GetAsync("o-1", Ct));
    }

    [Fact]
    public async Task ShipAsync_ConcurrentRepeats_RecordOneShipment()
    {
        var shipments = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Service.ShipAsync(Ship("o-1"), Ct), Ct)));

        Assert.Single(shipments.Distinct());
        Assert.Equal(ShipmentStatus.Shipped, (await Store.GetAsync("o-1", Ct))!.Status);
    }

    [Fact]
    public async Task RecordShipmentAsync_Twice_KeepsTheFirstShipmentAndStopsFurtherAttempts()
    {
        await Store.TryRecordAttemptAsync("o-1", Ct);

        var first = await Store.RecordShipmentAsync("o-1", new CarrierShipment("shp_1", "ACME", "T1"), Ct);
        var second = await Store.RecordShipmentAsync("o-1", new CarrierShipment("shp_2", "ACME", "T2"), Ct);

        Assert.Equal(new ShipmentRecord("o-1", ShipmentStatus.Shipped, 1, "shp_1", "ACME", "T1"), first);
        Assert.Equal(first, second);
        Assert.Null(await Store.TryRecordAttemptAsync("o-1", Ct));
        Assert.Equal(first, await Store.GetAsync("o-1", Ct));
    }

    [Fact]
    public async Task RecordShipmentAsync_NoAttemptRecorded_Throws()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(
            () => Store.RecordShipmentAsync("o-1", new CarrierShipment("shp_1", "ACME", "T1"), Ct));

        Assert.Null(await Store.GetAsync("o-1", Ct));
    }

    [Fact]
    public async Task CancelAsync_Twice_MovesShippedToCancelledOnce()
    {
        var shipped = await Service.ShipAsync(Ship("o-1"), Ct);

        var first = await Service.CancelAsync(new CancelShipmentRequest("o-1"), Ct);
        var second = await Service.CancelAsync(new CancelShipmentRequest("o-1"), Ct);

        Assert.True(first.Cancelled);
        Assert.Equal(first, second);
        Assert.Equal(
            new ShipmentRecord("o-1", ShipmentStatus.Cancelled, 1, shipped.ShipmentId, shipped.Carrier, shipped.TrackingNumber),
            await Store.GetAsync("o-1", Ct));
        Assert.Null(await Store.TryRecordAttemptAsync("o-1", Ct));
    }

    [Fact]
    public async Task RecordCancellationAsync_OnlyAttempted_ChangesNothing()
    {
        await Store.TryRecordAttemptAsync("o-1", Ct);

        Assert.Equal(new ShipmentRecord("o-1", ShipmentStatus.Attempted, 1), await Store.RecordCancellationAsync("o-1", Ct));
    }

    [Fact]
    public async Task RecordCancellationAsync_NoRecord_Throws() =>
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.RecordCancellationAsync("o-1", Ct));

    [Fact]
    public async Task CancelAsync_NeverShipped_IsANoOpAndWritesNothing()
    {
        Assert.False((await Service.CancelAsync(new CancelShipmentRequest("o-1"), Ct)).Cancelled);
        Assert.False((await Service.CancelAsync(new CancelShipmentRequest("o-1"), Ct)).Cancelled);

        Assert.Null(await Store.GetAsync("o-1", Ct));
    }

    [Fact]
    public async Task CancelAsync_CarrierDown_LeavesTheShipmentInPlaceForARetry()
    {
        await Service.ShipAsync(Ship("o-1"), Ct);
        _carrier.CancellationsAvailable = false;

        await Assert.ThrowsAsync<CarrierUnavailableException>(() => Service.CancelAsync(new CancelShipmentRequest("o-1"), Ct));
        Assert.Equal(ShipmentStatus.Shipped, (await Store.GetAsync("o-1", Ct))!.Status);

        _carrier.CancellationsAvailable = true;
        Assert.True((await Service.CancelAsync(new CancelShipmentRequest("o-1"), Ct)).Cancelled);
    }

    [Fact]
    public async Task ShipAsync_AfterCancel_AnswersTheOriginalShipmentWithoutReshipping()
    {
        var shipped = await Service.ShipAsync(Ship("o-1"), Ct);
        await Service.CancelAsync(new CancelShipmentRequest("o-1"), Ct);

        Assert.Equal(shipped, await Service.ShipAsync(Ship("o-1"), Ct));
        Assert.Equal(ShipmentStatus.Cancelled, (await Store.GetAsync("o-1", Ct))!.Status);
    }
}

public sealed class InMemoryShipmentStoreContractTests : ShipmentStoreContractTests
{
    protected override IShipmentStore CreateStore() => new InMemoryShipmentStore();
}

public sealed class SqliteShipmentStoreContractTests : ShipmentStoreContractTests, IDisposable
{
    private readonly TempFolder _folder = new();
    private SqliteDocumentStore? _table;

    protected override IShipmentStore CreateStore()
    {
        _table = new SqliteDocumentStore(_folder.File("shipping.db"));
        return new SqliteShipmentStore(_table);
    }

    public void Dispose()
    {
        _table?.Dispose();
        _folder.Dispose();
    }
}
