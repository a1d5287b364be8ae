using ECommerce.Payments.Domain;
using EndToEnd.Tests.Support;

namespace EndToEnd.Tests;

/// <summary>A client that retries POST /orders with the same Idempotency-Key gets the same order and one saga.</summary>
public sealed class IdempotencyTests(LocalRuntimeFixture runtime) : IClassFixture<LocalRuntimeFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ARetriedPost_WithTheSameIdempotencyKey_ReturnsTheSameOrder_AndRunsOneSaga()
    {
        var orderId = OrderRequests.NewOrderId("retried");
        var body = OrderRequests.Body(lines: [("SKU-2", 1)]);

        // The retry races the first delivery, then comes again after the saga finished: both must change nothing.
        await Task.WhenAll(runtime.Orders.SubmitAsync(orderId, body, Cancellation), runtime.Orders.SubmitAsync(orderId, body, Cancellation));
        var order = await runtime.Orders.WaitForTerminalAsync(orderId, TimeSpan.FromSeconds(45), Cancellation);
        var executionArn = (string?)order["executionArn"];
        await runtime.Orders.SubmitAsync(orderId, body, Cancellation);
        await WaitForQueueToDrainAsync();

        var after = await runtime.Orders.GetAsync(orderId, Cancellation);
        Assert.Equal("COMPLETED", (string?)after?["status"]);
        Assert.Equal(executionArn, (string?)after?["executionArn"]);
        var execution = Assert.Single(await runtime.ExecutionsNamedAsync(orderId, Cancellation));
        Assert.Equal(executionArn, (string?)execution["executionArn"]);
        var charge = Assert.Single(await runtime.Runtime.Services.Stores.ListChargesAsync(), c => c.OrderId == orderId);
        Assert.Equal(ChargeStatus.Charged, charge.Status);
        Assert.Equal(1, charge.Attempts);
        await WaitForExecutionToFinishAsync(orderId);
        var announced = (await runtime.Orders.TopicMessagesAsync(Cancellation)).Where(m => m.OrderId == orderId).ToList();
        Assert.Equal("OrderConfirmed", Assert.Single(announced).EventType);
        SagaInvariants.AssertHold(await runtime.Runtime.Services.Stores.ReadSnapshotAsync());
    }

    [Fact]
    public async Task APostWithoutIdempotencyKey_GetsAnOrderIdOfItsOwn_AndLocationPointsAtIt()
    {
        using var response = await runtime.Orders.PostAsync(OrderRequests.Body(), idempotencyKey: null, Cancellation);

        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        var accepted = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancellation))!;
        var orderId = (string)accepted["orderId"]!;
        Assert.Equal("PENDING", (string?)accepted["status"]);
        Assert.Equal("/orders/" + orderId, response.Headers.Location?.ToString());
        var order = await runtime.Orders.WaitForTerminalAsync(orderId, TimeSpan.FromSeconds(45), Cancellation);
        Assert.Equal("COMPLETED", (string?)order["status"]);
    }

    private async Task WaitForQueueToDrainAsync()
    {
        for (var waited = 0; await runtime.Runtime.Services.OrdersQueue.CountAsync(Cancellation) > 0; waited += 50)
        {
            Assert.True(waited < 30_000, "The orders queue did not drain within 30 s.");
            await Task.Delay(50, Cancellation);
        }
    }

    private async Task WaitForExecutionToFinishAsync(string orderId)
    {
        for (var waited = 0; (await runtime.ExecutionsNamedAsync(orderId, Cancellation)).Any(e => (string?)e["status"] == "RUNNING"); waited += 50)
        {
            Assert.True(waited < 30_000, $"The execution of {orderId} was still RUNNING after 30 s.");
            await Task.Delay(50, Cancellation);
        }
    }
}
