using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using ECommerce.Payments.Contract;
using ECommerce.Payments.Domain;
using ECommerce.Payments.Gateway;
using ECommerce.Payments.Storage;
using ECommerce.TestSupport;

namespace ECommerce.Payments.Tests;

/// <summary>The DynamoDB adapter for real, against moto_server on loopback (skipped when moto_server is missing).</summary>
public sealed class DynamoDbPaymentStoreTests(MotoServerFixture moto) : IAsyncLifetime
{
    private AmazonDynamoDBClient? _client;
    private string _table = "";
    private DynamoDbPaymentStore _store = null!;
    private SimulatedPaymentGateway _gateway = null!;
    private PaymentsService _service = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        if (!moto.IsAvailable)
        {
            return;
        }

        _table = MotoServerFixture.UniqueName("payments");
        await moto.CreateTableAsync(_table, Ct);
        _client = moto.CreateDynamoDbClient();
        _store = new DynamoDbPaymentStore(_client, _table);
        _gateway = new SimulatedPaymentGateway(TimeProvider.System);
        _service = new PaymentsService(_store, _gateway);
    }

    public ValueTask DisposeAsync()
    {
        _client?.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task ChargeAsync_Twice_WritesOneChargeItemWithTheContractAttributes()
    {
        moto.SkipIfUnavailable();

        var first = await _service.ChargeAsync(new ChargePaymentRequest("o-1", 4997, "USD", "tok_visa"), Ct);
        var second = await _service.ChargeAsync(new ChargePaymentRequest("o-1", 4997, "USD", "tok_visa"), Ct);

        Assert.Equal(first, second);
        var item = await RawItem("o-1");
        Assert.Equal("CHARGED", item["status"].S);
        Assert.Equal(first.ChargeId, item["chargeId"].S);
        Assert.Equal("4997", item["amount"].N);
        Assert.Equal("USD", item["currency"].S);
        Assert.Equal("tok_visa", item["token"].S);
        Assert.Equal("1", item["attempts"].N);
        Assert.False(item.ContainsKey("refundId"));
    }

    [Fact]
    public async Task ChargeAsync_FlakyToken_CountsAttemptsInTheTableAcrossServiceInstances()
    {
        moto.SkipIfUnavailable();
        var request = new ChargePaymentRequest("o-1", 100, "USD", "tok_flaky_2");

        await Assert.ThrowsAsync<PaymentGatewayUnavailableException>(() => _service.ChargeAsync(request, Ct));
        await Assert.ThrowsAsync<PaymentGatewayUnavailableException>(
            () => new PaymentsService(_store, new SimulatedPaymentGateway(TimeProvider.System)).ChargeAsync(request, Ct));
        Assert.False((await RawItem("o-1")).ContainsKey("status"));
        var response = await new PaymentsService(_store, new SimulatedPaymentGateway(TimeProvider.System)).ChargeAsync(request, Ct);

        var item = await RawItem("o-1");
        Assert.Equal("3", item["attempts"].N);
        Assert.Equal(response.ChargeId, item["chargeId"].S);
    }

    [Fact]
    public async Task TryRecordAttemptAsync_AfterCharge_ChangesNothing()
    {
        moto.SkipIfUnavailable();
        await _service.ChargeAsync(new ChargePaymentRequest("o-1", 100, "USD", "tok_visa"), Ct);

        Assert.Null(await _store.TryRecordAttemptAsync("o-1", "tok_other", 999, "EUR", Ct));

        var record = await _store.GetAsync("o-1", Ct);
        Assert.Equal((ChargeStatus.Charged, 1, "tok_visa", 100L, "USD"), (record!.Status, record.Attempts, record.Token, record.Amount, record.Currency));
    }

    [Fact]
    public async Task RecordChargeAsync_Twice_KeepsTheFirstChargeId()
    {
        moto.SkipIfUnavailable();
        await _store.TryRecordAttemptAsync("o-1", "tok_visa", 100, "USD", Ct);

        var first = await _store.RecordChargeAsync("o-1", "ch_first", Ct);
        var second = await _store.RecordChargeAsync("o-1", "ch_second", Ct);

        Assert.Equal("ch_first", first.ChargeId);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task RefundAsync_Twice_MovesChargedToRefundedOnceAndKeepsTheRefundId()
    {
        moto.SkipIfUnavailable();
        await _service.ChargeAsync(new ChargePaymentRequest("o-1", 100, "USD", "tok_visa"), Ct);

        var first = await _service.RefundAsync(new RefundPaymentRequest("o-1"), Ct);
        var second = await _service.RefundAsync(new RefundPaymentRequest("o-1"), Ct);
        var direct = await _store.RecordRefundAsync("o-1", "re_other", Ct);

        Assert.Equal(first, second);
        Assert.Equal(first.RefundId, direct.RefundId);
        var item = await RawItem("o-1");
        Assert.Equal("REFUNDED", item["status"].S);
        Assert.Equal(first.RefundId, item["refundId"].S);
    }

    [Fact]
    public async Task RefundAsync_NothingCharged_IsANoOpAndWritesNothing()
    {
        moto.SkipIfUnavailable();

        Assert.Equal(new RefundPaymentResponse("o-1", false, null), await _service.RefundAsync(new RefundPaymentRequest("o-1"), Ct));
        Assert.Equal(new RefundPaymentResponse("o-1", false, null), await _service.RefundAsync(new RefundPaymentRequest("o-1"), Ct));

        Assert.Null(await _store.GetAsync("o-1", Ct));
    }

    [Fact]
    public async Task RefundAsync_GatewayDown_LeavesTheChargeInPlaceForARetry()
    {
        moto.SkipIfUnavailable();
        await _service.ChargeAsync(new ChargePaymentRequest("o-1", 100, "USD", "tok_visa"), Ct);
        _gateway.RefundsAvailable = false;

        await Assert.ThrowsAsync<PaymentGatewayUnavailableException>(() => _service.RefundAsync(new RefundPaymentRequest("o-1"), Ct));
        Assert.Equal("CHARGED", (await RawItem("o-1"))["status"].S);

        _gateway.RefundsAvailable = true;
        Assert.True((await _service.RefundAsync(new RefundPaymentRequest("o-1"), Ct)).Refunded);
    }

    private async Task<Dictionary<string, AttributeValue>> RawItem(string orderId) =>
        (await _client!.GetItemAsync(_table, new() { ["pk"] = new AttributeValue { S = "CHARGE#" + orderId } }, Ct)).Item;
}
