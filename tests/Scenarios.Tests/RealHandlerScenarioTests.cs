using System.Text.RegularExpressions;
using ECommerce.Inventory.Domain;
using ECommerce.Orders.Domain;
using ECommerce.Payments.Domain;
using ECommerce.Shipping.Domain;
using Scenarios.Tests.Faults;
using Scenarios.Tests.Harness;
using Scenarios.Tests.Invariants;
using StatesLanguage.Runtime;

namespace Scenarios.Tests;

/// <summary>
/// The scenarios of <see cref="MockedScenarioTests"/> with nothing mocked: the real services on in-memory stores,
/// faults injected through their ports, the virtual clock making every backoff instant. The assertions are about the
/// business: stock, money, shipments and the order's status and reason.
/// </summary>
public sealed partial class RealHandlerScenarioTests
{
    private const string OrderId = "o-1";
    private const string Charge = "Charge payment";
    private const string Ship = "Ship order";
    private const string Refund = "Refund payment";
    private const string Release = "Release inventory";
    private const string CancelShipment = "Cancel shipment";

    [Fact]
    public async Task HappyPath_ReservesChargesShips_AndRecordsTheOrderCompleted()
    {
        var world = await SagaWorld.CreateAsync();

        var result = await world.RunAsync(OrderId, SagaWorld.OrderBody());

        Assert.Equal(ExecutionStatus.SUCCEEDED, result.Status);
        var order = await world.OrderAsync(OrderId);
        Assert.Equal(OrderStatus.Completed, order!.Status);
        Assert.Equal(3998, order.TotalAmount);
        Assert.Equal((await world.ChargeAsync(OrderId))!.ChargeId, order.ChargeId);
        Assert.Equal((await world.ShipmentAsync(OrderId))!.TrackingNumber, order.TrackingNumber);
        Assert.Equal(new SkuStock("SKU-1", 98, 2, 1999, "USD"), await world.SkuAsync("SKU-1"));
        var ledger = world.Ledger.For(OrderId);
        Assert.Single(ledger.Charges);
        Assert.Empty(ledger.Refunds);
        Assert.Single(ledger.Shipments);
    }

    [Theory]
    [InlineData("SKU-OUT", "InsufficientStock")]
    [InlineData("SKU-NOPE", "UnknownSku")]
    public async Task ReservationRefused_CancelsWithTheReason_AndTouchesNothing(string sku, string error)
    {
        var world = await SagaWorld.CreateAsync();

        var result = await world.RunAsync(OrderId, SagaWorld.OrderBody(lines: (sku, 1)));

        Assert.Equal(error, result.Error);
        await SagaAssertions.CancelledAsync(world, OrderId, error);
        Assert.Null(await world.ReservationAsync(OrderId));
        Assert.Null(await world.ChargeAsync(OrderId));
        Assert.Equal(100, (await world.SkuAsync("SKU-1")).Stock);
    }

    [Fact]
    public async Task PaymentDeclined_ReleasesTheReservation_AndCancels()
    {
        var world = await SagaWorld.CreateAsync();

        await world.RunAsync(OrderId, SagaWorld.OrderBody(token: "tok_chargeDeclined"));

        await SagaAssertions.CancelledAsync(world, OrderId, "PaymentDeclined");
        await SagaAssertions.FullyCompensatedAsync(world, OrderId);
        Assert.Empty(world.Ledger.For(OrderId).Charges);
    }

    [Fact]
    public async Task GatewayFailingTwiceTransiently_IsRetried_AndChargesOnce()
    {
        var world = await SagaWorld.CreateAsync();
        world.Faults.FailFirst(Port.Charge, OrderId, 2);

        var result = await world.RunAsync(OrderId, SagaWorld.OrderBody());

        Assert.Equal(ExecutionStatus.SUCCEEDED, result.Status);
        Assert.Equal(3, OrderSaga.Attempts(result.History, Charge));
        Assert.Equal(3, world.Faults.Calls(Port.Charge, OrderId));
        Assert.Single(world.Ledger.For(OrderId).Charges);
        Assert.Equal(OrderStatus.Completed, (await world.OrderAsync(OrderId))!.Status);
    }

    [Fact]
    public async Task GatewayOutageLongerThanTheRetries_RefundsNothing_ReleasesTheStock_AndCancels()
    {
        var world = await SagaWorld.CreateAsync();
        world.Faults.FailAlways(Port.Charge, OrderId);

        var result = await world.RunAsync(OrderId, SagaWorld.OrderBody());

        Assert.Equal(4, OrderSaga.Attempts(result.History, Charge));
        await SagaAssertions.CancelledAsync(world, OrderId, "PaymentGatewayUnavailable");
        await SagaAssertions.FullyCompensatedAsync(world, OrderId);
        Assert.Empty(world.Ledger.For(OrderId).Charges);
        Assert.Empty(world.Ledger.For(OrderId).Refunds);
    }

    [Fact]
    public async Task GatewayHanging_TimesOutTwice_ThenReleasesAndCancels_WithoutMovingMoney()
    {
        var world = await SagaWorld.CreateAsync();
        world.Faults.FailFirst(Port.Charge, OrderId, 2, FaultKind.Hang);

        var result = await world.RunAsync(OrderId, SagaWorld.OrderBody());

        Assert.Equal(2, OrderSaga.Attempts(result.History, Charge));
        Assert.Equal(2, result.History.Count(e => e.Type == "TaskTimedOut"));
        Assert.Equal([Refund, Release], OrderSaga.Path(result.History).SkipWhile(s => s != Refund).Take(2));
        await SagaAssertions.CancelledAsync(world, OrderId, "States.Timeout");
        await SagaAssertions.FullyCompensatedAsync(world, OrderId);
        Assert.Empty(world.Ledger.For(OrderId).Charges);
    }

    [Fact]
    public async Task ChargeWhoseAnswerIsLostTwice_IsRefundedExactlyOnce()
    {
        var world = await SagaWorld.CreateAsync();
        world.Deliveries.On("ChargePayment", OrderId, 1, DeliveryFault.ResponseLost).On("ChargePayment", OrderId, 2, DeliveryFault.ResponseLost);

        var result = await world.RunAsync(OrderId, SagaWorld.OrderBody());

        Assert.Equal(2, result.History.Count(e => e.Type == "TaskTimedOut"));
        var ledger = world.Ledger.For(OrderId);
        Assert.Single(ledger.Charges);
        Assert.Single(ledger.Refunds);
        Assert.Equal(ChargeStatus.Refunded, (await world.ChargeAsync(OrderId))!.Status);
        await SagaAssertions.CancelledAsync(world, OrderId, "States.Timeout");
        await SagaAssertions.FullyCompensatedAsync(world, OrderId);
    }

    [Fact]
    public async Task AddressUnserviceable_AfterPayment_RefundsExactlyOnce_AndReleases()
    {
        var world = await SagaWorld.CreateAsync();

        var result = await world.RunAsync(OrderId, SagaWorld.OrderBody(country: "AQ"));

        Assert.Equal([Ship, Refund, Release], OrderSaga.Path(result.History).SkipWhile(s => s != Ship).Take(3));
        var ledger = world.Ledger.For(OrderId);
        Assert.Single(ledger.Charges);
        var refundId = (await world.ChargeAsync(OrderId))!.RefundId;
        Assert.Equal(refundId, Assert.Single(ledger.Refunds));
        Assert.Empty(ledger.Shipments);
        await SagaAssertions.CancelledAsync(world, OrderId, "AddressUnserviceable");
        await SagaAssertions.FullyCompensatedAsync(world, OrderId);
    }

    [Fact]
    public async Task CarrierOutage_IsRetried_AndShipsOnce()
    {
        var world = await SagaWorld.CreateAsync();
        world.Faults.FailCall(Port.Ship, OrderId, 1);

        var result = await world.RunAsync(OrderId, SagaWorld.OrderBody());

        Assert.Equal(ExecutionStatus.SUCCEEDED, result.Status);
        Assert.Equal(2, OrderSaga.Attempts(result.History, Ship));
        Assert.Single(world.Ledger.For(OrderId).Shipments);
    }

    [Fact]
    public async Task CarrierHanging_TimesOut_AndCompensatesEveryStepInReverse()
    {
        var world = await SagaWorld.CreateAsync();
        world.Faults.FailAlways(Port.Ship, OrderId, FaultKind.Hang);

        var result = await world.RunAsync(OrderId, SagaWorld.OrderBody());

        Assert.Equal([Ship, CancelShipment, Refund, Release], OrderSaga.Path(result.History).SkipWhile(s => s != Ship).Take(4));
        Assert.Equal(ShipmentStatus.Attempted, (await world.ShipmentAsync(OrderId))!.Status);
        Assert.Single(world.Ledger.For(OrderId).Refunds);
        await SagaAssertions.CancelledAsync(world, OrderId, "States.Timeout");
        await SagaAssertions.FullyCompensatedAsync(world, OrderId);
    }

    [Fact]
    public async Task ShipmentWhoseAnswerIsLost_IsCancelledWithTheCarrier_ThenRefundedAndReleased()
    {
        var world = await SagaWorld.CreateAsync();
        world.Deliveries.On("ShipOrder", OrderId, 1, DeliveryFault.ResponseLost);

        await world.RunAsync(OrderId, SagaWorld.OrderBody());

        var ledger = world.Ledger.For(OrderId);
        Assert.Single(ledger.Shipments);
        Assert.Equal(ledger.Shipments, ledger.CancelledShipments);
        Assert.Equal(ShipmentStatus.Cancelled, (await world.ShipmentAsync(OrderId))!.Status);
        Assert.Single(ledger.Refunds);
        await SagaAssertions.CancelledAsync(world, OrderId, "States.Timeout");
        await SagaAssertions.FullyCompensatedAsync(world, OrderId);
    }

    [Theory]
    [InlineData(Port.Refund, Refund, 3)]
    [InlineData(Port.Release, Release, 2)]
    public async Task CompensationFailingTransiently_IsRetried_AndTheOrderIsStillCancelled(Port port, string state, int attempts)
    {
        var world = await SagaWorld.CreateAsync();
        world.Faults.FailFirst(port, OrderId, attempts - 1);

        var result = await world.RunAsync(OrderId, SagaWorld.OrderBody(country: "AQ"));

        Assert.Equal(attempts, OrderSaga.Attempts(result.History, state));
        Assert.Single(world.Ledger.For(OrderId).Refunds);
        await SagaAssertions.CancelledAsync(world, OrderId, "AddressUnserviceable");
        await SagaAssertions.FullyCompensatedAsync(world, OrderId);
    }

    [Fact]
    public async Task RefundFailingForGood_FailsTheOrderWithAnAlert_AndARedriveAfterTheFixCancelsIt()
    {
        var world = await SagaWorld.CreateAsync();
        world.Faults.FailAlways(Port.Refund, OrderId);

        var failed = await world.RunAsync(OrderId, SagaWorld.OrderBody(country: "AQ"));

        Assert.Equal(ExecutionStatus.FAILED, failed.Status);
        Assert.Equal("PaymentGatewayUnavailable", failed.Error);
        Assert.Equal(6, OrderSaga.Attempts(failed.History, Refund));
        var order = await world.OrderAsync(OrderId);
        Assert.Equal(OrderStatus.Failed, order!.Status);
        Assert.StartsWith("FAILED: PaymentGatewayUnavailable", order.Reason, StringComparison.Ordinal);
        Assert.Equal(OrderId, Assert.Single(world.Alerts.Published).OrderId);
        Assert.True(world.Ledger.For(OrderId).HoldsMoney);
        Assert.Equal(2, (await world.SkuAsync("SKU-1")).Reserved);

        world.Faults.Heal();
        var redriven = await world.RedriveAsync(OrderId);

        Assert.Equal("AddressUnserviceable", redriven.Error);
        Assert.Single(world.Ledger.For(OrderId).Refunds);
        await SagaAssertions.CancelledAsync(world, OrderId, "AddressUnserviceable");
        await SagaAssertions.FullyCompensatedAsync(world, OrderId);
        Assert.Single(world.Alerts.Published);
    }

    /// <summary>
    /// Product bug, found here: a Lambda task that times out is caught as <c>{"Error": "States.Timeout"}</c> with no
    /// Cause (AWS's LambdaFunctionTimedOut carries none either), and the final Fail state's <c>CausePath:
    /// $.failure.Cause</c> then cannot resolve, so the execution ends with States.Runtime instead of the business error.
    /// The order itself is cancelled correctly; the execution's error (what the console, alarms and the
    /// failed-execution event show) is wrong. Fix in statemachines/order-saga.asl.json, e.g. a Cause that does not
    /// depend on the field being present.
    /// </summary>
    [Fact]
    public async Task TimedOutStep_EndsTheExecutionWithStatesTimeout_NotAFailStateRuntimeError()
    {
        var world = await SagaWorld.CreateAsync();
        world.Faults.FailAlways(Port.Ship, OrderId, FaultKind.Hang);

        var result = await world.RunAsync(OrderId, SagaWorld.OrderBody());

        Assert.Equal(OrderStatus.Cancelled, (await world.OrderAsync(OrderId))!.Status);
        Assert.True("States.Timeout" == result.Error, $"The execution ended with {result.Error}: {result.Cause}");
    }

    /// <summary>
    /// Product bug, found by the invariant checker: RecordOrderStatus wrote COMPLETED but its answer was lost (a
    /// timeout, a Lambda service error), and "Record order completed" catches States.ALL into "Cancel shipment". The
    /// saga then cancels the shipment and refunds the payment of an order the customer sees as COMPLETED, and
    /// "Record order cancelled" fails for good (COMPLETED to CANCELLED is an InvalidStatusTransition), so the
    /// execution fails while the order looks settled and no alert is raised. Fix in the definition (retry the
    /// recording instead of compensating) or make RecordOrderStatus answer a repeated COMPLETED as success and have the
    /// completion Catch tell the two apart.
    /// </summary>
    [Fact]
    public async Task CompletionRecordedButItsAnswerLost_KeepsTheOrderCompletedShippedAndCharged()
    {
        var world = await SagaWorld.CreateAsync();
        world.Deliveries.On("RecordOrderStatus", OrderId, 1, DeliveryFault.ResponseLost);

        await world.RunAsync(OrderId, SagaWorld.OrderBody());

        var violations = await SagaInvariants.CheckAsync(world, [OrderId], new Dictionary<string, int> { ["SKU-1"] = 100 });
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public async Task InventoryStoreThrottled_OnReserve_IsRetried_AndCompletes()
    {
        var world = await SagaWorld.CreateAsync();
        world.Faults.FailFirst(Port.Reserve, OrderId, 2);

        var result = await world.RunAsync(OrderId, SagaWorld.OrderBody());

        Assert.Equal(ExecutionStatus.SUCCEEDED, result.Status);
        Assert.Equal(98, (await world.SkuAsync("SKU-1")).Stock);
    }

    [Fact]
    public async Task OrdersTableUnavailable_WhenRecordingCompletion_IsRetried_AndNothingShippedIsUndone()
    {
        var world = await SagaWorld.CreateAsync();
        world.Faults.FailCall(Port.RecordStatus, OrderId, 1);

        var result = await world.RunAsync(OrderId, SagaWorld.OrderBody());

        Assert.Equal(ExecutionStatus.SUCCEEDED, result.Status);
        var ledger = world.Ledger.For(OrderId);
        Assert.Single(ledger.Shipments);
        Assert.Empty(ledger.CancelledShipments);
        Assert.True(ledger.HoldsMoney);
        Assert.Equal(OrderStatus.Completed, (await world.OrderAsync(OrderId))!.Status);
    }

    [Fact]
    public async Task SameOrderDeliveredTwice_AndEveryStepInvokedTwice_ChargesAndShipsOnce()
    {
        var world = await SagaWorld.CreateAsync();
        foreach (var handler in new[] { "ReserveInventory", "ChargePayment", "ShipOrder", "RecordOrderStatus" })
        {
            world.Deliveries.On(handler, OrderId, 1, DeliveryFault.Duplicate);
        }

        var body = SagaWorld.OrderBody();
        await Task.WhenAll(world.SubmitAsync(OrderId, body), world.SubmitAsync(OrderId, body));
        await world.SettleAsync();
        Assert.True(await world.SubmitAsync(OrderId, body));

        Assert.Single(world.Engine.Executions);
        Assert.Equal(ExecutionStatus.SUCCEEDED, world.ExecutionOf(OrderId)!.Status);
        Assert.Single(world.Ledger.For(OrderId).Charges);
        Assert.Single(world.Ledger.For(OrderId).Shipments);
        Assert.Equal(98, (await world.SkuAsync("SKU-1")).Stock);
        Assert.Empty(world.Functions.Breaches);
        Assert.Equal(OrderStatus.Completed, (await world.OrderAsync(OrderId))!.Status);
    }

    [Fact]
    public async Task EveryFunctionOfTheDefinition_ResolvesToAHandlerNamedLikeTheTemplateSays()
    {
        var template = await File.ReadAllTextAsync(Path.Combine(Path.GetDirectoryName(OrderSaga.DefinitionPath)!, "..", "template.yaml"),
            TestContext.Current.CancellationToken);
        var functions = FunctionArn().Matches(await File.ReadAllTextAsync(OrderSaga.DefinitionPath, TestContext.Current.CancellationToken))
            .Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.NotEmpty(functions);
        foreach (var function in functions)
        {
            var handler = InProcessFunctions.HandlerOf(function);
            Assert.Matches(new Regex($@"(?m)^  {function}:\s*\n(?:    .*\n|\s*\n)*?      Handler: {handler}\s*$"), template);
        }
    }

    [GeneratedRegex(@"\$\{([A-Za-z0-9]+Function)Arn\}")]
    private static partial Regex FunctionArn();
}
