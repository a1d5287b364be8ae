using ECommerce.LocalHost.Queue;
using ECommerce.Runtime.Events;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Host.Tests;

public sealed class SqliteQueueTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("queue-tests").FullName;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-11-23T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private SqliteQueue NewQueue(int maxReceiveCount = 3) =>
        new(Path.Combine(_directory, "queue.db"), "orders", new QueueOptions { VisibilityTimeout = TimeSpan.FromSeconds(30), MaxReceiveCount = maxReceiveCount }, _clock);

    private static readonly Dictionary<string, string> OrderAttributes = new() { ["orderId"] = "o-1" };

    [Fact]
    public async Task Receive_HidesTheMessage_UntilTheVisibilityTimeoutPasses()
    {
        var queue = NewQueue();
        await queue.SendAsync("{}", OrderAttributes, TestContext.Current.CancellationToken);

        var first = await queue.ReceiveAsync(10, TestContext.Current.CancellationToken);
        var whileHidden = await queue.ReceiveAsync(10, TestContext.Current.CancellationToken);
        _clock.Advance(TimeSpan.FromSeconds(31));
        var again = await queue.ReceiveAsync(10, TestContext.Current.CancellationToken);

        Assert.Single(first);
        Assert.Empty(whileHidden);
        Assert.Equal(2, Assert.Single(again).ReceiveCount);
        Assert.Equal("o-1", again[0].Attributes["orderId"]);
    }

    [Fact]
    public async Task ReleaseInFlightAsync_AfterTheReceivingProcessDied_MakesItsMessagesVisibleAtOnce_KeepingTheReceiveCount()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using (var crashed = NewQueue())
        {
            await crashed.SendAsync("{}", OrderAttributes, cancellation);
            await crashed.SendAsync("{}", new Dictionary<string, string> { ["orderId"] = "o-2" }, cancellation);
            Assert.Single(await crashed.ReceiveAsync(1, cancellation));
        }

        using var restarted = NewQueue();
        var released = await restarted.ReleaseInFlightAsync(cancellation);
        var received = await restarted.ReceiveAsync(10, cancellation);

        Assert.Equal(1, released);
        Assert.Equal([1, 2], received.Select(m => m.ReceiveCount).Order());
        Assert.Empty(await restarted.ReceiveAsync(10, cancellation));
    }

    [Fact]
    public async Task SendAsync_ManyAtOnce_CommitsEveryMessageExactlyOnce()
    {
        using var queue = NewQueue();
        var ids = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() =>
            queue.SendAsync("{}", new Dictionary<string, string> { ["orderId"] = $"o-{i}" }, TestContext.Current.CancellationToken))));

        Assert.Equal(200, ids.Distinct().Count());
        Assert.Equal(200, await queue.CountAsync(TestContext.Current.CancellationToken));
        using var reopened = NewQueue();
        var received = await reopened.ReceiveAsync(1000, TestContext.Current.CancellationToken);
        Assert.Equal(ids.Order(), received.Select(m => m.MessageId).Order());
    }

    [Fact]
    public async Task DeleteBatchAsync_DeletesTheCurrentHandles_AndSkipsStaleOnes()
    {
        using var queue = NewQueue();
        for (var i = 0; i < 3; i++)
        {
            await queue.SendAsync("{}", OrderAttributes, TestContext.Current.CancellationToken);
        }

        var received = await queue.ReceiveAsync(10, TestContext.Current.CancellationToken);
        var deleted = await queue.DeleteBatchAsync([received[0].ReceiptHandle, received[1].ReceiptHandle, "stale-handle"], TestContext.Current.CancellationToken);

        Assert.Equal(2, deleted);
        Assert.Equal(1, await queue.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Delete_WithAStaleReceiptHandle_DeletesNothing()
    {
        var queue = NewQueue();
        await queue.SendAsync("{}", OrderAttributes, TestContext.Current.CancellationToken);
        var stale = (await queue.ReceiveAsync(1, TestContext.Current.CancellationToken))[0].ReceiptHandle;
        _clock.Advance(TimeSpan.FromSeconds(31));
        var current = (await queue.ReceiveAsync(1, TestContext.Current.CancellationToken))[0].ReceiptHandle;

        Assert.False(await queue.DeleteAsync(stale, TestContext.Current.CancellationToken));
        Assert.True(await queue.DeleteAsync(current, TestContext.Current.CancellationToken));
        Assert.Equal(0, await queue.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Receive_PastMaxReceiveCount_MovesTheMessageToTheDeadLetterQueue_AndRedriveBringsItBack()
    {
        var queue = NewQueue(maxReceiveCount: 2);
        await queue.SendAsync("poison", OrderAttributes, TestContext.Current.CancellationToken);
        await queue.SendAsync("good", OrderAttributes, TestContext.Current.CancellationToken);
        for (var receive = 0; receive < 2; receive++)
        {
            var batch = await queue.ReceiveAsync(10, TestContext.Current.CancellationToken);
            await queue.DeleteAsync(batch.Single(m => m.Body == "good").ReceiptHandle, TestContext.Current.CancellationToken);
            await queue.SendAsync("good", OrderAttributes, TestContext.Current.CancellationToken);
            _clock.Advance(TimeSpan.FromSeconds(31));
        }

        var afterLimit = await queue.ReceiveAsync(10, TestContext.Current.CancellationToken);

        Assert.Equal("good", Assert.Single(afterLimit).Body);
        Assert.Equal("poison", Assert.Single(await queue.ListDeadLettersAsync(TestContext.Current.CancellationToken)).Body);
        Assert.Equal(1, await queue.RedriveDeadLettersAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, await queue.CountDeadLettersAsync(TestContext.Current.CancellationToken));
        var redriven = await queue.ReceiveAsync(10, TestContext.Current.CancellationToken);
        Assert.Equal(1, redriven.Single(m => m.Body == "poison").ReceiveCount);
    }

    [Fact]
    public async Task SentMessages_SurviveANewQueueOverTheSameFile()
    {
        await NewQueue().SendAsync("{\"customerId\":\"c-1\"}", OrderAttributes, TestContext.Current.CancellationToken);

        var reopened = NewQueue();

        Assert.Equal("{\"customerId\":\"c-1\"}", Assert.Single(await reopened.ReceiveAsync(10, TestContext.Current.CancellationToken)).Body);
    }

    [Fact]
    public async Task EventSource_DeletesSucceededMessages_AndRedeliversOnlyBatchItemFailures()
    {
        var queue = NewQueue();
        var first = await queue.SendAsync("a", OrderAttributes, TestContext.Current.CancellationToken);
        var second = await queue.SendAsync("b", OrderAttributes, TestContext.Current.CancellationToken);
        var delivered = new List<SqsEvent>();
        var source = new SqsEventSource(queue, (sqsEvent, _) =>
        {
            delivered.Add(sqsEvent);
            return Task.FromResult(new SqsBatchResponse([new SqsBatchItemFailure(second)]));
        }, NullLogger<SqsEventSource>.Instance);

        await source.DeliverOneBatchAsync(TestContext.Current.CancellationToken);
        _clock.Advance(TimeSpan.FromSeconds(31));
        await source.DeliverOneBatchAsync(TestContext.Current.CancellationToken);

        Assert.Equal([first, second], delivered[0].Records.Select(r => r.MessageId));
        Assert.Equal([second], delivered[1].Records.Select(r => r.MessageId));
        Assert.Equal("o-1", delivered[1].Records[0].MessageAttributes!["orderId"].StringValue);
        Assert.Equal("2", delivered[1].Records[0].Attributes!["ApproximateReceiveCount"]);
    }

    [Fact]
    public async Task EventSource_WhenTheFunctionThrows_KeepsTheWholeBatch()
    {
        var queue = NewQueue();
        await queue.SendAsync("a", OrderAttributes, TestContext.Current.CancellationToken);
        var source = new SqsEventSource(queue, (_, _) => throw new InvalidOperationException("boom"), NullLogger<SqsEventSource>.Instance);

        await source.DeliverOneBatchAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, await queue.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Depths_FollowEverySend_Delete_DeadLetterMove_AndRedrive_AndADatabaseFromBeforeThemIsCounted()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = Path.Combine(_directory, "queue.db");
        // A file written before depths were kept: three messages, one of them already dead-lettered.
        using (var older = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            older.Open();
            using var create = older.CreateCommand();
            create.CommandText = """
                CREATE TABLE queue_messages (message_id TEXT PRIMARY KEY, queue TEXT NOT NULL, body TEXT NOT NULL, attributes TEXT NOT NULL,
                    sent_at INTEGER NOT NULL, visible_at INTEGER NOT NULL, receive_count INTEGER NOT NULL DEFAULT 0, receipt_handle TEXT);
                INSERT INTO queue_messages (message_id, queue, body, attributes, sent_at, visible_at) VALUES
                    ('m1', 'orders', 'a', '{}', 0, 0), ('m2', 'orders', 'b', '{}', 0, 0), ('m3', 'orders-dlq', 'c', '{}', 0, 0);
                """;
            create.ExecuteNonQuery();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        using var queue = NewQueue(maxReceiveCount: 1);
        Assert.Equal((2, 1), (await queue.CountAsync(ct), await queue.CountDeadLettersAsync(ct)));

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => queue.SendAsync($"m{i}", OrderAttributes, ct)));
        Assert.Equal(22, await queue.CountAsync(ct));

        var received = await queue.ReceiveAsync(10, ct);
        Assert.Equal(22, await queue.CountAsync(ct));
        Assert.Equal(5, await queue.DeleteBatchAsync([.. received.Take(5).Select(m => m.ReceiptHandle)], ct));
        Assert.Equal(17, await queue.CountAsync(ct));

        // The five received once and not deleted pass maxReceiveCount 1 at their next receive and move to the DLQ.
        _clock.Advance(TimeSpan.FromSeconds(31));
        await queue.ReceiveAsync(10, ct);
        Assert.Equal((12, 6), (await queue.CountAsync(ct), await queue.CountDeadLettersAsync(ct)));

        Assert.Equal(6, await queue.RedriveDeadLettersAsync(ct));
        Assert.Equal((18, 0), (await queue.CountAsync(ct), await queue.CountDeadLettersAsync(ct)));

        using var reopened = NewQueue();
        Assert.Equal(18, await reopened.CountAsync(ct));
    }
}
