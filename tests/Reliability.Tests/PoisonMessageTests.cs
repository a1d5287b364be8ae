using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Reliability.Tests.Support;

namespace Reliability.Tests;

/// <summary>
/// Messages StartOrderSaga cannot process: they go to the dead-letter queue after maxReceiveCount receives, never hold
/// good orders up behind them, and the local DLQ redrive puts them back on the queue.
/// </summary>
public sealed class PoisonMessageTests(ITestOutputHelper output)
{
    private const int MaxReceiveCount = 2;

    // Short, yet longer than StartOrderSaga takes once warm: a message still being processed when its visibility
    // runs out is received again, and with maxReceiveCount 2 even a good one would end in the DLQ (as on SQS).
    private static readonly TimeSpan VisibilityTimeout = TimeSpan.FromSeconds(1);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MessagesWithoutAUsableOrderId_MoveToTheDlq_WithoutBlockingAGoodOrder_AndRedriveBringsThemBack()
    {
        await using var runtime = await TestRuntime.StartAsync(o => o with { VisibilityTimeout = VisibilityTimeout, MaxReceiveCount = MaxReceiveCount });
        var queue = runtime.Services.OrdersQueue;
        await WarmUpAsync(runtime);
        var started = Stopwatch.GetTimestamp();

        await queue.SendAsync("this is not JSON {", new Dictionary<string, string>(), Cancellation);
        await queue.SendAsync(TestRuntime.OrderBody().ToJsonString(), new Dictionary<string, string> { ["orderId"] = "not a valid/execution name" }, Cancellation);
        runtime.Services.OrderEvents.NotifyMessageSent();
        var goodOrderId = TestRuntime.NewOrderId("after-poison");
        using (var accepted = await runtime.PostOrderAsync(TestRuntime.OrderBody().ToJsonString(), goodOrderId, Cancellation))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        var good = await runtime.WaitForTerminalAsync(goodOrderId, TimeSpan.FromSeconds(30), Cancellation);
        var goodDoneMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Assert.Equal("COMPLETED", (string?)good["status"]);

        long queued = 0, deadLettered = 0;
        await TestRuntime.WaitUntilAsync(async () =>
            {
                queued = await queue.CountAsync(Cancellation);
                deadLettered = await queue.CountDeadLettersAsync(Cancellation);
                return deadLettered == 2;
            }, TimeSpan.FromSeconds(20),
            () => $"both poison messages to reach the DLQ (queue {queued}, DLQ {deadLettered}); log:\n" + string.Join("\n", runtime.Logs.Lines.TakeLast(30)),
            Cancellation);
        var deadLetteredMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Assert.Equal(0, await queue.CountAsync(Cancellation));
        var dlq = JsonNode.Parse(await runtime.Api.GetStringAsync("local/dlq", Cancellation))!["messages"]!.AsArray();
        Assert.Contains(dlq, m => (string?)m!["body"] == "this is not JSON {");
        Assert.Contains(dlq, m => (string?)m!["attributes"]?["orderId"] == "not a valid/execution name");
        Assert.Equal(2, (await runtime.Services.Stores.ListOrdersAsync()).Count);
        Assert.Contains(runtime.Logs.Lines, l => l.Contains("no usable 'orderId' attribute", StringComparison.Ordinal));

        using var redrive = await runtime.Api.PostAsync("local/dlq/redrive", content: null, Cancellation);
        Assert.Equal(HttpStatusCode.OK, redrive.StatusCode);
        Assert.Equal(2, (int?)JsonNode.Parse(await redrive.Content.ReadAsStringAsync(Cancellation))!["redriven"]);
        Assert.Equal(0, await queue.CountDeadLettersAsync(Cancellation));

        // Still poison after the redrive: received again maxReceiveCount times, then back in the DLQ.
        await TestRuntime.WaitUntilAsync(async () => await queue.CountDeadLettersAsync(Cancellation) == 2, TimeSpan.FromSeconds(20),
            () => "the redriven messages to fail again and return to the DLQ", Cancellation);
        output.WriteLine($"good order COMPLETED after {goodDoneMs:F0} ms; both poison messages dead-lettered after {deadLetteredMs:F0} ms " +
                         $"(visibility {VisibilityTimeout.TotalMilliseconds:F0} ms, maxReceiveCount {MaxReceiveCount}); redrive moved 2 back");
    }

    [Fact]
    public async Task AMessageWhoseBodyIsNotJson_WithAnOrderId_IsRecordedRejected_NotRetried()
    {
        await using var runtime = await TestRuntime.StartAsync(o => o with { VisibilityTimeout = VisibilityTimeout, MaxReceiveCount = MaxReceiveCount });
        await WarmUpAsync(runtime);
        var orderId = TestRuntime.NewOrderId("garbage-body");

        await runtime.Services.OrdersQueue.SendAsync("\u0001\u0002 garbage", new Dictionary<string, string> { ["orderId"] = orderId }, Cancellation);
        runtime.Services.OrderEvents.NotifyMessageSent();

        // A body that can never become valid is final: recorded REJECTED with the reason, and the message deleted.
        JsonObject? order = null;
        await TestRuntime.WaitUntilAsync(async () => (order = await runtime.GetOrderAsync(orderId, Cancellation)) is not null, TimeSpan.FromSeconds(10),
            () => $"order {orderId} to be recorded", Cancellation);
        Assert.Equal("REJECTED", (string?)order!["status"]);
        Assert.Contains("not valid JSON", (string?)order["reason"] ?? "", StringComparison.Ordinal);
        await TestRuntime.WaitUntilAsync(async () => await runtime.Services.OrdersQueue.CountAsync(Cancellation) == 0, TimeSpan.FromSeconds(10),
            () => "the queue to empty", Cancellation);
        Assert.Equal(0, await runtime.Services.OrdersQueue.CountDeadLettersAsync(Cancellation));
        Assert.DoesNotContain(await runtime.ExecutionsAsync(Cancellation), e => (string?)e["name"] == orderId);
    }

    // The first order through a fresh runtime pays for JIT and SQLite warm-up; the timings under test come after it.
    private static async Task WarmUpAsync(TestRuntime runtime)
    {
        var orderId = TestRuntime.NewOrderId("warm-up");
        using (var accepted = await runtime.PostOrderAsync(TestRuntime.OrderBody().ToJsonString(), orderId, Cancellation))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        await runtime.WaitForTerminalAsync(orderId, TimeSpan.FromSeconds(30), Cancellation);
        await TestRuntime.WaitUntilAsync(async () => await runtime.Services.OrdersQueue.CountAsync(Cancellation) == 0, TimeSpan.FromSeconds(10),
            () => "the warm-up message to be deleted", Cancellation);
    }
}
