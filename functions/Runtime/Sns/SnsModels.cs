namespace ECommerce.Runtime.Sns;

// The SNS documents this project sends and reads, named as in AWSSDK.SimpleNotificationService so the swap is mechanical.

/// <summary>Publish to a topic. Subject is for e-mail subscribers (at most 100 printable ASCII characters).</summary>
public sealed record PublishRequest
{
    public required string TopicArn { get; init; }

    public required string Message { get; init; }

    public string? Subject { get; init; }

    /// <summary>Attributes subscribers can filter on, by name.</summary>
    public IReadOnlyDictionary<string, MessageAttributeValue> MessageAttributes { get; init; } =
        new Dictionary<string, MessageAttributeValue>();
}

/// <summary>An SNS message attribute: a String, String.Array or Number data type with its value as text.</summary>
public sealed record MessageAttributeValue(string DataType, string StringValue)
{
    /// <summary>A <c>String</c> attribute.</summary>
    public static MessageAttributeValue String(string value) => new("String", value);
}

public sealed record PublishResponse(string MessageId);

public sealed record CreateTopicResponse(string TopicArn);
