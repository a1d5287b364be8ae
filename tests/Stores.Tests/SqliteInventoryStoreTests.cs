using System.Text.Json;
using ECommerce.Inventory;
using ECommerce.Inventory.Catalogue;
using ECommerce.Inventory.Contract;
using ECommerce.Inventory.Domain;
using Microsoft.Data.Sqlite;
using static ECommerce.LocalStores.Tests.TestData;

namespace ECommerce.LocalStores.Tests;

/// <summary>What only a file can show: durability, several writers on one file, the stored layout, locks and rollback.</summary>
public sealed class SqliteInventoryStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly List<SqliteDocumentStore> _tables = [];

    private string DatabasePath => _folder.File("inventory.db");

    public void Dispose()
    {
        foreach (var table in _tables)
        {
            table.Dispose();
        }

        _folder.Dispose();
    }

    private async Task<(SqliteDocumentStore Table, SqliteInventoryStore Store, InventoryService Service)> OpenAsync(
        TimeSpan? busyTimeout = null)
    {
        var table = new SqliteDocumentStore(DatabasePath, busyTimeout);
        _tables.Add(table);
        var store = new SqliteInventoryStore(table);
        await CatalogueSeed.SeedAsync(store, Ct);
        return (table, store, new InventoryService(store, new FixedClock(Now)));
    }

    [Fact]
    public async Task Reopen_AfterReserveAndRelease_FindsEverythingAsLeftAndRepeatsStayNoOps()
    {
        var (firstTable, _, first) = await OpenAsync();
        var reserved = await first.ReserveAsync(Reserve("o-1", ("SKU-1", 4), ("SKU-2", 1)), Ct);
        await first.ReserveAsync(Reserve("o-2", ("SKU-1", 6)), Ct);
        await first.ReleaseAsync(new ReleaseInventoryRequest("o-2"), Ct);
        firstTable.Dispose();
        _tables.Remove(firstTable);

        var (_, store, reopened) = await OpenAsync();

        Assert.Equal(new SkuStock("SKU-1", 96, 4, 1999, "USD"), (await store.GetSkusAsync(["SKU-1"], Ct))["SKU-1"]);
        Assert.Equal(ReservationStatus.Released, (await store.GetReservationAsync("o-2", Ct))!.Status);
        var again = await reopened.ReserveAsync(Reserve("o-1", ("SKU-1", 4), ("SKU-2", 1)), Ct);
        Assert.Equal(reserved.TotalAmount, again.TotalAmount);
        Assert.Equal(reserved.Lines, again.Lines);
        Assert.True((await reopened.ReleaseAsync(new ReleaseInventoryRequest("o-2"), Ct)).Released);
        Assert.Equal(new SkuStock("SKU-1", 96, 4, 1999, "USD"), (await store.GetSkusAsync(["SKU-1"], Ct))["SKU-1"]);
    }

    [Fact]
    public async Task ReserveAsync_ConcurrentOrdersThroughTwoStoresOnOneFile_NeverOversell()
    {
        // Two stores on one file stand for two processes: only SQLite's own write lock keeps them apart.
        var (_, store, left) = await OpenAsync();
        var (_, _, right) = await OpenAsync();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(order => Task.Run(async () =>
        {
            try
            {
                await (order % 2 == 0 ? left : right).ReserveAsync(Reserve($"o-{order}", ("SKU-3", 10)), Ct);
                return true;
            }
            catch (InsufficientStockException)
            {
                return false;
            }
        }, Ct)));

        Assert.Equal(10, outcomes.Count(succeeded => succeeded));
        Assert.Equal(new SkuStock("SKU-3", 0, 100, 499, "USD"), (await store.GetSkusAsync(["SKU-3"], Ct))["SKU-3"]);
        var snapshot = await store.ReadSnapshotAsync();
        Assert.Equal(10, snapshot.Reservations.Count);
        Assert.Equal(100, snapshot.HeldByReservations()["SKU-3"]);
    }

    [Fact]
    public async Task ReserveAsync_StoredDocuments_UseTheDynamoDbKeysAndContractStatusNames()
    {
        var (_, _, service) = await OpenAsync();
        await service.ReserveAsync(Reserve("o-1", ("SKU-4", 2)), Ct);

        using var sku = JsonDocument.Parse(RawDocument("SKU#SKU-4"));
        using var reservation = JsonDocument.Parse(RawDocument("RESERVATION#o-1"));

        Assert.Equal((98, 2, 12999, "USD"), (
            sku.RootElement.GetProperty("stock").GetInt32(),
            sku.RootElement.GetProperty("reserved").GetInt32(),
            sku.RootElement.GetProperty("unitPrice").GetInt32(),
            sku.RootElement.GetProperty("currency").GetString()));
        Assert.Equal("RESERVED", reservation.RootElement.GetProperty("status").GetString());
        Assert.Equal(2 * 12999, reservation.RootElement.GetProperty("totalAmount").GetInt64());
        Assert.Equal("SKU-4", reservation.RootElement.GetProperty("lines")[0].GetProperty("sku").GetString());
    }

    [Fact]
    public async Task ReleaseAsync_SkuCountersCorrupted_IsRefusedAndRollsBackEveryLine()
    {
        var (table, store, service) = await OpenAsync();
        await service.ReserveAsync(Reserve("o-1", ("SKU-1", 3), ("SKU-2", 5)), Ct);
        await table.WriteAsync(items =>
        {
            items.Put("SKU#SKU-2", new SkuStock("SKU-2", 95, 1, 2999, "USD"));
            return true;
        }, Ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.ReleaseAsync("o-1", Ct));

        Assert.Equal(new SkuStock("SKU-1", 97, 3, 1999, "USD"), (await store.GetSkusAsync(["SKU-1"], Ct))["SKU-1"]);
        Assert.Equal(ReservationStatus.Reserved, (await store.GetReservationAsync("o-1", Ct))!.Status);
    }

    [Fact]
    public async Task ReserveAsync_FileLockedByAnotherWriter_ThrowsTransientInventoryUnavailableAndTakesNothing()
    {
        var (_, store, service) = await OpenAsync(busyTimeout: TimeSpan.FromMilliseconds(200));
        using (var locker = HoldWriteLock())
        {
            var error = await Assert.ThrowsAsync<InventoryUnavailableException>(() => service.ReserveAsync(Reserve("o-1", ("SKU-1", 1)), Ct));

            Assert.Equal(("InventoryUnavailable", true), (error.ErrorType, error.IsTransient));
            Assert.IsType<SqliteException>(error.InnerException);
        }

        Assert.Equal(100, (await store.GetSkusAsync(["SKU-1"], Ct))["SKU-1"].Stock);
        await service.ReserveAsync(Reserve("o-1", ("SKU-1", 1)), Ct);
        Assert.Equal(99, (await store.GetSkusAsync(["SKU-1"], Ct))["SKU-1"].Stock);
    }

    [Fact]
    public async Task ReadSnapshotAsync_ListsEverySkuAndReservation()
    {
        var (_, store, service) = await OpenAsync();
        await service.ReserveAsync(Reserve("o-1", ("SKU-1", 3), ("SKU-2", 5)), Ct);
        await service.ReserveAsync(Reserve("o-2", ("SKU-1", 2)), Ct);
        await service.ReleaseAsync(new ReleaseInventoryRequest("o-2"), Ct);

        var snapshot = await store.ReadSnapshotAsync();

        Assert.Equal(["SKU-1", "SKU-2", "SKU-3", "SKU-4", "SKU-5", "SKU-OUT"], snapshot.Skus.Select(sku => sku.Sku));
        Assert.Equal([("o-1", ReservationStatus.Reserved), ("o-2", ReservationStatus.Released)],
            snapshot.Reservations.Select(reservation => (reservation.OrderId, reservation.Status)));
        Assert.Equal(new Dictionary<string, int> { ["SKU-1"] = 3, ["SKU-2"] = 5 }, snapshot.HeldByReservations());
        Assert.All(snapshot.Skus, sku => Assert.Equal(sku.Reserved, snapshot.HeldByReservations().GetValueOrDefault(sku.Sku)));
    }

    private string RawDocument(string pk)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT doc FROM items WHERE pk = $pk";
        command.Parameters.AddWithValue("$pk", pk);
        return (string)command.ExecuteScalar()!;
    }

    private SqliteConnection HoldWriteLock()
    {
        var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "BEGIN IMMEDIATE";
        command.ExecuteNonQuery();
        return connection;
    }
}
