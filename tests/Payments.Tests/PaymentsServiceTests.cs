using ECommerce.Payments.Contract;
using ECommerce.Payments.Domain;
using ECommerce.Payments.Gateway;
using ECommerce.Payments.Storage;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace ECommerce.Payments.Tests;

public sealed class PaymentsServiceTests
{
    private readonly InMemoryPaymentStore _store = new();
    private readonly FakeTimeProvider _clock = new();
    private readonly SimulatedPaymentGateway _gateway;
    private readonly PaymentsService _service;

    public PaymentsServiceTests()
    {
        _gateway = new SimulatedPaymentGateway(_clock);
        _service = new PaymentsService(_store, _gateway);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ChargePaymentRequest Charge(string orderId, string token = "tok_visa", long amount = 4997) =>
        new(orderId, amount, "USD", token);

    [Fact]
    public async Task ChargeAsync_VisaToken_ApprovesAndRecordsTheCharge()
    {
        var response = await _service.ChargeAsync(Charge("o-1"), Ct);

        Assert.Equal("o-1", response.OrderId);
        Assert.StartsWith("ch_", response.ChargeId, StringComparison.Ordinal);
        Assert.Equal(4997, response.Amount);
        Assert.Equal("USD", response.Currency);
        var record = await _store.GetAsync("o-1", Ct);
        Assert.Equal(new ChargeRecord("o-1", ChargeStatus.Charged, 1, "tok_visa", 4997, "USD", response.ChargeId), record);
    }

    [Fact]
    public async Task ChargeAsync_Twice_ReturnsTheFirstChargeWithoutCallingTheGatewayAgain()
    {
        var gateway = new Mock<IPaymentGateway>();
        gateway.Setup(g => g.ChargeAsync(It.IsAny<GatewayChargeRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new GatewayCharge("ch_first"));
        var service = new PaymentsService(_store, gateway.Object);

        var first = await service.ChargeAsync(Charge("o-1"), Ct);
        var second = await service.ChargeAsync(Charge("o-1"), Ct);

        Assert.Equal(first, second);
        Assert.Equal("ch_first", second.ChargeId);
        gateway.Verify(g => g.ChargeAsync(It.IsAny<GatewayChargeRequest>(), It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal(1, (await _store.GetAsync("o-1", Ct))!.Attempts);
    }

    [Fact]
    public async Task ChargeAsync_DeclinedToken_ThrowsPaymentDeclinedAndRecordsNoCharge()
    {
        var error = await Assert.ThrowsAsync<PaymentDeclinedException>(() => _service.ChargeAsync(Charge("o-1", "tok_chargeDeclined"), Ct));

        Assert.Equal("PaymentDeclined", error.ErrorType);
        Assert.False(error.IsTransient);
        Assert.Equal(ChargeStatus.Attempted, (await _store.GetAsync("o-1", Ct))!.Status);
    }

    [Fact]
    public async Task ChargeAsync_AmountOverTheLimit_ThrowsPaymentDeclined()
    {
        var error = await Assert.ThrowsAsync<PaymentDeclinedException>(() => _service.ChargeAsync(Charge("o-1", amount: 1_000_001), Ct));

        Assert.Contains("amount limit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChargeAsync_AmountAtTheLimit_Approves() =>
        Assert.Equal(1_000_000, (await _service.ChargeAsync(Charge("o-1", amount: 1_000_000), Ct)).Amount);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(9)]
    public async Task ChargeAsync_FlakyToken_FailsTheFirstNAttemptsThenApproves(int failures)
    {
        var request = Charge("o-flaky", $"tok_flaky_{failures}");
        for (var attempt = 1; attempt <= failures; attempt++)
        {
            var error = await Assert.ThrowsAsync<PaymentGatewayUnavailableException>(() => _service.ChargeAsync(request, Ct));
            Assert.Equal("PaymentGatewayUnavailable", error.ErrorType);
            Assert.True(error.IsTransient);
        }

        var response = await _service.ChargeAsync(request, Ct);

        Assert.Equal(failures + 1, (await _store.GetAsync("o-flaky", Ct))!.Attempts);
        Assert.Equal(response, await _service.ChargeAsync(request, Ct));
    }

    [Fact]
    public async Task ChargeAsync_FlakyToken_CountsAttemptsPerOrder()
    {
        await Assert.ThrowsAsync<PaymentGatewayUnavailableException>(() => _service.ChargeAsync(Charge("o-a", "tok_flaky_1"), Ct));

        await Assert.ThrowsAsync<PaymentGatewayUnavailableException>(() => _service.ChargeAsync(Charge("o-b", "tok_flaky_1"), Ct));
        await _service.ChargeAsync(Charge("o-a", "tok_flaky_1"), Ct);
    }

    [Fact]
    public async Task ChargeAsync_FlakyToken_AttemptsSurviveANewServiceOverTheSameStore()
    {
        await Assert.ThrowsAsync<PaymentGatewayUnavailableException>(() => _service.ChargeAsync(Charge("o-1", "tok_flaky_1"), Ct));
        var coldStart = new PaymentsService(_store, new SimulatedPaymentGateway(_clock));

        var response = await coldStart.ChargeAsync(Charge("o-1", "tok_flaky_1"), Ct);

        Assert.Equal("o-1", response.OrderId);
    }

    [Fact]
    public async Task ChargeAsync_SlowToken_WaitsNSecondsOnTheClockThenApproves()
    {
        var charge = _service.ChargeAsync(Charge("o-1", "tok_slow_5"), Ct);

        _clock.Advance(TimeSpan.FromSeconds(4.9));
        await Task.Delay(50, Ct);
        Assert.False(charge.IsCompleted);
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        var response = await charge.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal("o-1", response.OrderId);
    }

    [Theory]
    [InlineData("tok_flaky_0")]
    [InlineData("tok_flaky_10")]
    [InlineData("tok_slow_61")]
    [InlineData("tok_slow_x")]
    public async Task ChargeAsync_TestTokenWithCountOutOfRange_ThrowsPaymentDeclined(string token) =>
        await Assert.ThrowsAsync<PaymentDeclinedException>(() => _service.ChargeAsync(Charge("o-1", token), Ct));

    [Fact]
    public async Task RefundAsync_AfterCharge_RefundsOnceAndRecordsTheRefundId()
    {
        var charge = await _service.ChargeAsync(Charge("o-1"), Ct);

        var refund = await _service.RefundAsync(new RefundPaymentRequest("o-1"), Ct);

        Assert.True(refund.Refunded);
        Assert.StartsWith("re_", refund.RefundId, StringComparison.Ordinal);
        var record = await _store.GetAsync("o-1", Ct);
        Assert.Equal(ChargeStatus.Refunded, record!.Status);
        Assert.Equal(refund.RefundId, record.RefundId);
        Assert.Equal(charge.ChargeId, record.ChargeId);
    }

    [Fact]
    public async Task RefundAsync_Twice_NeverCallsTheGatewayASecondTimeAndAnswersTheSame()
    {
        var gateway = new Mock<IPaymentGateway>();
        gateway.Setup(g => g.ChargeAsync(It.IsAny<GatewayChargeRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new GatewayCharge("ch_1"));
        gateway.Setup(g => g.RefundAsync(It.IsAny<GatewayRefundRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new GatewayRefund("re_1"));
        var service = new PaymentsService(_store, gateway.Object);
        await service.ChargeAsync(Charge("o-1"), Ct);

        var first = await service.RefundAsync(new RefundPaymentRequest("o-1"), Ct);
        var second = await service.RefundAsync(new RefundPaymentRequest("o-1"), Ct);

        Assert.Equal(new RefundPaymentResponse("o-1", true, "re_1"), first);
        Assert.Equal(first, second);
        gateway.Verify(
            g => g.RefundAsync(new GatewayRefundRequest("o-1", "ch_1", 4997, "USD"), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task RefundAsync_NothingCharged_IsANoOpAnsweringFalseAndNullRefundId()
    {
        var gateway = new Mock<IPaymentGateway>(MockBehavior.Strict);
        var service = new PaymentsService(_store, gateway.Object);

        var response = await service.RefundAsync(new RefundPaymentRequest("o-1"), Ct);

        Assert.Equal(new RefundPaymentResponse("o-1", false, null), response);
        Assert.Null(await _store.GetAsync("o-1", Ct));
    }

    [Fact]
    public async Task RefundAsync_AfterDeclinedCharge_IsANoOp()
    {
        await Assert.ThrowsAsync<PaymentDeclinedException>(() => _service.ChargeAsync(Charge("o-1", "tok_chargeDeclined"), Ct));

        var response = await _service.RefundAsync(new RefundPaymentRequest("o-1"), Ct);

        Assert.Equal(new RefundPaymentResponse("o-1", false, null), response);
    }

    [Fact]
    public async Task RefundAsync_RefundsSwitchedOff_FailsTransientlyUntilSwitchedBack()
    {
        await _service.ChargeAsync(Charge("o-1"), Ct);
        _gateway.RefundsAvailable = false;

        var error = await Assert.ThrowsAsync<PaymentGatewayUnavailableException>(() => _service.RefundAsync(new RefundPaymentRequest("o-1"), Ct));
        Assert.True(error.IsTransient);
        Assert.Equal(ChargeStatus.Charged, (await _store.GetAsync("o-1", Ct))!.Status);

        _gateway.RefundsAvailable = true;
        var response = await _service.RefundAsync(new RefundPaymentRequest("o-1"), Ct);

        Assert.True(response.Refunded);
    }

    [Fact]
    public async Task ChargeAsync_AfterRefund_StillAnswersTheOriginalChargeWithoutRecharging()
    {
        var charge = await _service.ChargeAsync(Charge("o-1"), Ct);
        await _service.RefundAsync(new RefundPaymentRequest("o-1"), Ct);

        var again = await _service.ChargeAsync(Charge("o-1"), Ct);

        Assert.Equal(charge, again);
        Assert.Equal(ChargeStatus.Refunded, (await _store.GetAsync("o-1", Ct))!.Status);
    }

    [Fact]
    public async Task ChargeAsync_ConcurrentRepeats_RecordOneCharge()
    {
        var charges = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => _service.ChargeAsync(Charge("o-1"), Ct), Ct)));

        Assert.Single(charges.Select(charge => charge.ChargeId).Distinct());
        Assert.Equal(ChargeStatus.Charged, (await _store.GetAsync("o-1", Ct))!.Status);
    }

    [Theory]
    [InlineData("o 1", 100, "USD", "tok_visa")]
    [InlineData("o-1", 0, "USD", "tok_visa")]
    [InlineData("o-1", -5, "USD", "tok_visa")]
    [InlineData("o-1", 100, "usd", "tok_visa")]
    [InlineData("o-1", 100, "USD", "4242424242424242")]
    public async Task ChargeAsync_RequestBreakingTheContract_ThrowsInvalidRequestBeforeTheGateway(
        string orderId, long amount, string currency, string token)
    {
        var gateway = new Mock<IPaymentGateway>(MockBehavior.Strict);
        var service = new PaymentsService(_store, gateway.Object);

        var error = await Assert.ThrowsAsync<InvalidPaymentRequestException>(
            () => service.ChargeAsync(new ChargePaymentRequest(orderId, amount, currency, token), Ct));

        Assert.Equal("InvalidRequest", error.ErrorType);
    }
}
