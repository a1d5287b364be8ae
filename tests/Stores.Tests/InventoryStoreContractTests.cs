using ECommerce.Inventory;
using ECommerce.Inventory.Catalogue;
using ECommerce.Inventory.Contract;
using ECommerce.Inventory.Domain;
using ECommerce.Inventory.Storage;
using static ECommerce.LocalStores.Tests.TestData;

namespace ECommerce.LocalStores.Tests;

/// <summary>
/// What the Inventory port promises, run against every adapter: the in-memory one the service tests use and the SQLite
/// one the local host uses, so both show the same behaviour on the same inputs.
/// </summary>
public abstract class InventoryStoreContractTests : IAsyncLifetime
{
    private IInventoryStore _store = null!;
    private InventoryService _service = null!;

    protected abstract IInventoryStore CreateStore();

    public virtual async ValueTask InitializeAsync()
    {
        _store = CreateStore();
        _service = new InventoryService(_store, new FixedClock(Now));
        await CatalogueSeed.SeedAsync(_store, Ct);
    }

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task ReserveAsync_SeveralLines_PricesFromTheCatalogueAndTakesEveryLine()
    {
        var response = await _service.ReserveAsync(Reserve("o-1", ("SKU-1", 2), ("SKU-3", 3), ("SKU-5", 1)), Ct);

        Assert.Equal([new PricedLine("SKU-1", 2, 1999), new PricedLine("SKU-3", 3, 499), new PricedLine("SKU-5", 1, 75)], response.Lines);
        Assert.Equal((2 * 1999) + (3 * 499) + 75, response.TotalAmount);
        Assert.Equal("USD", response.Currency);
        Assert.Equal(new SkuStock("SKU-1", 98, 2, 1999, "USD"), await Sku("SKU-1"));
        Assert.Equal(new SkuStock("SKU-3", 97, 3, 499, "USD"), await Sku("SKU-3"));
        Assert.Equal(new SkuStock("SKU-5", 99, 1, 75, "USD"), await Sku("SKU-5"));
    }

    [Fact]
    public async Task ReserveAsync_StoredReservation_ReadsBackWithEveryField()
    {
        var response = await _service.ReserveAsync(Reserve("o-1", ("SKU-1", 2), ("SKU-4", 1)), Ct);

        var stored = await _store.GetReservationAsync("o-1", Ct);

        Assert.NotNull(stored);
        Assert.Equal(response.Lines, stored.Lines);
        Assert.Equal(("o-1", (2 * 1999) + 12999L, "USD", ReservationStatus.Reserved, Now),
            (stored.OrderId, stored.TotalAmount, stored.Currency, stored.Status, stored.ReservedAt));
    }

    [Fact]
    public async Task ReserveAsync_OneShortSkuAmongSeveral_ThrowsInsufficientStockNamingItAndTakesNothing()
    {
        var error = await Assert.ThrowsAsync<InsufficientStockException>(
            () => _service.ReserveAsync(Reserve("o-1", ("SKU-1", 2), ("SKU-3", 101), ("SKU-5", 1)), Ct));

        Assert.Equal(("SKU-3", "InsufficientStock", false), (error.Sku, error.ErrorType, error.IsTransient));
        Assert.Contains("SKU-3", error.Message, StringComparison.Ordinal);
        Assert.Equal(new SkuStock("SKU-1", 100, 0, 1999, "USD"), await Sku("SKU-1"));
        Assert.Equal(new SkuStock("SKU-3", 100, 0, 499, "USD"), await Sku("SKU-3"));
        Assert.Equal(new SkuStock("SKU-5", 100, 0, 75, "USD"), await Sku("SKU-5"));
        Assert.Null(await _store.GetReservationAsync("o-1", Ct));
    }

    [Fact]
    public async Task ReserveAsync_OutOfStockSku_ThrowsInsufficientStock()
    {
        var error = await Assert.ThrowsAsync<InsufficientStockException>(() => _service.ReserveAsync(Reserve("o-1", ("SKU-OUT", 1)), Ct));

        Assert.Equal("SKU-OUT", error.Sku);
    }

    [Fact]
    public async Task ReserveAsync_MoreThanInStock_StockNeverGoesNegative()
    {
        await Assert.ThrowsAsync<InsufficientStockException>(() => _service.ReserveAsync(Reserve("o-1", ("SKU-2", 101)), Ct));
        await _service.ReserveAsync(Reserve("o-2", ("SKU-2", 100)), Ct);
        await Assert.ThrowsAsync<InsufficientStockException>(() => _service.ReserveAsync(Reserve("o-3", ("SKU-2", 1)), Ct));

        Assert.Equal(new SkuStock("SKU-2", 0, 100, 2999, "USD"), await Sku("SKU-2"));
    }

    [Fact]
    public async Task ReserveAsync_SkuMissingFromTheStore_ThrowsUnknownSkuNamingItAndTakesNothing()
    {
        var reservation = new Reservation(
            "o-1", [new PricedLine("SKU-1", 1, 1999), new PricedLine("GONE-1", 1, 10)], 2009, "USD", ReservationStatus.Reserved, Now);

        var error = await Assert.ThrowsAsync<UnknownSkuException>(() => _store.ReserveAsync(reservation, Ct));

        Assert.Equal(("GONE-1", "UnknownSku"), (error.Sku, error.ErrorType));
        Assert.Equal(new SkuStock("SKU-1", 100, 0, 1999, "USD"), await Sku("SKU-1"));
        Assert.Null(await _store.GetReservationAsync("o-1", Ct));
    }

    [Fact]
    public async Task ReserveAsync_UnknownSkuThroughTheService_ThrowsUnknownSku()
    {
        var error = await Assert.ThrowsAsync<UnknownSkuException>(
            () => _service.ReserveAsync(Reserve("o-1", ("SKU-1", 1), ("NOPE-9", 1)), Ct));

        Assert.Equal("NOPE-9", error.Sku);
        Assert.Equal(100, (await Sku("SKU-1")).Stock);
    }

    [Fact]
    public async Task ReserveAsync_SameReservationTwiceStraightToTheStore_AnswersTheFirstAndTakesStockOnce()
    {
        var reservation = new Reservation("o-1", [new PricedLine("SKU-2", 3, 2999)], 3 * 2999, "USD", ReservationStatus.Reserved, Now);
        await _store.ReserveAsync(reservation, Ct);

        var again = await _store.ReserveAsync(reservation with { ReservedAt = Now.AddMinutes(5) }, Ct);

        Assert.Equal(Now, again.ReservedAt);
        Assert.Equal(new SkuStock("SKU-2", 97, 3, 2999, "USD"), await Sku("SKU-2"));
    }

    [Fact]
    public async Task ReserveAsync_TwiceThroughTheService_SecondAnswersTheSame()
    {
        var first = await _service.ReserveAsync(Reserve("o-1", ("SKU-4", 5)), Ct);
        var second = await _service.ReserveAsync(Reserve("o-1", ("SKU-4", 5)), Ct);

        Assert.Equal((first.TotalAmount, first.Currency), (second.TotalAmount, second.Currency));
        Assert.Equal(first.Lines, second.Lines);
        Assert.Equal(new SkuStock("SKU-4", 95, 5, 12999, "USD"), await Sku("SKU-4"));
    }

    [Fact]
    public async Task ReserveAsync_ConcurrentRepeatsOfOneOrder_TakeStockOnce()
    {
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => _service.ReserveAsync(Reserve("o-1", ("SKU-1", 3)), Ct), Ct)));

        Assert.Equal(new SkuStock("SKU-1", 97, 3, 1999, "USD"), await Sku("SKU-1"));
    }

    [Fact]
    public async Task ReserveAsync_TwentyConcurrentOrdersOfTenAgainstAHundred_ExactlyTenSucceedAndNothingIsOversold()
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(order => Task.Run(async () =>
        {
            try
            {
                await _service.ReserveAsync(Reserve($"o-{order}", ("SKU-1", 10)), Ct);
                return true;
            }
            catch (InsufficientStockException)
            {
                return false;
            }
        }, Ct)));

        Assert.Equal(10, outcomes.Count(succeeded => succeeded));
        Assert.Equal(new SkuStock("SKU-1", 0, 100, 1999, "USD"), await Sku("SKU-1"));
        var reservations = await Task.WhenAll(Enumerable.Range(0, 20).Select(order => _store.GetReservationAsync($"o-{order}", Ct)));
        Assert.Equal(10, reservations.Count(reservation => reservation is not null));
    }

    [Fact]
    public async Task ReleaseAsync_Twice_ReturnsTheStockOnceThenIsANoOp()
    {
        await _service.ReserveAsync(Reserve("o-1", ("SKU-1", 7), ("SKU-2", 1)), Ct);

        Assert.Equal(ReleaseOutcome.Released, await _store.ReleaseAsync("o-1", Ct));
        Assert.Equal(ReleaseOutcome.AlreadyReleased, await _store.ReleaseAsync("o-1", Ct));

        Assert.Equal(new SkuStock("SKU-1", 100, 0, 1999, "USD"), await Sku("SKU-1"));
        Assert.Equal(new SkuStock("SKU-2", 100, 0, 2999, "USD"), await Sku("SKU-2"));
        Assert.Equal(ReservationStatus.Released, (await _store.GetReservationAsync("o-1", Ct))!.Status);
    }

    [Fact]
    public async Task ReleaseAsync_ConcurrentRepeats_ReturnTheStockOnce()
    {
        await _service.ReserveAsync(Reserve("o-1", ("SKU-1", 7)), Ct);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => _store.ReleaseAsync("o-1", Ct), Ct)));

        Assert.Single(outcomes, outcome => outcome == ReleaseOutcome.Released);
        Assert.Equal(new SkuStock("SKU-1", 100, 0, 1999, "USD"), await Sku("SKU-1"));
    }

    [Fact]
    public async Task ReleaseAsync_NoReservation_IsANoOpAnsweringFalse()
    {
        Assert.Equal(ReleaseOutcome.NotFound, await _store.ReleaseAsync("never", Ct));
        Assert.Equal(new ReleaseInventoryResponse("never", false), await _service.ReleaseAsync(new ReleaseInventoryRequest("never"), Ct));
        Assert.Equal(100, (await Sku("SKU-1")).Stock);
        Assert.Null(await _store.GetReservationAsync("never", Ct));
    }

    [Fact]
    public async Task ReleaseAsync_AfterAFailedReserve_IsANoOp()
    {
        await Assert.ThrowsAsync<InsufficientStockException>(() => _service.ReserveAsync(Reserve("o-1", ("SKU-1", 1), ("SKU-OUT", 1)), Ct));

        var response = await _service.ReleaseAsync(new ReleaseInventoryRequest("o-1"), Ct);

        Assert.False(response.Released);
        Assert.Equal(new SkuStock("SKU-1", 100, 0, 1999, "USD"), await Sku("SKU-1"));
    }

    [Fact]
    public async Task ReserveAsync_AfterRelease_AnswersTheReleasedReservationWithoutTakingStockAgain()
    {
        var first = await _service.ReserveAsync(Reserve("o-1", ("SKU-1", 7)), Ct);
        await _service.ReleaseAsync(new ReleaseInventoryRequest("o-1"), Ct);

        var again = await _service.ReserveAsync(Reserve("o-1", ("SKU-1", 7)), Ct);

        Assert.Equal(first.TotalAmount, again.TotalAmount);
        Assert.Equal(new SkuStock("SKU-1", 100, 0, 1999, "USD"), await Sku("SKU-1"));
    }

    [Fact]
    public async Task ReserveAndRelease_ManyOrders_ConserveAvailablePlusReserved()
    {
        var random = new Random(7);
        for (var order = 0; order < 200; order++)
        {
            try
            {
                await _service.ReserveAsync(Reserve($"o-{order}", ("SKU-1", random.Next(1, 15)), ("SKU-2", random.Next(1, 15))), Ct);
            }
            catch (InsufficientStockException)
            {
            }

            if (random.Next(3) == 0)
            {
                await _service.ReleaseAsync(new ReleaseInventoryRequest($"o-{random.Next(order + 1)}"), Ct);
            }
        }

        foreach (var sku in new[] { "SKU-1", "SKU-2" })
        {
            var stock = await Sku(sku);
            Assert.Equal(100, stock.Stock + stock.Reserved);
            Assert.True(stock.Stock >= 0);
        }
    }

    [Fact]
    public async Task SeedAsync_Again_AddsNothingAndKeepsStock()
    {
        await _service.ReserveAsync(Reserve("o-1", ("SKU-1", 5)), Ct);

        Assert.Equal(0, await CatalogueSeed.SeedAsync(_store, Ct));

        Assert.Equal(new SkuStock("SKU-1", 95, 5, 1999, "USD"), await Sku("SKU-1"));
    }

    [Fact]
    public async Task AddSkuIfMissingAsync_ExistingSku_IsRefusedAndNeverOverwritesStock()
    {
        Assert.False(await _store.AddSkuIfMissingAsync(new SkuStock("SKU-1", 5, 0, 1, "USD"), Ct));
        Assert.True(await _store.AddSkuIfMissingAsync(new SkuStock("SKU-NEW", 5, 0, 1, "USD"), Ct));

        Assert.Equal(new SkuStock("SKU-1", 100, 0, 1999, "USD"), await Sku("SKU-1"));
        Assert.Equal(new SkuStock("SKU-NEW", 5, 0, 1, "USD"), await Sku("SKU-NEW"));
    }

    [Fact]
    public async Task GetSkusAsync_UnknownAndRepeatedSkus_ReturnsEachKnownSkuOnce()
    {
        var found = await _store.GetSkusAsync(["SKU-1", "NOPE", "SKU-1", "SKU-OUT"], Ct);

        Assert.Equal(["SKU-1", "SKU-OUT"], found.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new SkuStock("SKU-OUT", 0, 0, 999, "USD"), found["SKU-OUT"]);
    }

    private async Task<SkuStock> Sku(string sku) => (await _store.GetSkusAsync([sku], Ct))[sku];
}

public sealed class InMemoryInventoryStoreContractTests : InventoryStoreContractTests
{
    protected override IInventoryStore CreateStore() => new InMemoryInventoryStore();
}

public sealed class SqliteInventoryStoreContractTests : InventoryStoreContractTests
{
    private readonly TempFolder _folder = new();
    private SqliteDocumentStore? _table;

    protected override IInventoryStore CreateStore()
    {
        _table = new SqliteDocumentStore(_folder.File("inventory.db"));
        return new SqliteInventoryStore(_table);
    }

    public override ValueTask DisposeAsync()
    {
        _table?.Dispose();
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }
}
