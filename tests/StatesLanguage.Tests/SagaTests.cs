using StatesLanguage.Integrations;
using StatesLanguage.Runtime;
using static StatesLanguage.Tests.EngineTestHost;

namespace StatesLanguage.Tests;

/// <summary>A saga-shaped machine: three steps, each caught into compensations that run in reverse order.</summary>
public class SagaTests
{
    private const string Saga = """
        {"StartAt":"ReserveInventory","States":{
          "ReserveInventory":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:Reserve","ResultPath":"$.reservation",
            "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"MarkCancelled"}],"Next":"ChargePayment"},
          "ChargePayment":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","ResultPath":"$.payment","ResultSelector":{"id.$":"$.Payload.id"},
            "Parameters":{"FunctionName":"Charge","Payload.$":"$"},
            "Retry":[{"ErrorEquals":["GatewayTimeout"],"IntervalSeconds":2,"MaxAttempts":3}],
            "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"ReleaseInventory"}],"Next":"ShipOrder"},
          "ShipOrder":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:Ship","ResultPath":"$.shipment",
            "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"RefundPayment"}],"Next":"Completed"},
          "RefundPayment":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:Refund","ResultPath":null,"Next":"ReleaseInventory"},
          "ReleaseInventory":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:Release","ResultPath":null,"Next":"MarkCancelled"},
          "MarkCancelled":{"Type":"Pass","Parameters":{"status":"CANCELLED","reason.$":"$.error.Error"},"Next":"Cancelled"},
          "Cancelled":{"Type":"Fail","Error":"OrderCancelled","Cause":"compensated"},
          "Completed":{"Type":"Succeed"}}}
        """;

    private static FakeLambda HappyLambda() => new FakeLambda()
        .On("Reserve", LambdaInvocationResult.Success("""{"id":"r-1"}"""))
        .On("Charge", LambdaInvocationResult.Success("""{"id":"p-1"}"""))
        .On("Ship", LambdaInvocationResult.Success("""{"id":"s-1"}"""))
        .On("Refund", LambdaInvocationResult.Success("{}"))
        .On("Release", LambdaInvocationResult.Success("{}"));

    private static string[] StatesVisited(ExecutionResult result) =>
        result.History.Where(e => e.Type.EndsWith("StateEntered", StringComparison.Ordinal)).Select(e => e.StateName!).ToArray();

    [Fact]
    public async Task HappyPath_RunsEveryStepAndSucceeds()
    {
        var lambda = HappyLambda();
        var result = await RunAsync(Saga, """{"orderId":"o-1"}""", lambda: lambda);
        Assert.Equal(ExecutionStatus.SUCCEEDED, result.Status);
        Assert.Equal(["ReserveInventory", "ChargePayment", "ShipOrder", "Completed"], StatesVisited(result));
        Assert.Equal("p-1", result.OutputJson!["payment"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task ShippingFails_CompensatesInReverseOrder()
    {
        var lambda = HappyLambda().On("Ship", LambdaInvocationResult.Failure("AddressUnserviceable", "AQ"));
        var result = await RunAsync(Saga, """{"orderId":"o-2"}""", lambda: lambda);
        Assert.Equal(["ReserveInventory", "ChargePayment", "ShipOrder", "RefundPayment", "ReleaseInventory", "MarkCancelled", "Cancelled"], StatesVisited(result));
        Assert.Equal(("OrderCancelled", "compensated"), (result.Error, result.Cause));
        Assert.Equal(["Reserve", "Charge", "Ship", "Refund", "Release"], lambda.Calls.Select(c => c.Function).ToArray());
    }

    [Fact]
    public async Task PaymentDeclined_ReleasesInventoryOnly()
    {
        var lambda = HappyLambda().On("Charge", LambdaInvocationResult.Failure("PaymentDeclined", "declined"));
        var result = await RunAsync(Saga, """{"orderId":"o-3"}""", lambda: lambda);
        Assert.Equal(["ReserveInventory", "ChargePayment", "ReleaseInventory", "MarkCancelled", "Cancelled"], StatesVisited(result));
    }

    [Fact]
    public async Task TransientGatewayFaults_AreRetriedWithBackoffThenComplete()
    {
        var lambda = HappyLambda().On("Charge", LambdaInvocationResult.Failure("GatewayTimeout", "1"),
            LambdaInvocationResult.Failure("GatewayTimeout", "2"), LambdaInvocationResult.Success("""{"id":"p-9"}"""));
        var result = await RunAsync(Saga, """{"orderId":"o-4"}""", lambda: lambda);
        Assert.Equal(ExecutionStatus.SUCCEEDED, result.Status);
        var scheduled = result.History.Where(e => e.Type == "TaskScheduled").Select(e => e.Timestamp).ToList();
        Assert.Equal([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], scheduled.Zip(scheduled.Skip(1), (a, b) => b - a).ToArray());
    }
}
