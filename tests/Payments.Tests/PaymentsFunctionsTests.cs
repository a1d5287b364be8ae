using System.Text.Json;
using ECommerce.Payments.Gateway;
using ECommerce.Payments.Storage;
using ECommerce.Runtime;

namespace ECommerce.Payments.Tests;

public sealed class PaymentsFunctionsTests
{
    private static readonly LambdaContext Context = LambdaContext.ForLocalInvocation("Payments", TimeSpan.FromSeconds(30));
    private readonly LambdaHandlerRegistry _registry =
        PaymentsFunctions.CreateRegistry(new InMemoryPaymentStore(), new SimulatedPaymentGateway(TimeProvider.System));

    private Task<string> Invoke(string handler, string payload) =>
        _registry.InvokeAsync(handler, payload, Context, TestContext.Current.CancellationToken);

    [Fact]
    public void CreateRegistry_RegistersBothHandlersByContractName() =>
        Assert.Equal(["ChargePayment", "RefundPayment"], _registry.HandlerNames.Order(StringComparer.Ordinal));

    [Fact]
    public async Task ChargePayment_ContractJson_AnswersCamelCaseContractJson()
    {
        var output = await Invoke("ChargePayment", """{"orderId":"o-1","amount":3998,"currency":"USD","paymentToken":"tok_visa"}""");

        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        Assert.Equal("o-1", root.GetProperty("orderId").GetString());
        Assert.StartsWith("ch_", root.GetProperty("chargeId").GetString(), StringComparison.Ordinal);
        Assert.Equal(3998, root.GetProperty("amount").GetInt64());
        Assert.Equal("USD", root.GetProperty("currency").GetString());
    }

    [Fact]
    public async Task RefundPayment_NothingCharged_AnswersRefundedFalseWithNullRefundId() =>
        Assert.Equal("""{"orderId":"o-9","refunded":false,"refundId":null}""", await Invoke("RefundPayment", """{"orderId":"o-9"}"""));

    [Theory]
    [InlineData("tok_chargeDeclined", "PaymentDeclined")]
    [InlineData("tok_flaky_2", "PaymentGatewayUnavailable")]
    public async Task ChargePayment_Failure_ReportsContractErrorType(string token, string errorType)
    {
        var error = await Assert.ThrowsAnyAsync<FunctionErrorException>(
            () => Invoke("ChargePayment", $$"""{"orderId":"o-1","amount":100,"currency":"USD","paymentToken":"{{token}}"}"""));

        Assert.Equal(errorType, LambdaError.FromException(error).ErrorType);
    }

    [Fact]
    public async Task ChargePayment_PayloadWithoutToken_IsRefusedAsSerializationError()
    {
        var error = await Assert.ThrowsAnyAsync<FunctionErrorException>(
            () => Invoke("ChargePayment", """{"orderId":"o-1","amount":100,"currency":"USD"}"""));

        Assert.Equal(LambdaHandlerRegistry.SerializationErrorType, error.ErrorType);
    }
}
