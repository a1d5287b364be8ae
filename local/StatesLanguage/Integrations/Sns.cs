using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using StatesLanguage.Json;

namespace StatesLanguage.Integrations;

/// <summary>A message published to a local topic.</summary>
public sealed record PublishedMessage(string MessageId, string TopicArn, string Message, string? Subject, JsonObject? MessageAttributes, DateTimeOffset Timestamp);

/// <summary>An in-memory SNS topic that tests and consoles can read.</summary>
public interface ILocalTopic
{
    string TopicArn { get; }

    IReadOnlyList<PublishedMessage> Messages { get; }

    event Action<PublishedMessage>? Published;
}

/// <summary>Holds local topics by ARN; a publish to an unknown ARN creates the topic.</summary>
/// <param name="maxMessagesPerTopic">Messages each topic keeps, oldest dropped first; null keeps them all.</param>
public sealed class LocalTopicStore(TimeProvider? clock = null, int? maxMessagesPerTopic = null)
{
    private readonly ConcurrentDictionary<string, LocalTopic> _topics = new(StringComparer.Ordinal);

    public ILocalTopic GetOrCreate(string topicArn) => _topics.GetOrAdd(topicArn, arn => new LocalTopic(arn, maxMessagesPerTopic));

    public IReadOnlyCollection<ILocalTopic> Topics => _topics.Values.ToList();

    public PublishedMessage Publish(string topicArn, string message, string? subject, JsonObject? attributes)
    {
        var topic = (LocalTopic)GetOrCreate(topicArn);
        var published = new PublishedMessage(Guid.NewGuid().ToString(), topicArn, message, subject, attributes,
            (clock ?? TimeProvider.System).GetUtcNow());
        topic.Add(published);
        return published;
    }

    private sealed class LocalTopic(string arn, int? maxMessages) : ILocalTopic
    {
        private readonly List<PublishedMessage> _messages = [];

        public string TopicArn { get; } = arn;

        public IReadOnlyList<PublishedMessage> Messages
        {
            get
            {
                lock (_messages)
                {
                    return _messages.ToList();
                }
            }
        }

        public event Action<PublishedMessage>? Published;

        public void Add(PublishedMessage message)
        {
            lock (_messages)
            {
                _messages.Add(message);
                if (_messages.Count > maxMessages)
                {
                    _messages.RemoveRange(0, _messages.Count - maxMessages.Value);
                }
            }
            Published?.Invoke(message);
        }
    }
}

/// <summary><c>arn:aws:states:::sns:publish</c> to a <see cref="LocalTopicStore"/>.</summary>
public sealed class SnsPublishIntegration(LocalTopicStore topics) : ITaskIntegration
{
    public bool CanHandle(TaskResource resource) =>
        resource.IsServiceIntegration && resource.ResourceType == "sns" && resource.Action == "publish";

    public Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        if (invocation.Input is not JsonObject parameters)
        {
            throw new StatesException("SNS.InvalidParameterException", "Invalid parameter: the parameters must be an object");
        }
        var topicArn = JsonUtil.TryGetString(parameters["TopicArn"], out var t) ? t
            : JsonUtil.TryGetString(parameters["TargetArn"], out var target) ? target
            : throw new StatesException("SNS.InvalidParameterException", "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter");
        var messageNode = parameters["Message"];
        if (messageNode is null)
        {
            throw new StatesException("SNS.InvalidParameterException", "Invalid parameter: Message Reason: no value for required parameter");
        }
        // A non-string Message is sent as its JSON text, as the AWS integration does.
        var message = JsonUtil.TryGetString(messageNode, out var s) ? s : JsonUtil.Serialize(messageNode);
        var subject = JsonUtil.TryGetString(parameters["Subject"], out var subj) ? subj : null;
        // A copy: the message keeps its attributes, not the whole parameters object they belong to.
        var published = topics.Publish(topicArn, message, subject, (JsonObject?)(parameters["MessageAttributes"] as JsonObject)?.DeepClone());
        var requestId = AwsMetadata.NewRequestId();
        var writer = AwsMetadata.StartResponse();
        writer.WriteString("MessageId", published.MessageId);
        AwsMetadata.WriteMetadata(writer, requestId);
        return Task.FromResult<JsonNode?>(AwsMetadata.FinishResponse(writer));
    }
}
