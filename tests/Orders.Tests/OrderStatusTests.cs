using System.Text.Json;
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
    private readonly LambdaHandlerRegistry _registry;

    public OrderStatusTests()
    {
        _registry = OrdersFunctions.CreateRegistry(_store, Mock.Of<IExecutionStarter>(), TimeProvider.System, TextWriter.Null);
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
}
