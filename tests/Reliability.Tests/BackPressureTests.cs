using System.Net;
using System.Text.Json.Nodes;
using Reliability.Tests.Support;

namespace Reliability.Tests;

/// <summary>A burst the queue consumer cannot keep up with: POST /orders sheds load with 429 + Retry-After, and loses nothing it accepted.</summary>
public sealed class BackPressureTests(ITestOutputHelper output)
{
    private const int Burst = 40;
    private const int MaxQueueDepth = 5;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ABurstOverTheQueueDepth_Gets429WithRetryAfterBeyondTheDepth_AndEveryAcceptedOrderFinishes()
    {
        // The event source is off, so the queue fills as it would behind a consumer that cannot keep up; the test
        // itself plays the consumer, one batch at a time, between the client's retries.
        await using var runtime = await TestRuntime.StartAsync(o => o with { MaxQueueDepth = MaxQueueDepth, QueuePollers = 0 });
        var orderIds = Enumerable.Range(0, Burst).Select(i => TestRuntime.NewOrderId($"burst{i}")).ToArray();

        var firstWave = new List<PostOutcome>();
        foreach (var (id, i) in orderIds.Select((id, i) => (id, i)))
        {
            firstWave.Add(await PostAsync(runtime, id, i));
        }

        Assert.All(firstWave.Take(MaxQueueDepth), r => Assert.Equal(HttpStatusCode.Accepted, r.Status));
        var shed = firstWave.Skip(MaxQueueDepth).ToList();
        Assert.All(shed, r =>
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, r.Status);
            Assert.True(r.RetryAfter is { } delay && delay > TimeSpan.Zero, $"429 for {r.OrderId} without a Retry-After");
            Assert.Contains("retry", r.Message, StringComparison.OrdinalIgnoreCase);
        });
        Assert.Equal(MaxQueueDepth, await runtime.Services.OrdersQueue.CountAsync(Cancellation));

        // The consumer takes a batch; the client does what the 429 says: waits Retry-After and retries with the same
        // Idempotency-Key. Each round lets in as many orders as the consumer made room for, never more.
        var retries = 0;
        var pending = shed.Select(r => r.OrderId).ToList();
        while (pending.Count > 0)
        {
            Assert.True(retries++ < 60, $"{pending.Count} orders still refused after 60 rounds of retries");
            Assert.Equal(MaxQueueDepth, await runtime.Services.OrderEvents.DeliverOneBatchAsync(Cancellation));
            await Task.Delay(shed[0].RetryAfter!.Value, Cancellation);
            var round = new List<PostOutcome>();
            foreach (var id in pending)
            {
                round.Add(await PostAsync(runtime, id, Array.IndexOf(orderIds, id)));
            }

            Assert.Equal(MaxQueueDepth, round.Count(r => r.Status == HttpStatusCode.Accepted));
            pending = round.Where(r => r.Status == HttpStatusCode.TooManyRequests).Select(r => r.OrderId).ToList();
        }

        while (await runtime.Services.OrderEvents.DeliverOneBatchAsync(Cancellation) > 0)
        {
        }

        var statuses = await Task.WhenAll(orderIds.Select(id => runtime.WaitForTerminalAsync(id, TimeSpan.FromSeconds(60), Cancellation)));
        Assert.All(statuses, s => Assert.Equal("COMPLETED", (string?)s["status"]));
        Assert.Equal(Burst, (await runtime.ExecutionsAsync(Cancellation)).Count);
        Assert.Equal(0, await runtime.Services.OrdersQueue.CountDeadLettersAsync(Cancellation));
        output.WriteLine($"burst of {Burst} POSTs with MaxQueueDepth {MaxQueueDepth}: {Burst - shed.Count} accepted at once, {shed.Count} got 429; " +
                         $"all accepted after {retries} retry rounds; {Burst} executions, all COMPLETED");
    }

    private static async Task<PostOutcome> PostAsync(TestRuntime runtime, string orderId, int index)
    {
        var body = TestRuntime.OrderBody(sku: $"SKU-{(index % 5) + 1}", quantity: 1).ToJsonString();
        using var response = await runtime.PostOrderAsync(body, orderId, Cancellation);
        var message = (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancellation))!["message"] ?? "";
        return new PostOutcome(orderId, response.StatusCode, response.Headers.RetryAfter?.Delta, message);
    }

    private sealed record PostOutcome(string OrderId, HttpStatusCode Status, TimeSpan? RetryAfter, string Message);
}
