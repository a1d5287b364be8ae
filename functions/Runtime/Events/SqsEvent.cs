using System.Text.Json.Serialization;

namespace ECommerce.Runtime.Events;

// Same JSON shapes as Amazon.Lambda.SQSEvents, so these records can be swapped for the official package.

/// <summary>The event an SQS event source mapping delivers: a batch of messages.</summary>
public sealed record SqsEvent([property: JsonPropertyName("Records")] IReadOnlyList<SqsMessage> Records);

/// <summary>One SQS message as Lambda delivers it.</summary>
public sealed record SqsMessage
{
    [JsonPropertyName("messageId")] public required string MessageId { get; init; }
    [JsonPropertyName("receiptHandle")] public string? ReceiptHandle { get; init; }
    [JsonPropertyName("body")] public string? Body { get; init; }
    [JsonPropertyName("attributes")] public IReadOnlyDictionary<string, string>? Attributes { get; init; }
    [JsonPropertyName("messageAttributes")] public IReadOnlyDictionary<string, SqsMessageAttribute>? MessageAttributes { get; init; }
    [JsonPropertyName("md5OfBody")] public string? Md5OfBody { get; init; }
    [JsonPropertyName("md5OfMessageAttributes")] public string? Md5OfMessageAttributes { get; init; }
    [JsonPropertyName("eventSource")] public string? EventSource { get; init; }
    [JsonPropertyName("eventSourceARN")] public string? EventSourceArn { get; init; }
    [JsonPropertyName("awsRegion")] public string? AwsRegion { get; init; }
}

/// <summary>An SQS message attribute (String, Number or Binary data type).</summary>
public sealed record SqsMessageAttribute
{
    [JsonPropertyName("stringValue")] public string? StringValue { get; init; }
    [JsonPropertyName("binaryValue")] public string? BinaryValue { get; init; }
    [JsonPropertyName("stringListValues")] public IReadOnlyList<string>? StringListValues { get; init; }
    [JsonPropertyName("binaryListValues")] public IReadOnlyList<string>? BinaryListValues { get; init; }
    [JsonPropertyName("dataType")] public string? DataType { get; init; }
}

/// <summary>The partial-batch response (ReportBatchItemFailures): only the listed messages return to the queue.</summary>
public sealed record SqsBatchResponse([property: JsonPropertyName("batchItemFailures")] IReadOnlyList<SqsBatchItemFailure> BatchItemFailures)
{
    public static SqsBatchResponse AllSucceeded { get; } = new([]);
}

/// <summary>A message to redeliver, by its messageId.</summary>
public sealed record SqsBatchItemFailure([property: JsonPropertyName("itemIdentifier")] string ItemIdentifier);
