using System.Text.Json;
using ECommerce.Orders.Contract;
using ECommerce.Orders.Domain;
using ECommerce.Orders.Storage;
using ECommerce.Runtime;
using ECommerce.Runtime.Events;
using Moq;

namespace ECommerce.Orders.Tests;

public sealed class OrderStatusTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly LambdaContext Context = LambdaContext.ForLocalInvocation("orders", TimeSpan.FromSeconds(30));

    private readonly InMemoryOrderStore _store = new();
    private readonly Mock<IAlertPublisher> _alerts = new();
    private readonly StringWriter _log = new();
    private readonly LambdaHandlerRegistry _registry;

    public OrderStatusTests()
    {
        _registry = OrdersFunctions.CreateRegistry(_store, Mock.Of<IExecutionStarter>(), _alerts.Object, TimeProvider.System, _log);
    }

    private async Task SeedAsync(string orderId, string status) =>
        await _store.TryCreateAsync(
            new Order { OrderId = orderId, Status = status, CustomerId = "c-1", Lines = [new("SKU-1", 2)], CreatedAt = Created, UpdatedAt = Created },
            CancellationToken.None);

    private Task<string> RecordAsync(string payload) =>
        _registry.InvokeAsync(OrdersFunctions.RecordOrderStatus, payload, Context, CancellationToken.None);

    [Fact]
    public async Task RecordOrderStatus_PendingToCompleted_StoresTheSagaFacts()
    {
        await SeedAsync("o-1", OrderStatus.Pending);

        var response = await RecordAsync(
            """{"orderId":"o-1","status":"COMPLETED","totalAmount":3998,"currency":"USD","chargeId":"ch_1","trackingNumber":"TRK1"}""");

        Assert.Equal("""{"orderId":"o-1","status":"COMPLETED"}""", response);
        var order = (await _store.GetAsync("o-1", CancellationToken.None))!;
        Assert.Equal((OrderStatus.Completed, 3998L, "USD", "ch_1", "TRK1"), (order.Status, order.TotalAmount!.Value, order.Currency, order.ChargeId, order.TrackingNumber));
        Assert.True(order.UpdatedAt > Created);
    }

    [Fact]
    public async Task RecordOrderStatus_OutcomeArrivingBeforeTheStarterRecordedTheExecution_StoresTheExecutionWithIt()
    {
        // The saga can finish before StartOrderSaga writes the execution ARN; a client polling GET must never see a
        // terminal order without its execution.
        await SeedAsync("o-race", OrderStatus.Pending);
        const string ExecutionArn = "arn:aws:states:us-east-1:123456789012:execution:OrderSaga:o-race";

        await RecordAsync($$"""{"orderId":"o-race","status":"COMPLETED","executionArn":"{{ExecutionArn}}"}""");

        var order = (await _store.GetAsync("o-race", CancellationToken.None))!;
        Assert.Equal((OrderStatus.Completed, ExecutionArn), (order.Status, order.ExecutionArn));
    }

    [Theory]
    [InlineData("PENDING", "CANCELLED")]
    [InlineData("PENDING", "FAILED")]
    [InlineData("FAILED", "CANCELLED")]
    [InlineData("FAILED", "COMPLETED")]
    public async Task RecordOrderStatus_AllowedTransition_Applies(string from, string to)
    {
        await SeedAsync("o-2", from);

        await RecordAsync($$"""{"orderId":"o-2","status":"{{to}}","reason":"because"}""");

        var order = (await _store.GetAsync("o-2", CancellationToken.None))!;
        Assert.Equal((to, "because"), (order.Status, order.Reason));
    }

    [Fact]
    public async Task RecordOrderStatus_RepeatOfTheCurrentStatus_IsANoOp()
    {
        await SeedAsync("o-3", OrderStatus.Pending);
        await RecordAsync("""{"orderId":"o-3","status":"CANCELLED","reason":"InsufficientStock: SKU-OUT"}""");
        var before = await _store.GetAsync("o-3", CancellationToken.None);

        var response = await RecordAsync("""{"orderId":"o-3","status":"CANCELLED","reason":"something else"}""");

        Assert.Equal("""{"orderId":"o-3","status":"CANCELLED"}""", response);
        Assert.Equal(before, await _store.GetAsync("o-3", CancellationToken.None));
    }

    [Theory]
    [InlineData("COMPLETED", "CANCELLED")]
    [InlineData("CANCELLED", "COMPLETED")]
    [InlineData("COMPLETED", "FAILED")]
    [InlineData("REJECTED", "COMPLETED")]
    [InlineData("PENDING", "PENDING")]
    [InlineData("PENDING", "SHIPPED")]
    public async Task RecordOrderStatus_ForbiddenTransition_ThrowsInvalidStatusTransition(string from, string to)
    {
        await SeedAsync("o-4", from);

        var error = await Assert.ThrowsAsync<FunctionErrorException>(() => RecordAsync($$"""{"orderId":"o-4","status":"{{to}}"}"""));

        Assert.Equal("InvalidStatusTransition", error.ErrorType);
        Assert.Equal(from, (await _store.GetAsync("o-4", CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task RecordOrderStatus_UnknownOrder_ThrowsOrderNotFound()
    {
        var error = await Assert.ThrowsAsync<FunctionErrorException>(() => RecordAsync("""{"orderId":"ghost","status":"COMPLETED"}"""));

        Assert.Equal("OrderNotFound", error.ErrorType);
    }

    private static string FailedExecutionEvent(string orderId, string status, string? error = "PaymentGatewayUnavailable", string? cause = "refunds down") =>
        JsonSerializer.Serialize(
            new StepFunctionsStatusChangeEvent
            {
                DetailType = StepFunctionsStatusChangeEvent.DetailTypeValue,
                Source = "aws.states",
                Detail = new StepFunctionsExecutionDetail
                {
                    ExecutionArn = $"arn:aws:states:us-east-1:123456789012:execution:order-saga:{orderId}",
                    Name = orderId,
                    Status = status,
                    Error = error,
                    Cause = cause,
                },
            },
            RuntimeJsonContext.Default.StepFunctionsStatusChangeEvent);

    [Theory]
    [InlineData("FAILED")]
    [InlineData("TIMED_OUT")]
    [InlineData("ABORTED")]
    public async Task RecordFailedExecution_PendingOrder_MarkedFailedWithStatusErrorAndCause(string executionStatus)
    {
        await SeedAsync("o-5", OrderStatus.Pending);

        var response = await _registry.InvokeAsync(
            OrdersFunctions.RecordFailedExecution, FailedExecutionEvent("o-5", executionStatus), Context, CancellationToken.None);

        Assert.Equal("""{"orderId":"o-5","status":"FAILED"}""", response);
        var order = (await _store.GetAsync("o-5", CancellationToken.None))!;
        Assert.Equal($"{executionStatus}: PaymentGatewayUnavailable: refunds down", order.Reason);
    }

    [Theory]
    [InlineData("COMPLETED")]
    [InlineData("CANCELLED")]
    public async Task RecordFailedExecution_OrderSettledBySaga_Unchanged(string settled)
    {
        await SeedAsync("o-6", settled);

        var response = await _registry.InvokeAsync(OrdersFunctions.RecordFailedExecution, FailedExecutionEvent("o-6", "FAILED"), Context, CancellationToken.None);

        Assert.Equal($$"""{"orderId":"o-6","status":"{{settled}}"}""", response);
        Assert.Null((await _store.GetAsync("o-6", CancellationToken.None))!.Reason);
    }

    [Fact]
    public async Task RecordFailedExecution_SucceededExecution_Ignored()
    {
        await SeedAsync("o-7", OrderStatus.Pending);

        await _registry.InvokeAsync(OrdersFunctions.RecordFailedExecution, FailedExecutionEvent("o-7", "SUCCEEDED", null, null), Context, CancellationToken.None);

        Assert.Equal(OrderStatus.Pending, (await _store.GetAsync("o-7", CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task RecordFailedExecution_RedrivenAndFailedAgain_ReasonRefreshedThenRedriveCompletes()
    {
        await SeedAsync("o-8", OrderStatus.Pending);
        await _registry.InvokeAsync(OrdersFunctions.RecordFailedExecution, FailedExecutionEvent("o-8", "FAILED", "A", "first"), Context, CancellationToken.None);

        await _registry.InvokeAsync(OrdersFunctions.RecordFailedExecution, FailedExecutionEvent("o-8", "FAILED", "B", "second"), Context, CancellationToken.None);
        Assert.Equal("FAILED: B: second", (await _store.GetAsync("o-8", CancellationToken.None))!.Reason);

        await RecordAsync("""{"orderId":"o-8","status":"CANCELLED","reason":"PaymentDeclined"}""");
        Assert.Equal(OrderStatus.Cancelled, (await _store.GetAsync("o-8", CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task RecordFailedExecution_UnknownOrder_ThrowsOrderNotFound()
    {
        var error = await Assert.ThrowsAsync<FunctionErrorException>(
            () => _registry.InvokeAsync(OrdersFunctions.RecordFailedExecution, FailedExecutionEvent("ghost", "FAILED"), Context, CancellationToken.None));

        Assert.Equal("OrderNotFound", error.ErrorType);
    }

    // ---- The cancellation reason from the state machine's $.failure

    /// <summary>RecordOrderStatus's payload as "Record order cancelled" builds it: failure.$ = $.failure of the Catch.</summary>
    private static string CancelledWithFailure(string orderId, string error, string? cause) =>
        JsonSerializer.Serialize(
            new RecordOrderStatusRequest { OrderId = orderId, Status = OrderStatus.Cancelled, Failure = new SagaFailure(error, cause) },
            OrdersJsonContext.Default.RecordOrderStatusRequest);

    [Fact]
    public async Task RecordOrderStatus_CancelledWithLambdaErrorFailure_StoresErrorNameAndErrorMessage()
    {
        await SeedAsync("o-20", OrderStatus.Pending);
        const string cause = """{"errorType":"InsufficientStock","errorMessage":"Not enough stock for SKU-OUT: requested 1, available 0","trace":["at Reserve()"]}""";

        await RecordAsync(CancelledWithFailure("o-20", "InsufficientStock", cause));

        var order = (await _store.GetAsync("o-20", CancellationToken.None))!;
        Assert.Equal((OrderStatus.Cancelled, "InsufficientStock: Not enough stock for SKU-OUT: requested 1, available 0"), (order.Status, order.Reason));
    }

    [Fact]
    public async Task RecordOrderStatus_FailureAsTheStateMachineSendsIt_IsReadFromTheRawPayload()
    {
        await SeedAsync("o-21", OrderStatus.Pending);

        await RecordAsync(
            """{"orderId":"o-21","status":"CANCELLED","failure":{"Error":"PaymentDeclined","Cause":"{\"errorType\":\"PaymentDeclined\",\"errorMessage\":\"Card declined by the issuer\",\"stackTrace\":[]}"}}""");

        Assert.Equal("PaymentDeclined: Card declined by the issuer", (await _store.GetAsync("o-21", CancellationToken.None))!.Reason);
    }

    [Fact]
    public async Task RecordOrderStatus_TimeoutWithoutCause_StoresJustTheErrorName()
    {
        await SeedAsync("o-22", OrderStatus.Pending);

        await RecordAsync("""{"orderId":"o-22","status":"CANCELLED","failure":{"Error":"States.Timeout"}}""");

        Assert.Equal("States.Timeout", (await _store.GetAsync("o-22", CancellationToken.None))!.Reason);
    }

    [Fact]
    public async Task RecordOrderStatus_ExplicitReasonAndFailure_ExplicitReasonWins()
    {
        await SeedAsync("o-23", OrderStatus.Pending);

        await RecordAsync("""{"orderId":"o-23","status":"CANCELLED","reason":"Cancelled by support","failure":{"Error":"UnknownSku","Cause":"x"}}""");

        Assert.Equal("Cancelled by support", (await _store.GetAsync("o-23", CancellationToken.None))!.Reason);
    }

    // ---- Orders needing attention: one alert and one metric line per order moved to FAILED

    private Task<string> RecordFailedAsync(string orderId, string status = "FAILED", string? error = "PaymentGatewayUnavailable", string? cause = "refunds down") =>
        _registry.InvokeAsync(OrdersFunctions.RecordFailedExecution, FailedExecutionEvent(orderId, status, error, cause), Context, CancellationToken.None);

    private string[] MetricLines() =>
        [.. _log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(line => line.Contains("\"_aws\"", StringComparison.Ordinal))];

    [Fact]
    public async Task RecordFailedExecution_PendingOrder_PublishesOneAlertWithTheExecutionFacts()
    {
        await SeedAsync("o-30", OrderStatus.Pending);
        OrderNeedsAttentionAlert? published = null;
        _alerts.Setup(a => a.PublishAsync(It.IsAny<OrderNeedsAttentionAlert>(), It.IsAny<CancellationToken>()))
            .Callback((OrderNeedsAttentionAlert alert, CancellationToken _) => published = alert)
            .Returns(Task.CompletedTask);

        await RecordFailedAsync("o-30", "TIMED_OUT", "States.Timeout", "Execution timed out");

        _alerts.Verify(a => a.PublishAsync(It.IsAny<OrderNeedsAttentionAlert>(), It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal(
            new OrderNeedsAttentionAlert("o-30", "arn:aws:states:us-east-1:123456789012:execution:order-saga:o-30", "TIMED_OUT", "States.Timeout", "Execution timed out"),
            published);
    }

    [Fact]
    public async Task RecordFailedExecution_PendingOrder_LogsOneEmbeddedMetricLineTheAlarmCounts()
    {
        await SeedAsync("o-31", OrderStatus.Pending);

        await RecordFailedAsync("o-31");

        using var line = JsonDocument.Parse(Assert.Single(MetricLines()));
        var root = line.RootElement;
        var directive = Assert.Single(root.GetProperty("_aws").GetProperty("CloudWatchMetrics").EnumerateArray());
        Assert.Equal("ECommerce/Orders", directive.GetProperty("Namespace").GetString());
        Assert.Equal(JsonValueKind.Array, Assert.Single(directive.GetProperty("Dimensions").EnumerateArray()).ValueKind);
        Assert.Empty(directive.GetProperty("Dimensions")[0].EnumerateArray());
        var metric = Assert.Single(directive.GetProperty("Metrics").EnumerateArray());
        Assert.Equal(("OrdersNeedingAttention", "Count"), (metric.GetProperty("Name").GetString(), metric.GetProperty("Unit").GetString()));
        Assert.Equal(1, root.GetProperty("OrdersNeedingAttention").GetInt32());
        Assert.Equal("o-31", root.GetProperty("orderId").GetString());
        Assert.InRange(
            DateTimeOffset.FromUnixTimeMilliseconds(root.GetProperty("_aws").GetProperty("Timestamp").GetInt64()),
            DateTimeOffset.UtcNow.AddMinutes(-1),
            DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task RecordFailedExecution_RepeatedEvent_PublishesAndCountsOnlyOnce()
    {
        await SeedAsync("o-32", OrderStatus.Pending);

        await RecordFailedAsync("o-32");
        var repeat = await RecordFailedAsync("o-32");

        Assert.Equal("""{"orderId":"o-32","status":"FAILED"}""", repeat);
        _alerts.Verify(a => a.PublishAsync(It.IsAny<OrderNeedsAttentionAlert>(), It.IsAny<CancellationToken>()), Times.Once);
        Assert.Single(MetricLines());
    }

    [Theory]
    [InlineData("COMPLETED")]
    [InlineData("CANCELLED")]
    [InlineData("REJECTED")]
    public async Task RecordFailedExecution_OrderNotPending_NoAlertAndNoMetric(string status)
    {
        await SeedAsync("o-33", status);

        await RecordFailedAsync("o-33");

        _alerts.Verify(a => a.PublishAsync(It.IsAny<OrderNeedsAttentionAlert>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.Empty(MetricLines());
    }

    [Fact]
    public async Task RecordFailedExecution_RedrivenExecutionFailsAgain_ReasonRefreshedWithoutASecondAlert()
    {
        await SeedAsync("o-34", OrderStatus.Pending);
        await RecordFailedAsync("o-34", error: "A", cause: "first");

        await RecordFailedAsync("o-34", error: "B", cause: "second");

        Assert.Equal("FAILED: B: second", (await _store.GetAsync("o-34", CancellationToken.None))!.Reason);
        _alerts.Verify(a => a.PublishAsync(It.IsAny<OrderNeedsAttentionAlert>(), It.IsAny<CancellationToken>()), Times.Once);
        Assert.Single(MetricLines());
    }

    [Fact]
    public async Task RecordFailedExecution_SucceededExecution_NoAlert()
    {
        await SeedAsync("o-35", OrderStatus.Pending);

        await RecordFailedAsync("o-35", "SUCCEEDED", null, null);

        _alerts.Verify(a => a.PublishAsync(It.IsAny<OrderNeedsAttentionAlert>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task RecordFailedExecution_AlertPublishFails_OrderStaysPendingSoTheRetryAlertsAndRecords()
    {
        await SeedAsync("o-36", OrderStatus.Pending);
        _alerts.SetupSequence(a => a.PublishAsync(It.IsAny<OrderNeedsAttentionAlert>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new DependencyUnavailableException(DependencyUnavailableException.AlertsUnavailable, "SNS throttled"))
            .Returns(Task.CompletedTask);

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => RecordFailedAsync("o-36"));
        Assert.Equal((OrderStatus.Pending, "AlertsUnavailable"), ((await _store.GetAsync("o-36", CancellationToken.None))!.Status, error.ErrorType));
        Assert.Empty(MetricLines());

        await RecordFailedAsync("o-36");

        Assert.Equal(OrderStatus.Failed, (await _store.GetAsync("o-36", CancellationToken.None))!.Status);
        _alerts.Verify(a => a.PublishAsync(It.IsAny<OrderNeedsAttentionAlert>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
        Assert.Single(MetricLines());
    }

    [Fact]
    public void OrderNeedsAttentionAlert_MessageJson_CarriesEventTypeFactsAndWhatToDo()
    {
        var alert = new OrderNeedsAttentionAlert("o-37", "arn:aws:states:us-east-1:1:execution:order-saga:o-37", "FAILED", "CarrierUnavailable", "carrier down");

        using var message = JsonDocument.Parse(alert.ToMessageJson());

        var root = message.RootElement;
        Assert.Equal(
            ["eventType", "orderId", "executionArn", "executionStatus", "error", "cause", "whatToDo"],
            root.EnumerateObject().Select(property => property.Name));
        Assert.Equal("OrderNeedsAttention", root.GetProperty("eventType").GetString());
        Assert.Equal(("FAILED", "CarrierUnavailable", "carrier down"), (root.GetProperty("executionStatus").GetString(), root.GetProperty("error").GetString(), root.GetProperty("cause").GetString()));
        Assert.Contains("redrive-execution --execution-arn arn:aws:states:us-east-1:1:execution:order-saga:o-37", root.GetProperty("whatToDo").GetString(), StringComparison.Ordinal);
    }
}
