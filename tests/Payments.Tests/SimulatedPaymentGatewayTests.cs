using ECommerce.Payments.Domain;
using ECommerce.Payments.Gateway;

namespace ECommerce.Payments.Tests;

public sealed class SimulatedPaymentGatewayTests
{
    private readonly SimulatedPaymentGateway _gateway = new(TimeProvider.System);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ChargeAsync_SameOrder_GivesTheSameChargeId()
    {
        var first = await _gateway.ChargeAsync(new GatewayChargeRequest("o-1", 100, "USD", "tok_visa", 1), Ct);
        var second = await _gateway.ChargeAsync(new GatewayChargeRequest("o-1", 100, "USD", "tok_visa", 2), Ct);
        var other = await _gateway.ChargeAsync(new GatewayChargeRequest("o-2", 100, "USD", "tok_visa", 1), Ct);

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        Assert.Matches("^ch_[0-9a-f]{24}$", first.ChargeId);
    }

    [Fact]
    public async Task ChargeAsync_OtherTestToken_Approves() =>
        Assert.NotNull(await _gateway.ChargeAsync(new GatewayChargeRequest("o-1", 100, "USD", "tok_mastercard", 1), Ct));

    [Fact]
    public async Task ChargeAsync_AmountLimitBeatsFlakiness_DeclinesOnTheFirstAttempt() =>
        await Assert.ThrowsAsync<PaymentDeclinedException>(
            () => _gateway.ChargeAsync(new GatewayChargeRequest("o-1", 2_000_000, "USD", "tok_flaky_3", 1), Ct));

    [Fact]
    public async Task RefundAsync_Available_GivesADeterministicRefundId()
    {
        var refund = await _gateway.RefundAsync(new GatewayRefundRequest("o-1", "ch_x", 100, "USD"), Ct);

        Assert.Equal(refund, await _gateway.RefundAsync(new GatewayRefundRequest("o-1", "ch_x", 100, "USD"), Ct));
        Assert.Matches("^re_[0-9a-f]{24}$", refund.RefundId);
    }

    [Fact]
    public async Task RefundAsync_Unavailable_ThrowsPaymentGatewayUnavailable()
    {
        _gateway.RefundsAvailable = false;

        var error = await Assert.ThrowsAsync<PaymentGatewayUnavailableException>(
            () => _gateway.RefundAsync(new GatewayRefundRequest("o-1", "ch_x", 100, "USD"), Ct));

        Assert.Equal("PaymentGatewayUnavailable", error.ErrorType);
    }
}
