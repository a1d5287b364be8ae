using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using ECommerce.Runtime.Sns;
using ECommerce.TestSupport;

namespace ECommerce.Runtime.Tests;

/// <summary>The SNS Query client against moto's SNS; what was published is read back through moto's /moto-api/data.json.</summary>
public sealed class SnsClientTests(MotoServerFixture moto) : IClassFixture<MotoServerFixture>
{
    private SnsClient CreateClient() => new(new SnsClientOptions
    {
        Endpoint = moto.Endpoint,
        Region = MotoServerFixture.Region,
        Credentials = moto.Credentials,
    });

    [Fact]
    public async Task PublishAsync_ExistingTopic_DeliversMessageSubjectAndAttributesUnchanged()
    {
        using var client = CreateClient();
        var ct = TestContext.Current.CancellationToken;
        var topic = await client.CreateTopicAsync(MotoServerFixture.UniqueName("alerts"), ct);
        const string message = """{"orderId":"o-1","note":"a+b=c & d ~ 100% ü € 😀\nnext line"}""";

        var published = await client.PublishAsync(
            new PublishRequest
            {
                TopicArn = topic.TopicArn,
                Message = message,
                Subject = "Order needs attention",
                MessageAttributes = new Dictionary<string, MessageAttributeValue>
                {
                    ["eventType"] = MessageAttributeValue.String("OrderNeedsAttention"),
                    ["attempt"] = new("Number", "2"),
                },
            },
            ct);

        var sent = Assert.Single(await SentNotificationsAsync(topic.TopicArn, ct));
        Assert.Equal(published.MessageId, sent[0].GetString());
        Assert.Equal(message, sent[1].GetString());
        Assert.Equal("Order needs attention", sent[2].GetString());
        Assert.Equal("OrderNeedsAttention", sent[3].GetProperty("eventType").GetProperty("Value").GetString());
        Assert.Equal("String", sent[3].GetProperty("eventType").GetProperty("Type").GetString());
        Assert.Equal("Number", sent[3].GetProperty("attempt").GetProperty("Type").GetString());
    }

    [Fact]
    public async Task PublishAsync_WithoutSubjectOrAttributes_Publishes()
    {
        using var client = CreateClient();
        var ct = TestContext.Current.CancellationToken;
        var topic = await client.CreateTopicAsync(MotoServerFixture.UniqueName("alerts"), ct);

        await client.PublishAsync(new PublishRequest { TopicArn = topic.TopicArn, Message = "plain" }, ct);

        var sent = Assert.Single(await SentNotificationsAsync(topic.TopicArn, ct));
        Assert.Equal(JsonValueKind.Null, sent[2].ValueKind);
        Assert.Equal("plain", sent[1].GetString());
    }

    [Fact]
    public async Task CreateTopicAsync_SameNameTwice_ReturnsTheSameArn()
    {
        using var client = CreateClient();
        var ct = TestContext.Current.CancellationToken;
        var name = MotoServerFixture.UniqueName("alerts");

        var first = await client.CreateTopicAsync(name, ct);
        var second = await client.CreateTopicAsync(name, ct);

        Assert.Equal($"arn:aws:sns:us-east-1:123456789012:{name}", first.TopicArn);
        Assert.Equal(first.TopicArn, second.TopicArn);
    }

    [Fact]
    public async Task PublishAsync_UnknownTopic_ThrowsNotFoundThatIsNotTransient()
    {
        using var client = CreateClient();

        var error = await Assert.ThrowsAsync<SnsException>(() => client.PublishAsync(
            new PublishRequest { TopicArn = "arn:aws:sns:us-east-1:123456789012:no-such-topic", Message = "x" },
            TestContext.Current.CancellationToken));

        Assert.Equal(SnsException.NotFound, error.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.False(error.IsTransient);
        Assert.False(string.IsNullOrWhiteSpace(error.ServiceMessage));
    }

    [Fact]
    public async Task PublishAsync_AttributeWithUnsupportedDataType_ThrowsInvalidParameter()
    {
        using var client = CreateClient();
        var ct = TestContext.Current.CancellationToken;
        var topic = await client.CreateTopicAsync(MotoServerFixture.UniqueName("alerts"), ct);

        var error = await Assert.ThrowsAsync<SnsException>(() => client.PublishAsync(
            new PublishRequest
            {
                TopicArn = topic.TopicArn,
                Message = "x",
                MessageAttributes = new Dictionary<string, MessageAttributeValue> { ["eventType"] = new("Bogus", "1") },
            },
            ct));

        Assert.Equal(SnsException.InvalidParameter, error.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("eventType", error.ServiceMessage, StringComparison.Ordinal);
    }

    /// <summary>moto's record of what a topic received: [messageId, message, subject, attributes, groupId] per publish.</summary>
    private async Task<List<JsonElement>> SentNotificationsAsync(string topicArn, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        var json = await http.GetStringAsync(new Uri(moto.Endpoint, "moto-api/data.json"), cancellationToken);
        using var document = JsonDocument.Parse(json);
        var topic = document.RootElement.GetProperty("sns").GetProperty("Topic").EnumerateArray()
            .Single(candidate => candidate.GetProperty("arn").GetString() == topicArn);
        return [.. topic.GetProperty("sent_notifications").EnumerateArray().Select(entry => entry.Clone())];
    }
}

/// <summary>The client's encoding and error mapping, over a scripted transport (no server).</summary>
public sealed class SnsClientProtocolTests
{
    private static readonly AWSCredentials Credentials = new BasicAWSCredentials("a", "b");

    [Fact]
    public void FormBody_Publish_IsQueryProtocolWithNumberedAttributeEntriesAndRfc3986Encoding()
    {
        var request = new PublishRequest
        {
            TopicArn = "arn:aws:sns:us-east-1:123456789012:alerts",
            Message = "a b+c&d=é~",
            Subject = "Order needs attention",
            MessageAttributes = new Dictionary<string, MessageAttributeValue>
            {
                ["eventType"] = MessageAttributeValue.String("OrderNeedsAttention"),
                ["attempt"] = new("Number", "2"),
            },
        };

        var body = Encoding.UTF8.GetString(SnsClient.FormBody("Publish", SnsClient.PublishParameters(request)));

        Assert.Equal(
            "Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Aalerts"
            + "&Message=a%20b%2Bc%26d%3D%C3%A9~&Subject=Order%20needs%20attention"
            + "&MessageAttributes.entry.1.Name=attempt&MessageAttributes.entry.1.Value.DataType=Number"
            + "&MessageAttributes.entry.1.Value.StringValue=2"
            + "&MessageAttributes.entry.2.Name=eventType&MessageAttributes.entry.2.Value.DataType=String"
            + "&MessageAttributes.entry.2.Value.StringValue=OrderNeedsAttention",
            body);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "Throttled", true)]
    [InlineData(HttpStatusCode.BadRequest, "KMSThrottling", true)]
    [InlineData(HttpStatusCode.InternalServerError, "InternalError", true)]
    [InlineData(HttpStatusCode.Forbidden, "AuthorizationError", false)]
    [InlineData(HttpStatusCode.BadRequest, "InvalidParameter", false)]
    public async Task PublishAsync_XmlErrorResponse_MapsCodeMessageAndTransience(HttpStatusCode status, string code, bool transient)
    {
        var xml = $"""
            <ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
              <Error><Type>Sender</Type><Code>{code}</Code><Message>Something about {code}</Message></Error>
              <RequestId>req-1</RequestId>
            </ErrorResponse>
            """;
        using var client = ClientAnswering(status, xml);

        var error = await Assert.ThrowsAsync<SnsException>(() => client.PublishAsync(AnyPublish(), TestContext.Current.CancellationToken));

        Assert.Equal((code, $"Something about {code}", status, transient), (error.ErrorCode, error.ServiceMessage, error.StatusCode, error.IsTransient));
    }

    [Fact]
    public async Task PublishAsync_NonXmlGatewayError_MapsToHttpStatusCodeAndIsTransient()
    {
        using var client = ClientAnswering(HttpStatusCode.BadGateway, "<html><body>Bad gateway");

        var error = await Assert.ThrowsAsync<SnsException>(() => client.PublishAsync(AnyPublish(), TestContext.Current.CancellationToken));

        Assert.Equal("Http502", error.ErrorCode);
        Assert.True(error.IsTransient);
        Assert.Contains("Bad gateway", error.ServiceMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishAsync_SuccessWithoutMessageId_ThrowsInvalidData()
    {
        using var client = ClientAnswering(HttpStatusCode.OK, "<PublishResponse><PublishResult/></PublishResponse>");

        await Assert.ThrowsAsync<InvalidDataException>(() => client.PublishAsync(AnyPublish(), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task PublishAsync_SendsSignedFormPostToTheConfiguredEndpoint()
    {
        var handler = new ScriptedHandler(HttpStatusCode.OK, """
            <PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
              <PublishResult><MessageId>m-42</MessageId></PublishResult>
            </PublishResponse>
            """);
        using var client = new SnsClient(new SnsClientOptions
        {
            Endpoint = new Uri("http://127.0.0.1:9/"),
            Region = "eu-west-1",
            Credentials = Credentials,
            HttpHandler = handler,
        });

        var response = await client.PublishAsync(AnyPublish(), TestContext.Current.CancellationToken);

        Assert.Equal("m-42", response.MessageId);
        var sent = Assert.Single(handler.Requests);
        Assert.Equal((HttpMethod.Post, new Uri("http://127.0.0.1:9/")), (sent.Method, sent.Uri));
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=a/", sent.Authorization, StringComparison.Ordinal);
        Assert.Contains("/eu-west-1/sns/aws4_request", sent.Authorization, StringComparison.Ordinal);
        Assert.StartsWith("Action=Publish&Version=2010-03-31&", sent.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("eu-west-1", null, null, "https://sns.eu-west-1.amazonaws.com/")]
    [InlineData("eu-west-1", null, "http://127.0.0.1:4566", "http://127.0.0.1:4566/")]
    [InlineData("eu-west-1", "http://127.0.0.1:8084", "http://127.0.0.1:4566", "http://127.0.0.1:8084/")]
    public void FromVariables_ResolvesEndpointInAwsOrder(string region, string? snsEndpoint, string? globalEndpoint, string expected)
    {
        var variables = new Dictionary<string, string?>
        {
            ["AWS_REGION"] = region,
            ["AWS_ENDPOINT_URL_SNS"] = snsEndpoint,
            ["AWS_ENDPOINT_URL"] = globalEndpoint,
            ["AWS_ENDPOINT_URL_SFN"] = "http://127.0.0.1:1111",
        };

        var options = SnsClientOptions.FromVariables(name => variables.GetValueOrDefault(name), () => Credentials);

        Assert.Equal((new Uri(expected), region), (options.Endpoint, options.Region));
    }

    [Fact]
    public void FromVariables_NoRegion_ExplainsWhatToSet()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SnsClientOptions.FromVariables(_ => null, () => Credentials));

        Assert.Contains("AWS_REGION", error.Message, StringComparison.Ordinal);
        Assert.Contains("SNS", error.Message, StringComparison.Ordinal);
    }

    private static PublishRequest AnyPublish() => new() { TopicArn = "arn:aws:sns:eu-west-1:123456789012:alerts", Message = "m" };

    private static SnsClient ClientAnswering(HttpStatusCode status, string body) => new(new SnsClientOptions
    {
        Endpoint = new Uri("http://127.0.0.1:9/"),
        Region = "us-east-1",
        Credentials = Credentials,
        HttpHandler = new ScriptedHandler(status, body),
    });

    private sealed record SentRequest(HttpMethod Method, Uri? Uri, string? Authorization, string Body);

    private sealed class ScriptedHandler(HttpStatusCode status, string body) : HttpMessageHandler
    {
        public List<SentRequest> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var sentBody = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Add(new SentRequest(
                request.Method,
                request.RequestUri,
                request.Headers.TryGetValues("Authorization", out var values) ? values.Single() : null,
                sentBody));
            return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "text/xml") };
        }
    }
}
