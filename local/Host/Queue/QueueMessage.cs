namespace ECommerce.LocalHost.Queue;

/// <summary>A message as a receiver sees it: the handle to delete it with and how often it has been received.</summary>
public sealed record QueueMessage(
    string MessageId,
    string ReceiptHandle,
    string Body,
    IReadOnlyDictionary<string, string> Attributes,
    int ReceiveCount,
    DateTimeOffset SentAt);

/// <summary>How a local queue behaves, with SQS's names and the template's values as defaults.</summary>
public sealed record QueueOptions
{
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.FromSeconds(180);

    /// <summary>After this many receives without a delete, the next receive moves the message to the dead-letter queue.</summary>
    public int MaxReceiveCount { get; init; } = 5;
}
