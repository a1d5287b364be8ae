using System.Globalization;
using ECommerce.Runtime.Events;

namespace ECommerce.LocalHost.Queue;

/// <summary>
/// The local event source mapping: receives batches from a <see cref="SqliteQueue"/>, hands them to a function as
/// an SQS event, and deletes what the function did not report as a batch item failure. A function that throws
/// leaves the whole batch to come back after the visibility timeout, as Lambda does.
/// </summary>
public sealed class SqsEventSource(
    SqliteQueue queue,
    Func<SqsEvent, CancellationToken, Task<SqsBatchResponse>> function,
    ILogger<SqsEventSource> logger,
    int batchSize = 10,
    int concurrency = 2)
{
    private readonly SemaphoreSlim _messagesArrived = new(0);

    /// <summary>Wakes an idle poller at once instead of at its next poll.</summary>
    public void NotifyMessageSent()
    {
        if (_messagesArrived.CurrentCount == 0)
        {
            _messagesArrived.Release();
        }
    }

    public Task RunAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(() => PollAsync(stoppingToken), stoppingToken)));

    /// <summary>Receives and delivers one batch; returns how many messages it delivered.</summary>
    public async Task<int> DeliverOneBatchAsync(CancellationToken cancellationToken)
    {
        var messages = await queue.ReceiveAsync(batchSize, cancellationToken).ConfigureAwait(false);
        if (messages.Count == 0)
        {
            return 0;
        }

        if (messages.Count == batchSize)
        {
            // A full batch: more may be waiting, so wake an idle poller to take the next one while this one works.
            NotifyMessageSent();
        }

        SqsBatchResponse response;
        try
        {
            response = await function(ToEvent(messages), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "queue={Queue} batch of {Count} failed as a whole; it returns after the visibility timeout", queue.Name, messages.Count);
            return messages.Count;
        }

        var failed = response.BatchItemFailures.Select(f => f.ItemIdentifier).ToHashSet(StringComparer.Ordinal);
        await queue.DeleteBatchAsync(messages.Where(m => !failed.Contains(m.MessageId)).Select(m => m.ReceiptHandle).ToList(), cancellationToken)
            .ConfigureAwait(false);

        return messages.Count;
    }

    private async Task PollAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await DeliverOneBatchAsync(stoppingToken).ConfigureAwait(false) == 0)
                {
                    await _messagesArrived.WaitAsync(TimeSpan.FromMilliseconds(200), stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                logger.LogError(exception, "queue={Queue} polling failed; retrying", queue.Name);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private SqsEvent ToEvent(IReadOnlyList<QueueMessage> messages) => new(messages.Select(m => new SqsMessage
    {
        MessageId = m.MessageId,
        ReceiptHandle = m.ReceiptHandle,
        Body = m.Body,
        Attributes = new Dictionary<string, string>
        {
            ["ApproximateReceiveCount"] = m.ReceiveCount.ToString(CultureInfo.InvariantCulture),
            ["SentTimestamp"] = m.SentAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        },
        MessageAttributes = m.Attributes.ToDictionary(a => a.Key, a => new SqsMessageAttribute { StringValue = a.Value, DataType = "String" }),
        EventSource = "aws:sqs",
        EventSourceArn = $"arn:aws:sqs:us-east-1:000000000000:{queue.Name}",
        AwsRegion = "us-east-1",
    }).ToList());
}
