using ECommerce.Inventory;
using ECommerce.Inventory.Contract;
using ECommerce.Inventory.Domain;
using ECommerce.Orders.Domain;
using ECommerce.Payments;
using ECommerce.Payments.Contract;
using ECommerce.Payments.Domain;
using ECommerce.Payments.Gateway;
using ECommerce.Shipping;
using ECommerce.Shipping.Carrier;
using ECommerce.Shipping.Contract;
using ECommerce.Shipping.Domain;
using static ECommerce.LocalStores.Tests.TestData;

namespace ECommerce.LocalStores.Tests;

public sealed class EmbeddedStoresTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly List<EmbeddedStores> _open = [];

    private string DataFolder => Path.Combine(_folder.Path, "data");

    public void Dispose()
    {
        foreach (var stores in _open)
        {
            stores.Dispose();
        }

        _folder.Dispose();
    }

    private async Task<EmbeddedStores> OpenAsync()
    {
        var stores = await EmbeddedStores.OpenAsync(DataFolder, Ct);
        _open.Add(stores);
        return stores;
    }

    private void Close(EmbeddedStores stores)
    {
        stores.Dispose();
        _open.Remove(stores);
    }

    [Fact]
    public async Task OpenAsync_NewFolder_CreatesOneFilePerServiceAndSeedsTheCatalogue()
    {
        var stores = await OpenAsync();

        Assert.Equal(["inventory.db", "orders.db", "payments.db", "shipping.db"],
            Directory.GetFiles(DataFolder, "*.db").Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var stock = await stores.ListStockAsync();
        Assert.Equal(["SKU-1", "SKU-2", "SKU-3", "SKU-4", "SKU-5", "SKU-OUT"], stock.Select(sku => sku.Sku));
        Assert.All(stock, sku => Assert.Equal(sku.Sku == "SKU-OUT" ? 0 : 100, sku.Stock));
        Assert.Empty(await stores.ListReservationsAsync());
        Assert.Empty(await stores.ListOrdersAsync());
    }

    [Fact]
    public async Task OpenAsync_Again_KeepsEveryServicesDataAndDoesNotReseedStock()
    {
        var first = await OpenAsync();
        await RunOneOrderAsync(first, "o-1");
        Close(first);

        var reopened = await OpenAsync();

        var snapshot = await reopened.ReadSnapshotAsync();
        Assert.Equal(new SkuStock("SKU-1", 98, 2, 1999, "USD"), snapshot.Inventory.Skus.Single(sku => sku.Sku == "SKU-1"));
        Assert.Equal(("o-1", OrderStatus.Pending), (Assert.Single(snapshot.Orders).OrderId, snapshot.Orders[0].Status));
        Assert.Equal(ChargeStatus.Charged, Assert.Single(snapshot.Charges).Status);
        Assert.Equal(ShipmentStatus.Shipped, Assert.Single(snapshot.Shipments).Status);
        Assert.Equal(ReservationStatus.Reserved, Assert.Single(snapshot.Inventory.Reservations).Status);
    }

    [Fact]
    public async Task EachService_WritesOnlyItsOwnFile()
    {
        var stores = await OpenAsync();
        await RunOneOrderAsync(stores, "o-1");
        Close(stores);

        Assert.Equal(["o-1"], await KeysIn(EmbeddedStores.OrdersFile));
        Assert.Equal(["CHARGE#o-1"], await KeysIn(EmbeddedStores.PaymentsFile));
        Assert.Equal(["SHIPMENT#o-1"], await KeysIn(EmbeddedStores.ShippingFile));
        Assert.Contains("RESERVATION#o-1", await KeysIn(EmbeddedStores.InventoryFile));
        Assert.All(await KeysIn(EmbeddedStores.InventoryFile), key => Assert.Matches("^(SKU|RESERVATION)#", key));
    }

    [Fact]
    public async Task Reset_ClosedStores_DeletesTheFilesAndTheNextOpenStartsFresh()
    {
        var stores = await OpenAsync();
        await RunOneOrderAsync(stores, "o-1");
        Close(stores);

        EmbeddedStores.Reset(DataFolder);

        Assert.Empty(Directory.GetFiles(DataFolder));
        var fresh = await OpenAsync();
        Assert.Empty(await fresh.ListOrdersAsync());
        Assert.Empty(await fresh.ListChargesAsync());
        Assert.Empty(await fresh.ListShipmentsAsync());
        Assert.All(await fresh.ListStockAsync(), sku => Assert.Equal(0, sku.Reserved));
    }

    [Fact]
    public async Task Reset_FolderThatNeverExisted_DoesNothing()
    {
        EmbeddedStores.Reset(Path.Combine(_folder.Path, "missing"));

        Assert.False(Directory.Exists(Path.Combine(_folder.Path, "missing")));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task ClearAsync_OpenStores_EmptiesEveryStoreAndReseedsTheCatalogue()
    {
        var stores = await OpenAsync();
        await RunOneOrderAsync(stores, "o-1");

        await stores.ClearAsync(Ct);

        var snapshot = await stores.ReadSnapshotAsync();
        Assert.Empty(snapshot.Orders);
        Assert.Empty(snapshot.Charges);
        Assert.Empty(snapshot.Shipments);
        Assert.Empty(snapshot.Inventory.Reservations);
        Assert.Equal(new SkuStock("SKU-1", 100, 0, 1999, "USD"), snapshot.Inventory.Skus.Single(sku => sku.Sku == "SKU-1"));
        await RunOneOrderAsync(stores, "o-1");
    }

    private static async Task RunOneOrderAsync(EmbeddedStores stores, string orderId)
    {
        Assert.True(await stores.Orders.TryCreateAsync(
            new Order
            {
                OrderId = orderId,
                Status = OrderStatus.Pending,
                CustomerId = "c-1",
                Lines = [new("SKU-1", 2)],
                CreatedAt = Now,
                UpdatedAt = Now,
            },
            Ct));
        var reserved = await new InventoryService(stores.Inventory, new FixedClock(Now)).ReserveAsync(Reserve(orderId, ("SKU-1", 2)), Ct);
        await new PaymentsService(stores.Payments, new SimulatedPaymentGateway(TimeProvider.System))
            .ChargeAsync(new ChargePaymentRequest(orderId, reserved.TotalAmount, reserved.Currency, "tok_visa"), Ct);
        await new ShippingService(stores.Shipments, new SimulatedCarrier()).ShipAsync(
            new ShipOrderRequest(
                orderId,
                [new Shipping.Contract.OrderLine("SKU-1", 2)],
                new ShippingAddress("A B", "1 Main St", "Springfield", "12345", "US")),
            Ct);
    }

    private async Task<IReadOnlyList<string>> KeysIn(string file)
    {
        var connectionString = $"Data Source={Path.Combine(DataFolder, file)};Pooling=False;Mode=ReadOnly";
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT pk FROM items ORDER BY pk";
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var keys = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }
}
