using ECommerce.Payments;
using ECommerce.Payments.Contract;
using ECommerce.Payments.Domain;
using ECommerce.Payments.Gateway;
using ECommerce.Payments.Storage;
using static ECommerce.LocalStores.Tests.TestData;

namespace ECommerce.LocalStores.Tests;

/// <summary>What the Payments port promises, run against the in-memory adapter and the SQLite one.</summary>
public abstract class PaymentStoreContractTests
{
    private readonly Lazy<IPaymentStore> _store;
    private readonly SimulatedPaymentGateway _gateway = new(TimeProvider.System);

    protected PaymentStoreContractTests() => _store = new(CreateStore);

    private IPaymentStore Store => _store.Value;

    private PaymentsService Service => new(Store, _gateway);

    protected abstract IPaymentStore CreateStore();

    private static ChargePaymentRequest Charge(string orderId, string token = "tok_visa", long amount = 4997) =>
        new(orderId, amount, "USD", token);

    [Fact]
    public async Task ChargeAsync_VisaToken_RecordsOneChargeWithEveryField()
    {
        var response = await Service.ChargeAsync(Charge("o-1"), Ct);

        Assert.Equal(
            new ChargeRecord("o-1", ChargeStatus.Charged, 1, "tok_visa", 4997, "USD", response.ChargeId), await Store.GetAsync("o-1", Ct));
    }

    [Fact]
    public async Task ChargeAsync_Twice_AnswersTheFirstChargeAndCountsOneAttempt()
    {
        var first = await Service.ChargeAsync(Charge("o-1"), Ct);
        var second = await Service.ChargeAsync(Charge("o-1"), Ct);

        Assert.Equal(first, second);
        Assert.Equal(1, (await Store.GetAsync("o-1", Ct))!.Attempts);
    }

    [Fact]
    public async Task ChargeAsync_FlakyToken_CountsAttemptsInTheStoreAcrossServiceInstances()
    {
        var request = Charge("o-1", "tok_flaky_2");

        await Assert.ThrowsAsync<PaymentGatewayUnavailableException>(() => Service.ChargeAsync(request, Ct));
        await Assert.ThrowsAsync<PaymentGatewayUnavailableException>(
            () => new PaymentsService(Store, new SimulatedPaymentGateway(TimeProvider.System)).ChargeAsync(request, Ct));
        Assert.Equal((ChargeStatus.Attempted, 2, (string?)null), await StatusOf("o-1"));
        var response = await new PaymentsService(Store, new SimulatedPaymentGateway(TimeProvider.System)).ChargeAsync(request, Ct);

        Assert.Equal((ChargeStatus.Charged, 3, response.ChargeId), await StatusOf("o-1"));
    }

    [Fact]
    public async Task ChargeAsync_ConcurrentRepeats_RecordOneCharge()
    {
        var charges = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Service.ChargeAsync(Charge("o-1"), Ct), Ct)));

        Assert.Single(charges.Select(charge => charge.ChargeId).Distinct());
        Assert.Equal(ChargeStatus.Charged, (await Store.GetAsync("o-1", Ct))!.Status);
    }

    [Fact]
    public async Task TryRecordAttemptAsync_AfterCharge_ReturnsNullAndChangesNothing()
    {
        await Service.ChargeAsync(Charge("o-1", amount: 100), Ct);

        Assert.Null(await Store.TryRecordAttemptAsync("o-1", "tok_other", 999, "EUR", Ct));

        var record = await Store.GetAsync("o-1", Ct);
        Assert.Equal(
            (ChargeStatus.Charged, 1, "tok_visa", 100L, "USD"),
            (record!.Status, record.Attempts, record.Token, record.Amount, record.Currency));
    }

    [Fact]
    public async Task TryRecordAttemptAsync_Repeated_NumbersAttemptsFromOneAndKeepsTheLatestRequest()
    {
        Assert.Equal(1, await Store.TryRecordAttemptAsync("o-1", "tok_a", 100, "USD", Ct));
        Assert.Equal(2, await Store.TryRecordAttemptAsync("o-1", "tok_b", 200, "USD", Ct));

        Assert.Equal(new ChargeRecord("o-1", ChargeStatus.Attempted, 2, "tok_b", 200, "USD"), await Store.GetAsync("o-1", Ct));
    }

    [Fact]
    public async Task RecordChargeAsync_Twice_KeepsTheFirstChargeId()
    {
        await Store.TryRecordAttemptAsync("o-1", "tok_visa", 100, "USD", Ct);

        var first = await Store.RecordChargeAsync("o-1", "ch_first", Ct);
        var second = await Store.RecordChargeAsync("o-1", "ch_second", Ct);

        Assert.Equal("ch_first", first.ChargeId);
        Assert.Equal(first, second);
        Assert.Equal(first, await Store.GetAsync("o-1", Ct));
    }

    [Fact]
    public async Task RecordChargeAsync_NoAttemptRecorded_Throws()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.RecordChargeAsync("o-1", "ch_1", Ct));

        Assert.Null(await Store.GetAsync("o-1", Ct));
    }

    [Fact]
    public async Task RefundAsync_Twice_MovesChargedToRefundedOnceAndKeepsTheRefundId()
    {
        await Service.ChargeAsync(Charge("o-1"), Ct);

        var first = await Service.RefundAsync(new RefundPaymentRequest("o-1"), Ct);
        var second = await Service.RefundAsync(new RefundPaymentRequest("o-1"), Ct);
        var direct = await Store.RecordRefundAsync("o-1", "re_other", Ct);

        Assert.True(first.Refunded);
        Assert.Equal(first, second);
        Assert.Equal((ChargeStatus.Refunded, first.RefundId), (direct.Status, direct.RefundId));
    }

    [Fact]
    public async Task RefundAsync_NothingCharged_IsANoOpAndWritesNothing()
    {
        Assert.Equal(new RefundPaymentResponse("o-1", false, null), await Service.RefundAsync(new RefundPaymentRequest("o-1"), Ct));
        Assert.Equal(new RefundPaymentResponse("o-1", false, null), await Service.RefundAsync(new RefundPaymentRequest("o-1"), Ct));

        Assert.Null(await Store.GetAsync("o-1", Ct));
    }

    [Fact]
    public async Task RefundAsync_AfterADeclinedCharge_IsANoOp()
    {
        await Assert.ThrowsAsync<PaymentDeclinedException>(() => Service.ChargeAsync(Charge("o-1", "tok_chargeDeclined"), Ct));

        Assert.Equal(new RefundPaymentResponse("o-1", false, null), await Service.RefundAsync(new RefundPaymentRequest("o-1"), Ct));
        Assert.Equal((ChargeStatus.Attempted, 1, (string?)null), await StatusOf("o-1"));
    }

    [Fact]
    public async Task RecordRefundAsync_OnlyAttempted_ChangesNothing()
    {
        await Store.TryRecordAttemptAsync("o-1", "tok_visa", 100, "USD", Ct);

        var record = await Store.RecordRefundAsync("o-1", "re_1", Ct);

        Assert.Equal(new ChargeRecord("o-1", ChargeStatus.Attempted, 1, "tok_visa", 100, "USD"), record);
        Assert.Equal(record, await Store.GetAsync("o-1", Ct));
    }

    [Fact]
    public async Task RecordRefundAsync_NoRecord_Throws() =>
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.RecordRefundAsync("o-1", "re_1", Ct));

    [Fact]
    public async Task RefundAsync_GatewayDown_LeavesTheChargeInPlaceForARetry()
    {
        await Service.ChargeAsync(Charge("o-1"), Ct);
        _gateway.RefundsAvailable = false;

        await Assert.ThrowsAsync<PaymentGatewayUnavailableException>(() => Service.RefundAsync(new RefundPaymentRequest("o-1"), Ct));
        Assert.Equal(ChargeStatus.Charged, (await Store.GetAsync("o-1", Ct))!.Status);

        _gateway.RefundsAvailable = true;
        Assert.True((await Service.RefundAsync(new RefundPaymentRequest("o-1"), Ct)).Refunded);
    }

    [Fact]
    public async Task ChargeAsync_AfterRefund_AnswersTheOriginalChargeWithoutRecharging()
    {
        var charge = await Service.ChargeAsync(Charge("o-1"), Ct);
        await Service.RefundAsync(new RefundPaymentRequest("o-1"), Ct);

        Assert.Equal(charge, await Service.ChargeAsync(Charge("o-1"), Ct));
        Assert.Equal((ChargeStatus.Refunded, 1, charge.ChargeId), await StatusOf("o-1"));
    }

    private async Task<(ChargeStatus Status, int Attempts, string? ChargeId)> StatusOf(string orderId)
    {
        var record = await Store.GetAsync(orderId, Ct) ?? throw new InvalidOperationException($"No record for {orderId}.");
        return (record.Status, record.Attempts, record.ChargeId);
    }
}

public sealed class InMemoryPaymentStoreContractTests : PaymentStoreContractTests
{
    protected override IPaymentStore CreateStore() => new InMemoryPaymentStore();
}

public sealed class SqlitePaymentStoreContractTests : PaymentStoreContractTests, IDisposable
{
    private readonly TempFolder _folder = new();
    private SqliteDocumentStore? _table;

    protected override IPaymentStore CreateStore()
    {
        _table = new SqliteDocumentStore(_folder.File("payments.db"));
        return new SqlitePaymentStore(_table);
    }

    public void Dispose()
    {
        _table?.Dispose();
        _folder.Dispose();
    }
}
