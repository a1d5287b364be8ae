using ECommerce.Inventory.Catalogue;
using ECommerce.Inventory.Domain;
using ECommerce.Orders.Domain;
using ECommerce.Payments.Domain;
using ECommerce.Shipping.Domain;

namespace ECommerce.LocalStores;

/// <summary>
/// The four services' embedded stores in one data folder, one SQLite file per service (each service owns its data):
/// orders.db, inventory.db, payments.db, shipping.db. Opening seeds the fixture catalogue (idempotent).
/// </summary>
public sealed class EmbeddedStores : IDisposable
{
    public const string OrdersFile = "orders.db";
    public const string InventoryFile = "inventory.db";
    public const string PaymentsFile = "payments.db";
    public const string ShippingFile = "shipping.db";

    private static readonly string[] Files = [OrdersFile, InventoryFile, PaymentsFile, ShippingFile];

    private readonly SqliteDocumentStore[] _tables;

    private EmbeddedStores(string dataFolder, TimeSpan? busyTimeout)
    {
        DataFolder = Path.GetFullPath(dataFolder);
        Directory.CreateDirectory(DataFolder);
        var orders = new SqliteDocumentStore(Path.Combine(DataFolder, OrdersFile), busyTimeout);
        var inventory = new SqliteDocumentStore(Path.Combine(DataFolder, InventoryFile), busyTimeout);
        var payments = new SqliteDocumentStore(Path.Combine(DataFolder, PaymentsFile), busyTimeout);
        var shipping = new SqliteDocumentStore(Path.Combine(DataFolder, ShippingFile), busyTimeout);
        _tables = [orders, inventory, payments, shipping];
        Orders = new SqliteOrderStore(orders);
        Inventory = new SqliteInventoryStore(inventory);
        Payments = new SqlitePaymentStore(payments);
        Shipments = new SqliteShipmentStore(shipping);
    }

    public string DataFolder { get; }

    public SqliteOrderStore Orders { get; }

    public SqliteInventoryStore Inventory { get; }

    public SqlitePaymentStore Payments { get; }

    public SqliteShipmentStore Shipments { get; }

    /// <summary>Opens (creating when missing) the four stores in <paramref name="dataFolder"/> and seeds the catalogue.</summary>
    public static Task<EmbeddedStores> OpenAsync(string dataFolder, CancellationToken cancellationToken) =>
        OpenAsync(dataFolder, busyTimeout: null, cancellationToken);

    /// <inheritdoc cref="OpenAsync(string, CancellationToken)"/>
    /// <param name="busyTimeout">How long a write waits for another process's lock on a file; five seconds when null.</param>
    public static async Task<EmbeddedStores> OpenAsync(string dataFolder, TimeSpan? busyTimeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataFolder);
        var stores = new EmbeddedStores(dataFolder, busyTimeout);
        try
        {
            await CatalogueSeed.SeedAsync(stores.Inventory, cancellationToken).ConfigureAwait(false);
            return stores;
        }
        catch
        {
            stores.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Deletes the four database files (with their WAL side files) from <paramref name="dataFolder"/>; the next
    /// <see cref="OpenAsync(string, CancellationToken)"/> starts empty with a fresh catalogue. Dispose any open
    /// <see cref="EmbeddedStores"/> on the folder first: on Linux an open file is unlinked without complaint and its
    /// writes would go nowhere.
    /// </summary>
    public static void Reset(string dataFolder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataFolder);
        if (!Directory.Exists(dataFolder))
        {
            return;
        }

        foreach (var file in Files)
        {
            SqliteDocumentStore.DeleteFiles(Path.Combine(dataFolder, file));
        }
    }

    /// <summary>
    /// Empties every store while it stays open (a running host's reset), then seeds the catalogue again. Each file is
    /// cleared in its own transaction, so call it while no saga is running.
    /// </summary>
    public async Task ClearAsync(CancellationToken cancellationToken)
    {
        foreach (var table in _tables)
        {
            await table.ClearAsync(cancellationToken).ConfigureAwait(false);
        }

        await CatalogueSeed.SeedAsync(Inventory, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every SKU with its available stock and reserved quantity.</summary>
    public Task<IReadOnlyList<SkuStock>> ListStockAsync() => Inventory.ListSkusAsync();

    public Task<IReadOnlyList<Reservation>> ListReservationsAsync() => Inventory.ListReservationsAsync();

    public Task<IReadOnlyList<ChargeRecord>> ListChargesAsync() => Payments.ListAsync();

    public Task<IReadOnlyList<ShipmentRecord>> ListShipmentsAsync() => Shipments.ListAsync();

    public Task<IReadOnlyList<Order>> ListOrdersAsync() => Orders.ListAsync();

    /// <summary>
    /// Everything the invariant checks and the console read, each service's data from one snapshot of its own file
    /// (the files are independent, as the services' tables are).
    /// </summary>
    public async Task<EmbeddedStoresSnapshot> ReadSnapshotAsync() =>
        new(
            await Orders.ListAsync().ConfigureAwait(false),
            await Inventory.ReadSnapshotAsync().ConfigureAwait(false),
            await Payments.ListAsync().ConfigureAwait(false),
            await Shipments.ListAsync().ConfigureAwait(false));

    public void Dispose()
    {
        foreach (var table in _tables)
        {
            table.Dispose();
        }
    }
}

/// <summary>The contents of the four local stores, for the invariant checks and the console.</summary>
public sealed record EmbeddedStoresSnapshot(
    IReadOnlyList<Order> Orders,
    InventorySnapshot Inventory,
    IReadOnlyList<ChargeRecord> Charges,
    IReadOnlyList<ShipmentRecord> Shipments);
