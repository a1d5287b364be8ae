using Reliability.Tests.Support;

namespace Reliability.Tests;

/// <summary>SQS delivers at least once: the same order message delivered several times runs one saga with one of each effect.</summary>
public sealed class AtLeastOnceDeliveryTests(RuntimeFixture fixture, ITestOutputHelper output) : IClassFixture<RuntimeFixture>
{
    private const int Deliveries = 3;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheSameOrderMessage_DeliveredThreeTimes_RunsOneExecution_WithOneReservationChargeAndShipment(bool concurrently)
    {
        var runtime = fixture.Runtime;
        var orderId = TestRuntime.NewOrderId(concurrently ? "dup-concurrent" : "dup-sequential");
        var body = TestRuntime.OrderBody(sku: "SKU-2", quantity: 2).ToJsonString();
        var attributes = new Dictionary<string, string> { ["orderId"] = orderId };

        if (concurrently)
        {
            await Task.WhenAll(Enumerable.Range(0, Deliveries).Select(_ => Task.Run(async () =>
            {
                await runtime.Services.OrdersQueue.SendAsync(body, attributes, Cancellation);
                runtime.Services.OrderEvents.NotifyMessageSent();
            }, Cancellation)));
        }
        else
        {
            for (var i = 0; i < Deliveries; i++)
            {
                await runtime.Services.OrdersQueue.SendAsync(body, attributes, Cancellation);
                runtime.Services.OrderEvents.NotifyMessageSent();
            }
        }

        var order = await runtime.WaitForTerminalAsync(orderId, TimeSpan.FromSeconds(30), Cancellation);
        // A late redelivery after the saga finished must change nothing either.
        await runtime.Services.OrdersQueue.SendAsync(body, attributes, Cancellation);
        runtime.Services.OrderEvents.NotifyMessageSent();
        await TestRuntime.WaitUntilAsync(async () => await runtime.Services.OrdersQueue.CountAsync(Cancellation) == 0, TimeSpan.FromSeconds(20),
            () => "the queue to drain", Cancellation);
        await TestRuntime.WaitUntilAsync(async () => (await runtime.ExecutionsAsync(Cancellation)).All(e => (string?)e["status"] != "RUNNING"),
            TimeSpan.FromSeconds(20), () => "every execution to finish", Cancellation);

        Assert.Equal("COMPLETED", (string?)order["status"]);
        var execution = Assert.Single(await runtime.ExecutionsAsync(Cancellation), e => (string?)e["name"] == orderId);
        Assert.Equal("SUCCEEDED", (string?)execution["status"]);
        var snapshot = await runtime.Services.Stores.ReadSnapshotAsync();
        Assert.Single(snapshot.Orders, o => o.OrderId == orderId);
        Assert.Single(snapshot.Inventory.Reservations, r => r.OrderId == orderId);
        var charge = Assert.Single(snapshot.Charges, c => c.OrderId == orderId);
        Assert.Equal(1, charge.Attempts);
        Assert.Equal(2 * 2999, charge.Amount);
        Assert.Single(snapshot.Shipments, s => s.OrderId == orderId);
        Assert.Equal(0, await runtime.Services.OrdersQueue.CountDeadLettersAsync(Cancellation));
        output.WriteLine($"{Deliveries + 1} deliveries of {orderId} ({(concurrently ? "concurrent" : "sequential")}): 1 execution, 1 reservation, 1 charge, 1 shipment");
    }
}
