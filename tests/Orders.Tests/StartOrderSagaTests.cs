using System.Text.Json;
using ECommerce.Orders.Domain;
using ECommerce.Orders.Storage;
using ECommerce.Runtime;
using ECommerce.Runtime.Events;
using Moq;

namespace ECommerce.Orders.Tests;

public sealed class StartOrderSagaTests
{
    private const string StateMachineArn = "arn:aws:states:us-east-1:123456789012:stateMachine:order-saga";
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private readonly InMemoryOrderStore _store = new();
    private readonly Mock<IExecutionStarter> _starter = new(MockBehavior.Strict);
    private readonly Mock<TimeProvider> _clock = new();

    public StartOrderSagaTests()
    {
        _clock.Setup(c => c.GetUtcNow()).Returns(Now);
        _starter
            .Setup(s => s.StartAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string orderId, string _, CancellationToken _) => $"{StateMachineArn.Replace(":stateMachine:", ":execution:", StringComparison.Ordinal)}:{orderId}");
    }

    private async Task<SqsBatchResponse> InvokeAsync(params SqsMessage[] messages)
    {
        var registry = OrdersFunctions.CreateRegistry(_store, _starter.Object, Mock.Of<IAlertPublisher>(), _clock.Object, TextWriter.Null);
        var payload = JsonSerializer.Serialize(new SqsEvent(messages), RuntimeJsonContext.Default.SqsEvent);
        var response = await registry.InvokeAsync(
            OrdersFunctions.StartOrderSaga, payload, LambdaContext.ForLocalInvocation("orders", TimeSpan.FromSeconds(30)), CancellationToken.None);
        return JsonSerializer.Deserialize(response, RuntimeJsonContext.Default.SqsBatchResponse)!;
    }

    [Fact]
    public async Task ValidOrder_RecordedPendingWithExecutionArnAndSagaStartedWithTheContractInput()
    {
        string? startedInput = null;
        _starter
            .Setup(s => s.StartAsync("order-1", It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback((string _, string input, CancellationToken _) => startedInput = input)
            .ReturnsAsync("arn:aws:states:us-east-1:123456789012:execution:order-saga:order-1");

        var response = await InvokeAsync(OrderBodies.Message("order-1", OrderBodies.Valid));

        Assert.Empty(response.BatchItemFailures);
        var order = (await _store.GetAsync("order-1", CancellationToken.None))!;
        Assert.Equal(OrderStatus.Pending, order.Status);
        Assert.Equal("c-1", order.CustomerId);
        Assert.Equal([new StoredOrderLine("SKU-1", 2)], order.Lines);
        Assert.Equal(Now, order.CreatedAt);
        Assert.Equal("arn:aws:states:us-east-1:123456789012:execution:order-saga:order-1", order.ExecutionArn);
        Assert.Equal(
            """{"orderId":"order-1","customerId":"c-1","lines":[{"sku":"SKU-1","quantity":2}],"payment":{"token":"tok_visa"},"shipping":{"name":"A B","line1":"1 Main St","city":"Springfield","postalCode":"12345","country":"US"}}""",
            startedInput);
    }

    [Fact]
    public async Task SameMessageTwice_StartsIdempotentlyAndRecordsOnce()
    {
        var message = OrderBodies.Message("order-2", OrderBodies.Valid);

        var first = await InvokeAsync(message);
        var second = await InvokeAsync(message);

        Assert.Empty(first.BatchItemFailures);
        Assert.Empty(second.BatchItemFailures);
        Assert.Equal(OrderStatus.Pending, (await _store.GetAsync("order-2", CancellationToken.None))!.Status);
        // A redelivery of a still-PENDING order restarts by name; Step Functions dedupes it (ExecutionAlreadyExists).
        _starter.Verify(s => s.StartAsync("order-2", It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task RedeliveryAfterTheSagaFinished_DoesNotStartAgain()
    {
        await InvokeAsync(OrderBodies.Message("order-3", OrderBodies.Valid));
        await _store.TryChangeStatusAsync(new OrderStatusChange("order-3", OrderStatus.Completed, null, Now), OrderStatus.Pending, CancellationToken.None);

        var response = await InvokeAsync(OrderBodies.Message("order-3", OrderBodies.Valid));

        Assert.Empty(response.BatchItemFailures);
        _starter.Verify(s => s.StartAsync("order-3", It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task ReusedOrderIdWithADifferentOrder_KeepsTheFirstOrder()
    {
        await InvokeAsync(OrderBodies.Message("order-4", OrderBodies.Valid));

        var response = await InvokeAsync(OrderBodies.Message("order-4", OrderBodies.With(o => o["customerId"] = "someone-else")));

        Assert.Empty(response.BatchItemFailures);
        Assert.Equal("c-1", (await _store.GetAsync("order-4", CancellationToken.None))!.CustomerId);
        _starter.Verify(s => s.StartAsync("order-4", It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task InvalidBody_RecordedRejectedWithEveryProblemAndNotRetried()
    {
        var body = OrderBodies.With(o => { o["lines"]![0]!["quantity"] = 0; o["payment"]!["cardNumber"] = "4111111111111111"; });

        var response = await InvokeAsync(OrderBodies.Message("order-5", body));

        Assert.Empty(response.BatchItemFailures);
        var order = (await _store.GetAsync("order-5", CancellationToken.None))!;
        Assert.Equal(OrderStatus.Rejected, order.Status);
        Assert.Contains("/lines/0/quantity: must be at least 1", order.Reason, StringComparison.Ordinal);
        Assert.Contains("/payment/cardNumber: is not an allowed field", order.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("4111", order.Reason, StringComparison.Ordinal);
        _starter.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task MalformedJson_RecordedRejected()
    {
        var response = await InvokeAsync(OrderBodies.Message("order-6", "{oops"));

        Assert.Empty(response.BatchItemFailures);
        Assert.Equal(OrderStatus.Rejected, (await _store.GetAsync("order-6", CancellationToken.None))!.Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("order-1\n")]
    public async Task NoUsableOrderId_OnlyThatRecordFails(string? orderId)
    {
        var response = await InvokeAsync(
            OrderBodies.Message(orderId, OrderBodies.Valid, "bad-message"),
            OrderBodies.Message("order-7", OrderBodies.Valid, "good-message"));

        Assert.Equal(["bad-message"], response.BatchItemFailures.Select(f => f.ItemIdentifier));
        Assert.Equal(OrderStatus.Pending, (await _store.GetAsync("order-7", CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task StepFunctionsUnavailable_OnlyThatRecordFailsAndTheRetrySucceeds()
    {
        _starter
            .SetupSequence(s => s.StartAsync("order-8", It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new DependencyUnavailableException(DependencyUnavailableException.StepFunctionsUnavailable, "throttled"))
            .ReturnsAsync("arn:aws:states:us-east-1:123456789012:execution:order-saga:order-8");

        var first = await InvokeAsync(OrderBodies.Message("order-8", OrderBodies.Valid, "m-8"), OrderBodies.Message("order-9", OrderBodies.Valid, "m-9"));
        var retry = await InvokeAsync(OrderBodies.Message("order-8", OrderBodies.Valid, "m-8"));

        Assert.Equal(["m-8"], first.BatchItemFailures.Select(f => f.ItemIdentifier));
        Assert.Empty(retry.BatchItemFailures);
        var order = (await _store.GetAsync("order-8", CancellationToken.None))!;
        Assert.Equal(OrderStatus.Pending, order.Status);
        Assert.EndsWith(":order-8", order.ExecutionArn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrdersTableUnavailable_OnlyThatRecordFails()
    {
        var store = new Mock<IOrderStore>();
        store.Setup(s => s.TryCreateAsync(It.Is<Order>(o => o.OrderId == "order-10"), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new DependencyUnavailableException(DependencyUnavailableException.OrdersUnavailable, "throttled"));
        store.Setup(s => s.TryCreateAsync(It.Is<Order>(o => o.OrderId == "order-11"), It.IsAny<CancellationToken>())).ReturnsAsync(true);
        store.Setup(s => s.SetExecutionArnAsync("order-11", It.IsAny<string>(), Now, It.IsAny<CancellationToken>())).ReturnsAsync(true);
        var registry = OrdersFunctions.CreateRegistry(store.Object, _starter.Object, Mock.Of<IAlertPublisher>(), _clock.Object, TextWriter.Null);
        var payload = JsonSerializer.Serialize(
            new SqsEvent([OrderBodies.Message("order-10", OrderBodies.Valid, "m-10"), OrderBodies.Message("order-11", OrderBodies.Valid, "m-11")]),
            RuntimeJsonContext.Default.SqsEvent);

        var response = JsonSerializer.Deserialize(
            await registry.InvokeAsync(OrdersFunctions.StartOrderSaga, payload, LambdaContext.ForLocalInvocation("orders", TimeSpan.FromSeconds(30)), CancellationToken.None),
            RuntimeJsonContext.Default.SqsBatchResponse)!;

        Assert.Equal(["m-10"], response.BatchItemFailures.Select(f => f.ItemIdentifier));
        store.Verify(s => s.SetExecutionArnAsync("order-11", It.IsAny<string>(), Now, It.IsAny<CancellationToken>()), Times.Once);
    }
}
