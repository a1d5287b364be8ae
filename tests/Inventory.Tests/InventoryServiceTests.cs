using ECommerce.Inventory.Catalogue;
using ECommerce.Inventory.Contract;
using ECommerce.Inventory.Domain;
using ECommerce.Inventory.Storage;
using Moq;

namespace ECommerce.Inventory.Tests;

public sealed class InventoryServiceTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private readonly InMemoryInventoryStore _store = new();
    private readonly InventoryService _service;

    public InventoryServiceTests()
    {
        CatalogueSeed.SeedAsync(_store, CancellationToken.None).GetAwaiter().GetResult();
        _service = new InventoryService(_store, new FixedClock(Now));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReserveAsync_SeveralLines_PricesFromCatalogueAndTotalsQuantityTimesPrice()
    {
        var response = await _service.ReserveAsync(Request("o-1", ("SKU-1", 2), ("SKU-3", 3), ("SKU-5", 1)), Ct);

        Assert.Equal("o-1", response.OrderId);
        Assert.Equal("USD", response.Currency);
        Assert.Equal([new PricedLine("SKU-1", 2, 1999), new PricedLine("SKU-3", 3, 499), new PricedLine("SKU-5", 1, 75)], response.Lines);
        Assert.Equal((2 * 1999) + (3 * 499) + 75, response.TotalAmount);
        Assert.Equal(new SkuStock("SKU-1", 98, 2, 1999, "USD"), await Sku("SKU-1"));
        Assert.Equal(new SkuStock("SKU-3", 97, 3, 499, "USD"), await Sku("SKU-3"));
    }

    [Fact]
    public async Task ReserveAsync_OneShortSku_ThrowsInsufficientStockAndReservesNothing()
    {
        var error = await Assert.ThrowsAsync<InsufficientStockException>(
            () => _service.ReserveAsync(Request("o-1", ("SKU-1", 2), ("SKU-OUT", 1)), Ct));

        Assert.Equal("InsufficientStock", error.ErrorType);
        Assert.False(error.IsTransient);
        Assert.Contains("SKU-OUT", error.Message, StringComparison.Ordinal);
        Assert.Equal(100, (await Sku("SKU-1")).Stock);
        Assert.Equal(0, (await Sku("SKU-1")).Reserved);
        Assert.Null(await _store.GetReservationAsync("o-1", Ct));
    }

    [Fact]
    public async Task ReserveAsync_MoreThanInStock_ThrowsInsufficientStockAndStockNeverGoesNegative()
    {
        await Assert.ThrowsAsync<InsufficientStockException>(() => _service.ReserveAsync(Request("o-1", ("SKU-2", 101)), Ct));
        await _service.ReserveAsync(Request("o-2", ("SKU-2", 100)), Ct);
        await Assert.ThrowsAsync<InsufficientStockException>(() => _service.ReserveAsync(Request("o-3", ("SKU-2", 1)), Ct));

        Assert.Equal(new SkuStock("SKU-2", 0, 100, 2999, "USD"), await Sku("SKU-2"));
    }

    [Fact]
    public async Task ReserveAsync_SkuNotInCatalogue_ThrowsUnknownSkuNamingIt()
    {
        var error = await Assert.ThrowsAsync<UnknownSkuException>(
            () => _service.ReserveAsync(Request("o-1", ("SKU-1", 1), ("NOPE-9", 1)), Ct));

        Assert.Equal("UnknownSku", error.ErrorType);
        Assert.Contains("NOPE-9", error.Message, StringComparison.Ordinal);
        Assert.Equal(100, (await Sku("SKU-1")).Stock);
    }

    [Fact]
    public async Task ReserveAsync_Twice_SecondIsANoOpWithTheSameResponse()
    {
        var first = await _service.ReserveAsync(Request("o-1", ("SKU-4", 5)), Ct);
        var second = await _service.ReserveAsync(Request("o-1", ("SKU-4", 5)), Ct);

        Assert.Equal(first.TotalAmount, second.TotalAmount);
        Assert.Equal(first.Lines, second.Lines);
        Assert.Equal(new SkuStock("SKU-4", 95, 5, 12999, "USD"), await Sku("SKU-4"));
    }

    [Fact]
    public async Task ReserveAsync_ConcurrentRepeatsOfOneOrder_ReserveOnce()
    {
        var attempts = Enumerable.Range(0, 20)
            .Select(_ => Task.Run(() => _service.ReserveAsync(Request("o-1", ("SKU-1", 3)), Ct), Ct));
        await Task.WhenAll(attempts);

        Assert.Equal(new SkuStock("SKU-1", 97, 3, 1999, "USD"), await Sku("SKU-1"));
    }

    [Fact]
    public async Task ReleaseAsync_AfterReserve_ReturnsTheStock()
    {
        await _service.ReserveAsync(Request("o-1", ("SKU-1", 4), ("SKU-2", 1)), Ct);

        var response = await _service.ReleaseAsync(new ReleaseInventoryRequest("o-1"), Ct);

        Assert.Equal(new ReleaseInventoryResponse("o-1", Released: true), response);
        Assert.Equal(new SkuStock("SKU-1", 100, 0, 1999, "USD"), await Sku("SKU-1"));
        Assert.Equal(new SkuStock("SKU-2", 100, 0, 2999, "USD"), await Sku("SKU-2"));
        Assert.Equal(ReservationStatus.Released, (await _store.GetReservationAsync("o-1", Ct))!.Status);
    }

    [Fact]
    public async Task ReleaseAsync_Twice_SecondLeavesStockUnchangedAndAnswersTheSame()
    {
        await _service.ReserveAsync(Request("o-1", ("SKU-1", 4)), Ct);
        var first = await _service.ReleaseAsync(new ReleaseInventoryRequest("o-1"), Ct);

        var second = await _service.ReleaseAsync(new ReleaseInventoryRequest("o-1"), Ct);

        Assert.Equal(first, second);
        Assert.Equal(new SkuStock("SKU-1", 100, 0, 1999, "USD"), await Sku("SKU-1"));
    }

    [Fact]
    public async Task ReleaseAsync_WithoutReservation_IsANoOpAnsweringFalse()
    {
        var response = await _service.ReleaseAsync(new ReleaseInventoryRequest("never-reserved"), Ct);

        Assert.Equal(new ReleaseInventoryResponse("never-reserved", Released: false), response);
        Assert.Equal(100, (await Sku("SKU-1")).Stock);
    }

    [Fact]
    public async Task ReleaseAsync_AfterFailedReserve_IsANoOp()
    {
        await Assert.ThrowsAsync<InsufficientStockException>(() => _service.ReserveAsync(Request("o-1", ("SKU-1", 1), ("SKU-OUT", 1)), Ct));

        var response = await _service.ReleaseAsync(new ReleaseInventoryRequest("o-1"), Ct);

        Assert.False(response.Released);
        Assert.Equal(new SkuStock("SKU-1", 100, 0, 1999, "USD"), await Sku("SKU-1"));
    }

    [Fact]
    public async Task ReserveAndRelease_ManyOrders_ConserveAvailablePlusReserved()
    {
        var random = new Random(7);
        for (var order = 0; order < 200; order++)
        {
            var orderId = $"o-{order}";
            try
            {
                await _service.ReserveAsync(Request(orderId, ("SKU-1", random.Next(1, 15)), ("SKU-2", random.Next(1, 15))), Ct);
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

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("slash/not-allowed")]
    public async Task ReserveAsync_OrderIdOutsideThePattern_ThrowsInvalidRequest(string orderId)
    {
        var error = await Assert.ThrowsAsync<InvalidInventoryRequestException>(
            () => _service.ReserveAsync(Request(orderId, ("SKU-1", 1)), Ct));

        Assert.Equal("InvalidRequest", error.ErrorType);
    }

    [Fact]
    public async Task ReserveAsync_OrderIdOf81Characters_ThrowsInvalidRequest() =>
        await Assert.ThrowsAsync<InvalidInventoryRequestException>(
            () => _service.ReserveAsync(Request(new string('a', 81), ("SKU-1", 1)), Ct));

    [Fact]
    public async Task ReserveAsync_DuplicateSkuLines_ThrowsInvalidRequestAndReservesNothing()
    {
        await Assert.ThrowsAsync<InvalidInventoryRequestException>(
            () => _service.ReserveAsync(Request("o-1", ("SKU-1", 1), ("SKU-1", 2)), Ct));

        Assert.Equal(100, (await Sku("SKU-1")).Stock);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public async Task ReserveAsync_NonPositiveQuantity_ThrowsInvalidRequest(int quantity) =>
        await Assert.ThrowsAsync<InvalidInventoryRequestException>(
            () => _service.ReserveAsync(Request("o-1", ("SKU-1", quantity)), Ct));

    [Fact]
    public async Task ReserveAsync_NoLines_ThrowsInvalidRequest() =>
        await Assert.ThrowsAsync<InvalidInventoryRequestException>(() => _service.ReserveAsync(Request("o-1"), Ct));

    [Fact]
    public async Task ReserveAsync_StoreUnavailable_SurfacesTransientInventoryUnavailable()
    {
        var store = new Mock<IInventoryStore>();
        store.Setup(s => s.GetReservationAsync("o-1", It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InventoryUnavailableException("throttled"));
        var service = new InventoryService(store.Object, TimeProvider.System);

        var error = await Assert.ThrowsAsync<InventoryUnavailableException>(
            () => service.ReserveAsync(Request("o-1", ("SKU-1", 1)), Ct));

        Assert.Equal("InventoryUnavailable", error.ErrorType);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task ReserveAsync_ExistingReservation_AnswersFromItWithoutTouchingStock()
    {
        var existing = new Reservation("o-1", [new PricedLine("SKU-1", 2, 1500)], 3000, "USD", ReservationStatus.Reserved, Now);
        var store = new Mock<IInventoryStore>(MockBehavior.Strict);
        store.Setup(s => s.GetReservationAsync("o-1", It.IsAny<CancellationToken>())).ReturnsAsync(existing);
        var service = new InventoryService(store.Object, TimeProvider.System);

        var response = await service.ReserveAsync(Request("o-1", ("SKU-1", 2)), Ct);

        Assert.Equal(3000, response.TotalAmount);
        store.Verify(s => s.ReserveAsync(It.IsAny<Reservation>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task ReserveAsync_NewReservation_IsStampedWithTheClock()
    {
        Reservation? written = null;
        var store = new Mock<IInventoryStore>();
        store.Setup(s => s.GetSkusAsync(It.IsAny<IReadOnlyCollection<string>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Dictionary<string, SkuStock> { ["SKU-1"] = new("SKU-1", 10, 0, 100, "USD") });
        store.Setup(s => s.ReserveAsync(It.IsAny<Reservation>(), It.IsAny<CancellationToken>()))
            .Callback<Reservation, CancellationToken>((reservation, _) => written = reservation)
            .ReturnsAsync((Reservation reservation, CancellationToken _) => reservation);
        var service = new InventoryService(store.Object, new FixedClock(Now));

        await service.ReserveAsync(Request("o-1", ("SKU-1", 2)), Ct);

        Assert.NotNull(written);
        Assert.Equal(Now, written.ReservedAt);
        Assert.Equal(ReservationStatus.Reserved, written.Status);
        Assert.Equal(200, written.TotalAmount);
    }

    private async Task<SkuStock> Sku(string sku) => (await _store.GetSkusAsync([sku], Ct))[sku];

    internal static ReserveInventoryRequest Request(string orderId, params (string Sku, int Quantity)[] lines) =>
        new(orderId, lines.Select(line => new OrderLine(line.Sku, line.Quantity)).ToList());
}

internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
