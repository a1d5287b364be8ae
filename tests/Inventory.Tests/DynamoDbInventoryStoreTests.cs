using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using ECommerce.Inventory.Catalogue;
using ECommerce.Inventory.Contract;
using ECommerce.Inventory.Domain;
using ECommerce.Inventory.Storage;
using ECommerce.TestSupport;

namespace ECommerce.Inventory.Tests;

/// <summary>The DynamoDB adapter for real, against moto_server on loopback (skipped when moto_server is missing).</summary>
public sealed class DynamoDbInventoryStoreTests(MotoServerFixture moto) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private AmazonDynamoDBClient? _client;
    private string _table = "";
    private DynamoDbInventoryStore _store = null!;
    private InventoryService _service = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        if (!moto.IsAvailable)
        {
            return;
        }

        _table = MotoServerFixture.UniqueName("inventory");
        await moto.CreateTableAsync(_table, Ct);
        _client = moto.CreateDynamoDbClient();
        _store = new DynamoDbInventoryStore(_client, _table);
        _service = new InventoryService(_store, new FixedClock(Now));
        await CatalogueSeed.SeedAsync(_store, Ct);
    }

    public ValueTask DisposeAsync()
    {
        _client?.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task SeedAsync_Twice_AddsTheCatalogueOnceAndKeepsStock()
    {
        moto.SkipIfUnavailable();
        await _service.ReserveAsync(InventoryServiceTests.Request("o-1", ("SKU-1", 5)), Ct);

        Assert.Equal(0, await CatalogueSeed.SeedAsync(_store, Ct));

        Assert.Equal(95, (await Sku("SKU-1")).Stock);
        var raw = await _client!.GetItemAsync(_table, new() { ["pk"] = new AttributeValue { S = "SKU#SKU-4" } }, Ct);
        Assert.Equal("100", raw.Item["stock"].N);
        Assert.Equal("0", raw.Item["reserved"].N);
        Assert.Equal("12999", raw.Item["unitPrice"].N);
        Assert.Equal("USD", raw.Item["currency"].S);
    }

    [Fact]
    public async Task ReserveAsync_SeveralLines_OneTransactionTakesStockAndWritesTheReservation()
    {
        moto.SkipIfUnavailable();

        var response = await _service.ReserveAsync(InventoryServiceTests.Request("o-1", ("SKU-1", 2), ("SKU-4", 1)), Ct);

        Assert.Equal((2 * 1999) + 12999, response.TotalAmount);
        Assert.Equal(new SkuStock("SKU-1", 98, 2, 1999, "USD"), await Sku("SKU-1"));
        Assert.Equal(new SkuStock("SKU-4", 99, 1, 12999, "USD"), await Sku("SKU-4"));
        var raw = await _client!.GetItemAsync(_table, new() { ["pk"] = new AttributeValue { S = "RESERVATION#o-1" } }, Ct);
        Assert.Equal("RESERVED", raw.Item["status"].S);
        Assert.Equal(2, raw.Item["lines"].L.Count);
        var stored = await _store.GetReservationAsync("o-1", Ct);
        Assert.NotNull(stored);
        Assert.Equal(response.Lines, stored.Lines);
        Assert.Equal((response.TotalAmount, "USD", ReservationStatus.Reserved, Now), (stored.TotalAmount, stored.Currency, stored.Status, stored.ReservedAt));
    }

    [Fact]
    public async Task ReserveAsync_SameReservationTwice_SecondTransactionIsCancelledAndAnswersTheFirst()
    {
        moto.SkipIfUnavailable();
        var reservation = new Reservation("o-1", [new PricedLine("SKU-2", 3, 2999)], 3 * 2999, "USD", ReservationStatus.Reserved, Now);
        await _store.ReserveAsync(reservation, Ct);

        // Straight to the store: the put's attribute_not_exists fails, and CancellationReasons say so.
        var again = await _store.ReserveAsync(reservation with { ReservedAt = Now.AddMinutes(5) }, Ct);

        Assert.Equal(Now, again.ReservedAt);
        Assert.Equal(new SkuStock("SKU-2", 97, 3, 2999, "USD"), await Sku("SKU-2"));
    }

    [Fact]
    public async Task ReserveAsync_OneShortSku_CancellationReasonNamesItAndNothingIsReserved()
    {
        moto.SkipIfUnavailable();

        var error = await Assert.ThrowsAsync<InsufficientStockException>(
            () => _service.ReserveAsync(InventoryServiceTests.Request("o-1", ("SKU-1", 2), ("SKU-3", 101), ("SKU-5", 1)), Ct));

        Assert.Equal("SKU-3", error.Sku);
        Assert.Equal(new SkuStock("SKU-1", 100, 0, 1999, "USD"), await Sku("SKU-1"));
        Assert.Equal(new SkuStock("SKU-5", 100, 0, 75, "USD"), await Sku("SKU-5"));
        Assert.Null(await _store.GetReservationAsync("o-1", Ct));
    }

    [Fact]
    public async Task ReserveAsync_OutOfStockSku_ThrowsInsufficientStock()
    {
        moto.SkipIfUnavailable();

        var error = await Assert.ThrowsAsync<InsufficientStockException>(
            () => _service.ReserveAsync(InventoryServiceTests.Request("o-1", ("SKU-OUT", 1)), Ct));

        Assert.Equal("SKU-OUT", error.Sku);
    }

    [Fact]
    public async Task ReserveAsync_SkuMissingFromTable_CancellationReasonIsReadAsUnknownSku()
    {
        moto.SkipIfUnavailable();
        var reservation = new Reservation(
            "o-1", [new PricedLine("SKU-1", 1, 1999), new PricedLine("GONE-1", 1, 10)], 2009, "USD", ReservationStatus.Reserved, Now);

        var error = await Assert.ThrowsAsync<UnknownSkuException>(() => _store.ReserveAsync(reservation, Ct));

        Assert.Equal("GONE-1", error.Sku);
        Assert.Equal(100, (await Sku("SKU-1")).Stock);
        Assert.Null(await _store.GetReservationAsync("o-1", Ct));
    }

    [Fact]
    public async Task ReserveAsync_UnknownSkuThroughTheService_ThrowsUnknownSku()
    {
        moto.SkipIfUnavailable();

        var error = await Assert.ThrowsAsync<UnknownSkuException>(
            () => _service.ReserveAsync(InventoryServiceTests.Request("o-1", ("SKU-1", 1), ("NOPE", 1)), Ct));

        Assert.Equal("NOPE", error.Sku);
    }

    [Fact]
    public async Task ReleaseAsync_Twice_ReturnsStockOnceThenIsANoOp()
    {
        moto.SkipIfUnavailable();
        await _service.ReserveAsync(InventoryServiceTests.Request("o-1", ("SKU-1", 7), ("SKU-2", 1)), Ct);

        Assert.Equal(ReleaseOutcome.Released, await _store.ReleaseAsync("o-1", Ct));
        Assert.Equal(ReleaseOutcome.AlreadyReleased, await _store.ReleaseAsync("o-1", Ct));

        Assert.Equal(new SkuStock("SKU-1", 100, 0, 1999, "USD"), await Sku("SKU-1"));
        Assert.Equal(new SkuStock("SKU-2", 100, 0, 2999, "USD"), await Sku("SKU-2"));
        Assert.Equal(ReservationStatus.Released, (await _store.GetReservationAsync("o-1", Ct))!.Status);
    }

    [Fact]
    public async Task ReleaseAsync_NoReservation_IsANoOp()
    {
        moto.SkipIfUnavailable();

        Assert.Equal(ReleaseOutcome.NotFound, await _store.ReleaseAsync("never", Ct));
        Assert.Equal(new ReleaseInventoryResponse("never", false), await _service.ReleaseAsync(new ReleaseInventoryRequest("never"), Ct));
    }

    [Fact]
    public async Task ReserveAsync_AfterRelease_AnswersTheReleasedReservationWithoutTakingStockAgain()
    {
        moto.SkipIfUnavailable();
        var first = await _service.ReserveAsync(InventoryServiceTests.Request("o-1", ("SKU-1", 7)), Ct);
        await _service.ReleaseAsync(new ReleaseInventoryRequest("o-1"), Ct);

        var again = await _service.ReserveAsync(InventoryServiceTests.Request("o-1", ("SKU-1", 7)), Ct);

        Assert.Equal(first.TotalAmount, again.TotalAmount);
        Assert.Equal(100, (await Sku("SKU-1")).Stock);
    }

    [Fact]
    public async Task ReserveAsync_OrdersUntilStockRunsOut_NeverOversellsAndConservesStock()
    {
        moto.SkipIfUnavailable();
        // Sequential on purpose: moto applies concurrent transactions without isolation (lost updates), DynamoDB does not.
        var reserved = 0;
        for (var order = 0; order < 10; order++)
        {
            try
            {
                await _service.ReserveAsync(InventoryServiceTests.Request($"o-{order}", ("SKU-1", 15)), Ct);
                reserved++;
            }
            catch (InsufficientStockException)
            {
            }
        }

        Assert.Equal(6, reserved);
        Assert.Equal(new SkuStock("SKU-1", 10, 90, 1999, "USD"), await Sku("SKU-1"));
    }

    private async Task<SkuStock> Sku(string sku) => (await _store.GetSkusAsync([sku], Ct))[sku];
}
