using ECommerce.Shipping.Carrier;
using ECommerce.Shipping.Contract;
using ECommerce.Shipping.Domain;
using ECommerce.Shipping.Storage;
using Moq;

namespace ECommerce.Shipping.Tests;

public sealed class ShippingServiceTests
{
    private readonly InMemoryShipmentStore _store = new();
    private readonly SimulatedCarrier _carrier = new();
    private readonly ShippingService _service;

    public ShippingServiceTests() => _service = new ShippingService(_store, _carrier);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static ShipOrderRequest Ship(string orderId, string country = "US", string postalCode = "12345") =>
        new(orderId, [new OrderLine("SKU-1", 2)], new ShippingAddress("A B", "1 Main St", "Springfield", postalCode, country));

    [Fact]
    public async Task ShipAsync_ServiceableAddress_ShipsAndRecordsTheShipment()
    {
        var response = await _service.ShipAsync(Ship("o-1"), Ct);

        Assert.Equal("o-1", response.OrderId);
        Assert.Equal("SIMULATED", response.Carrier);
        Assert.Matches("^shp_[0-9a-f]{24}$", response.ShipmentId);
        Assert.Matches("^SIM[0-9]{12}$", response.TrackingNumber);
        Assert.Equal(
            new ShipmentRecord("o-1", ShipmentStatus.Shipped, 1, response.ShipmentId, "SIMULATED", response.TrackingNumber),
            await _store.GetAsync("o-1", Ct));
    }

    [Fact]
    public async Task ShipAsync_Twice_ReturnsTheFirstShipmentWithoutCallingTheCarrierAgain()
    {
        var carrier = new Mock<ICarrier>();
        carrier.Setup(c => c.CreateShipmentAsync(It.IsAny<CarrierShipmentRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new CarrierShipment("shp_1", "ACME", "T1"));
        var service = new ShippingService(_store, carrier.Object);

        var first = await service.ShipAsync(Ship("o-1"), Ct);
        var second = await service.ShipAsync(Ship("o-1"), Ct);

        Assert.Equal(new ShipOrderResponse("o-1", "shp_1", "ACME", "T1"), first);
        Assert.Equal(first, second);
        carrier.Verify(c => c.CreateShipmentAsync(It.IsAny<CarrierShipmentRequest>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task ShipAsync_Antarctica_ThrowsAddressUnserviceableAndShipsNothing()
    {
        var error = await Assert.ThrowsAsync<AddressUnserviceableException>(() => _service.ShipAsync(Ship("o-1", country: "AQ"), Ct));

        Assert.Equal("AddressUnserviceable", error.ErrorType);
        Assert.False(error.IsTransient);
        Assert.Equal(ShipmentStatus.Attempted, (await _store.GetAsync("o-1", Ct))!.Status);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(9)]
    public async Task ShipAsync_OutagePostalCode_FailsTheFirstNAttemptsThenShips(int outages)
    {
        var request = Ship("o-1", postalCode: $"OUTAGE-{outages}");
        for (var attempt = 1; attempt <= outages; attempt++)
        {
            var error = await Assert.ThrowsAsync<CarrierUnavailableException>(() => _service.ShipAsync(request, Ct));
            Assert.Equal("CarrierUnavailable", error.ErrorType);
            Assert.True(error.IsTransient);
        }

        var response = await _service.ShipAsync(request, Ct);

        Assert.Equal(outages + 1, (await _store.GetAsync("o-1", Ct))!.Attempts);
        Assert.Equal(response, await _service.ShipAsync(request, Ct));
    }

    [Fact]
    public async Task ShipAsync_OutageAttempts_AreCountedPerOrderAndSurviveANewService()
    {
        await Assert.ThrowsAsync<CarrierUnavailableException>(() => _service.ShipAsync(Ship("o-a", postalCode: "OUTAGE-1"), Ct));
        await Assert.ThrowsAsync<CarrierUnavailableException>(() => _service.ShipAsync(Ship("o-b", postalCode: "OUTAGE-1"), Ct));
        var coldStart = new ShippingService(_store, new SimulatedCarrier());

        var response = await coldStart.ShipAsync(Ship("o-a", postalCode: "OUTAGE-1"), Ct);

        Assert.Equal("o-a", response.OrderId);
    }

    [Fact]
    public async Task CancelAsync_AfterShip_CancelsOnce()
    {
        await _service.ShipAsync(Ship("o-1"), Ct);

        var response = await _service.CancelAsync(new CancelShipmentRequest("o-1"), Ct);

        Assert.Equal(new CancelShipmentResponse("o-1", Cancelled: true), response);
        Assert.Equal(ShipmentStatus.Cancelled, (await _store.GetAsync("o-1", Ct))!.Status);
    }

    [Fact]
    public async Task CancelAsync_Twice_CallsTheCarrierOnceAndAnswersTheSame()
    {
        var carrier = new Mock<ICarrier>();
        carrier.Setup(c => c.CreateShipmentAsync(It.IsAny<CarrierShipmentRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new CarrierShipment("shp_1", "ACME", "T1"));
        var service = new ShippingService(_store, carrier.Object);
        await service.ShipAsync(Ship("o-1"), Ct);

        var first = await service.CancelAsync(new CancelShipmentRequest("o-1"), Ct);
        var second = await service.CancelAsync(new CancelShipmentRequest("o-1"), Ct);

        Assert.Equal(first, second);
        Assert.True(second.Cancelled);
        carrier.Verify(c => c.CancelShipmentAsync("o-1", "shp_1", It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task CancelAsync_NeverShipped_IsANoOpAnsweringFalse()
    {
        var service = new ShippingService(_store, new Mock<ICarrier>(MockBehavior.Strict).Object);

        var response = await service.CancelAsync(new CancelShipmentRequest("o-1"), Ct);

        Assert.Equal(new CancelShipmentResponse("o-1", Cancelled: false), response);
        Assert.Null(await _store.GetAsync("o-1", Ct));
    }

    [Fact]
    public async Task CancelAsync_AfterUnserviceableShip_IsANoOp()
    {
        await Assert.ThrowsAsync<AddressUnserviceableException>(() => _service.ShipAsync(Ship("o-1", country: "AQ"), Ct));

        var response = await _service.CancelAsync(new CancelShipmentRequest("o-1"), Ct);

        Assert.False(response.Cancelled);
    }

    [Fact]
    public async Task CancelAsync_CancellationsSwitchedOff_FailsTransientlyUntilSwitchedBack()
    {
        await _service.ShipAsync(Ship("o-1"), Ct);
        _carrier.CancellationsAvailable = false;

        var error = await Assert.ThrowsAsync<CarrierUnavailableException>(() => _service.CancelAsync(new CancelShipmentRequest("o-1"), Ct));
        Assert.True(error.IsTransient);
        Assert.Equal(ShipmentStatus.Shipped, (await _store.GetAsync("o-1", Ct))!.Status);

        _carrier.CancellationsAvailable = true;
        Assert.True((await _service.CancelAsync(new CancelShipmentRequest("o-1"), Ct)).Cancelled);
    }

    [Fact]
    public async Task ShipAsync_AfterCancel_StillAnswersTheOriginalShipmentWithoutReshipping()
    {
        var shipped = await _service.ShipAsync(Ship("o-1"), Ct);
        await _service.CancelAsync(new CancelShipmentRequest("o-1"), Ct);

        Assert.Equal(shipped, await _service.ShipAsync(Ship("o-1"), Ct));
        Assert.Equal(ShipmentStatus.Cancelled, (await _store.GetAsync("o-1", Ct))!.Status);
    }

    [Fact]
    public async Task ShipAsync_ConcurrentRepeats_RecordOneShipment()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => _service.ShipAsync(Ship("o-1"), Ct), Ct)));

        Assert.Single(responses.Distinct());
    }

    [Theory]
    [InlineData("o 1", "US")]
    [InlineData("o-1", "usa")]
    [InlineData("o-1", "us")]
    public async Task ShipAsync_RequestBreakingTheContract_ThrowsInvalidRequestBeforeTheCarrier(string orderId, string country)
    {
        var service = new ShippingService(_store, new Mock<ICarrier>(MockBehavior.Strict).Object);

        var error = await Assert.ThrowsAsync<InvalidShippingRequestException>(() => service.ShipAsync(Ship(orderId, country), Ct));

        Assert.Equal("InvalidRequest", error.ErrorType);
    }

    [Fact]
    public async Task ShipAsync_NoLines_ThrowsInvalidRequest() =>
        await Assert.ThrowsAsync<InvalidShippingRequestException>(
            () => _service.ShipAsync(Ship("o-1") with { Lines = [] }, Ct));

    [Theory]
    [InlineData("OUTAGE-0")]
    [InlineData("OUTAGE-10")]
    [InlineData("OUTAGE-X")]
    public async Task ShipAsync_OutagePostalCodeOutsideOneToNine_ShipsAtOnce(string postalCode) =>
        Assert.Equal("o-1", (await _service.ShipAsync(Ship("o-1", postalCode: postalCode), Ct)).OrderId);
}
