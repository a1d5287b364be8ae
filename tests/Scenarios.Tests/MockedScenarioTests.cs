using Moq;
using StatesLanguage.Integrations;
using System.Text.Json.Nodes;
using StatesLanguage.Mocks;
using StatesLanguage.Runtime;

namespace Scenarios.Tests;

/// <summary>
/// Every path of the order saga, replayed from order-saga.mocks.json (AWS Step Functions Local's MockConfigFile format,
/// so the same file works there): the exact state path, the retries, the final status and error, the SNS messages.
/// </summary>
public sealed class MockedScenarioTests
{
    private const string Reserve = "Reserve inventory";
    private const string Charge = "Charge payment";
    private const string Ship = "Ship order";
    private const string RecordCompleted = "Record order completed";
    private const string AnnounceConfirmed = "Announce order confirmed";
    private const string Completed = "Order completed";
    private const string CancelShipment = "Cancel shipment";
    private const string Refund = "Refund payment";
    private const string Release = "Release inventory";
    private const string RecordCancelled = "Record order cancelled";
    private const string AnnounceCancelled = "Announce order cancelled";
    private const string Cancelled = "Order cancelled";

    private static readonly string[] CancellationTail = [RecordCancelled, AnnounceCancelled, Cancelled];

    private static readonly MockConfig Mocks = MockConfig.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "order-saga.mocks.json")));

    private static async Task<ExecutionResult> RunAsync(string testCase, string? input = null)
    {
        var (engine, machine) = OrderSaga.Create(mocks: Mocks);
        var execution = await engine.StartExecutionAsync(machine, input ?? OrderSaga.Input(), "o-1", testCase);
        return await execution.WaitForCompletionAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task HappyPath_ReservesChargesShips_AndAnnouncesTheConfirmedOrder()
    {
        var result = await RunAsync("HappyPath");

        Assert.Equal(ExecutionStatus.SUCCEEDED, result.Status);
        Assert.Equal([Reserve, Charge, Ship, RecordCompleted, AnnounceConfirmed, Completed], OrderSaga.Path(result.History));
        var message = Assert.Single(OrderSaga.PublishedMessages(result.History));
        Assert.Equal("OrderConfirmed", (string?)message["Message"]!["eventType"]);
        Assert.Equal(3998, (int)message["Message"]!["totalAmount"]!);
        Assert.Equal("TRK-O-1", (string?)message["Message"]!["trackingNumber"]);
        Assert.Equal("ch_o-1", (string?)result.OutputJson!["charge"]!["chargeId"]);
    }

    [Theory]
    [InlineData("OutOfStock", "InsufficientStock")]
    [InlineData("UnknownSku", "UnknownSku")]
    public async Task ReservationRefused_CancelsWithoutAnyCompensation(string testCase, string error)
    {
        var result = await RunAsync(testCase);

        Assert.Equal(ExecutionStatus.FAILED, result.Status);
        Assert.Equal(error, result.Error);
        Assert.Equal([Reserve, .. CancellationTail], OrderSaga.Path(result.History));
        AssertCancellationAnnounced(result, error);
    }

    [Fact]
    public async Task PaymentDeclined_ReleasesTheInventory_AndCancels()
    {
        var result = await RunAsync("PaymentDeclined");

        Assert.Equal("PaymentDeclined", result.Error);
        Assert.Equal([Reserve, Charge, Release, .. CancellationTail], OrderSaga.Path(result.History));
        Assert.Equal(1, OrderSaga.Attempts(result.History, Charge));
        AssertCancellationAnnounced(result, "PaymentDeclined");
    }

    [Fact]
    public async Task PaymentTransientFailure_IsRetriedWithBackoff_ThenCompletes()
    {
        var result = await RunAsync("PaymentTransientThenApproved");

        Assert.Equal(ExecutionStatus.SUCCEEDED, result.Status);
        Assert.Equal([Reserve, Charge, Ship, RecordCompleted, AnnounceConfirmed, Completed], OrderSaga.Path(result.History));
        Assert.Equal(3, OrderSaga.Attempts(result.History, Charge));
        var failures = result.History.Where(e => e.Type == "TaskFailed").Select(e => (string?)e.Details!["error"]).ToList();
        Assert.Equal(["PaymentGatewayUnavailable", "PaymentGatewayUnavailable"], failures);
        // FULL jitter waits a random time up to IntervalSeconds × BackoffRate^n, capped at MaxDelaySeconds (10 s): 2 s, then 4 s.
        var scheduled = result.History.Where(e => e.Type == "TaskScheduled").Skip(1).Take(3).Select(e => e.Timestamp).ToList();
        Assert.InRange((scheduled[1] - scheduled[0]).TotalSeconds, 0, 2.001);
        Assert.InRange((scheduled[2] - scheduled[1]).TotalSeconds, 0, 4.001);
    }

    [Fact]
    public async Task PaymentTimeout_IsRetriedOnce_ThenRefundsAndReleases()
    {
        var result = await RunAsync("PaymentTimeout");

        Assert.Equal("States.Timeout", result.Error);
        Assert.Equal(2, OrderSaga.Attempts(result.History, Charge));
        Assert.Equal([Reserve, Charge, Refund, Release, .. CancellationTail], OrderSaga.Path(result.History));
    }

    [Fact]
    public async Task ShippingUnserviceable_AfterPayment_RefundsThenReleases()
    {
        var result = await RunAsync("ShippingUnserviceable");

        Assert.Equal("AddressUnserviceable", result.Error);
        Assert.Equal([Reserve, Charge, Ship, Refund, Release, .. CancellationTail], OrderSaga.Path(result.History));
        AssertCancellationAnnounced(result, "AddressUnserviceable");
    }

    [Fact]
    public async Task ShippingOutage_IsRetried_ThenCompletes()
    {
        var result = await RunAsync("ShippingOutageRetried");

        Assert.Equal(ExecutionStatus.SUCCEEDED, result.Status);
        Assert.Equal(2, OrderSaga.Attempts(result.History, Ship));
    }

    [Fact]
    public async Task ShippingTimeout_CompensatesEveryStep_InReverseOrder_StartingWithTheShipment()
    {
        var result = await RunAsync("ShippingTimeout");

        Assert.Equal("States.Timeout", result.Error);
        Assert.Equal([Reserve, Charge, Ship, CancelShipment, Refund, Release, .. CancellationTail], OrderSaga.Path(result.History));
    }

    [Theory]
    [InlineData("CancelShipmentTransient", CancelShipment, 2)]
    [InlineData("RefundTransient", Refund, 3)]
    [InlineData("ReleaseTransient", Release, 2)]
    public async Task CompensationFailingTransiently_IsRetried_AndTheOrderIsStillCancelled(string testCase, string compensation, int attempts)
    {
        var result = await RunAsync(testCase);

        Assert.Equal(ExecutionStatus.FAILED, result.Status);
        Assert.Equal(attempts, OrderSaga.Attempts(result.History, compensation));
        Assert.Equal(CancellationTail, OrderSaga.Path(result.History).TakeLast(3));
    }

    [Fact]
    public async Task CompensationFailingForGood_FailsTheExecutionAtThatStep_WithoutCancellingTheOrder()
    {
        var result = await RunAsync("RefundFailsForGood");

        Assert.Equal(ExecutionStatus.FAILED, result.Status);
        Assert.Equal("PaymentGatewayUnavailable", result.Error);
        Assert.Equal([Reserve, Charge, Ship, Refund], OrderSaga.Path(result.History));
        Assert.Equal(6, OrderSaga.Attempts(result.History, Refund));
        Assert.Empty(OrderSaga.PublishedMessages(result.History));
        Assert.Equal("ExecutionFailed", result.History[^1].Type);
    }

    [Fact]
    public async Task DuplicateStart_OfTheSameOrder_ReturnsTheRunningExecution_AndADifferentInputIsRefused()
    {
        // Step Functions answers a repeated start with the running execution only while it runs, so the first
        // execution is held in its first task until both repeats have been made.
        var firstTask = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var invoker = new Mock<ILambdaInvoker>();
        invoker.Setup(i => i.InvokeAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns(async () =>
            {
                await firstTask.Task;
                return LambdaInvocationResult.Failure("InsufficientStock", "held");
            });
        var (engine, machine) = OrderSaga.Create(invoker.Object, Mocks);

        var first = await engine.StartExecutionAsync(machine, OrderSaga.Input(), "o-1");
        var again = await engine.StartExecutionAsync(machine, OrderSaga.Input(), "o-1");
        var conflict = await Assert.ThrowsAsync<StepFunctionsApiException>(() =>
            engine.StartExecutionAsync(machine, OrderSaga.Input(token: "tok_chargeDeclined"), "o-1"));
        firstTask.SetResult();
        await first.WaitForCompletionAsync(TestContext.Current.CancellationToken);

        Assert.Same(first, again);
        Assert.Equal("ExecutionAlreadyExists", conflict.ErrorCode);
        Assert.Single(engine.Executions);
    }

    private static void AssertCancellationAnnounced(ExecutionResult result, string reason)
    {
        var message = Assert.Single(OrderSaga.PublishedMessages(result.History));
        Assert.Equal("OrderCancelled", (string?)message["Message"]!["eventType"]);
        Assert.Equal(reason, (string?)message["Message"]!["reason"]);
        Assert.Equal(OrderSaga.TopicArn, (string?)message["TopicArn"]);
        Assert.Equal("OrderCancelled", (string?)message["MessageAttributes"]!["eventType"]!["StringValue"]);
    }
}
