using System.Text.RegularExpressions;
using ECommerce.Bench.Cost;
using Moq;
using StatesLanguage.Integrations;
using StatesLanguage.Runtime;

namespace Cost.Tests;

/// <summary>The transition counts the cost model bills are the ones the local engine records for the real saga.</summary>
public partial class SagaTransitionTests
{
    [Fact]
    public async Task HappyPath_EntersAsManyStatesAsTheCostModelBills()
    {
        var history = await RunSagaAsync(shipError: null);

        Assert.Equal(SagaUsage.HappyPathTransitions, CountStateEntered(history));
    }

    [Fact]
    public async Task AddressUnserviceable_EntersAsManyStatesAsTheCostModelBills()
    {
        var history = await RunSagaAsync(shipError: "AddressUnserviceable");

        Assert.Equal(SagaUsage.CompensatedTransitions, CountStateEntered(history));
    }

    private static int CountStateEntered(IEnumerable<HistoryEvent> history) =>
        history.Count(e => e.Type.EndsWith("StateEntered", StringComparison.Ordinal));

    private static async Task<IReadOnlyList<HistoryEvent>> RunSagaAsync(string? shipError)
    {
        var invoker = new Mock<ILambdaInvoker>();
        invoker.Setup(i => i.InvokeAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string function, string _, CancellationToken _) => function switch
            {
                _ when function.EndsWith(":ReserveInventoryFunctionArn", StringComparison.Ordinal) =>
                    LambdaInvocationResult.Success("""{"lines":[],"totalAmount":100,"currency":"USD"}"""),
                _ when function.EndsWith(":ChargePaymentFunctionArn", StringComparison.Ordinal) =>
                    LambdaInvocationResult.Success("""{"chargeId":"ch","amount":100,"currency":"USD"}"""),
                _ when function.EndsWith(":ShipOrderFunctionArn", StringComparison.Ordinal) => shipError is null
                    ? LambdaInvocationResult.Success("""{"shipmentId":"sh","carrier":"c","trackingNumber":"t"}""")
                    : LambdaInvocationResult.Failure(shipError, "cannot ship there"),
                _ => LambdaInvocationResult.Success("{}"),
            });
        var engine = new StepFunctionsEngine(new EngineOptions { LambdaInvoker = invoker.Object });
        var definition = Substitution().Replace(
            await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "order-saga.asl.json"), TestContext.Current.CancellationToken),
            m => m.Groups[1].Value.EndsWith("TopicArn", StringComparison.Ordinal)
                ? $"arn:aws:sns:us-east-1:123456789012:{m.Groups[1].Value}"
                : $"arn:aws:lambda:us-east-1:123456789012:function:{m.Groups[1].Value}");
        var machine = engine.CreateStateMachine("OrderSaga", definition);
        var execution = await engine.StartExecutionAsync(machine,
            """{"orderId":"o-1","customerId":"c-1","lines":[{"sku":"SKU-1","quantity":1}],"payment":{"token":"tok_visa"},"shipping":{"country":"US"}}""");
        var result = await execution.WaitForCompletionAsync(TestContext.Current.CancellationToken);
        Assert.Equal(shipError is null ? ExecutionStatus.SUCCEEDED : ExecutionStatus.FAILED, result.Info.Status);
        return result.History;
    }

    [GeneratedRegex(@"\$\{(\w+)\}")]
    private static partial Regex Substitution();
}
