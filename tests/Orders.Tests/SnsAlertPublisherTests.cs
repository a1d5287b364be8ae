using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using ECommerce.Orders.Alerts;
using ECommerce.Orders.Contract;
using ECommerce.Orders.Domain;
using ECommerce.Runtime;
using ECommerce.Runtime.Sns;
using ECommerce.TestSupport;

namespace ECommerce.Orders.Tests;

/// <summary>The SNS adapter of IAlertPublisher against moto's SNS, and its error mapping over a scripted transport.</summary>
public sealed class SnsAlertPublisherTests(MotoServerFixture moto) : IClassFixture<MotoServerFixture>
{
    private static readonly OrderNeedsAttentionAlert Alert = new(
        "o-1", "arn:aws:states:us-east-1:123456789012:execution:order-saga:o-1", "FAILED", "PaymentGatewayUnavailable", "refunds down");

    [Fact]
    public async Task PublishAsync_ToTheAlertsTopic_SendsTheAlertJsonSubjectAndEventTypeAttribute()
    {
        var ct = TestContext.Current.CancellationToken;
        using var sns = new SnsClient(new SnsClientOptions { Endpoint = moto.Endpoint, Region = MotoServerFixture.Region, Credentials = moto.Credentials });
        var topic = await sns.CreateTopicAsync(MotoServerFixture.UniqueName("alerts"), ct);

        await new SnsAlertPublisher(sns, topic.TopicArn).PublishAsync(Alert, ct);

        using var http = new HttpClient();
        using var data = JsonDocument.Parse(await http.GetStringAsync(new Uri(moto.Endpoint, "moto-api/data.json"), ct));
        var sent = Assert.Single(data.RootElement.GetProperty("sns").GetProperty("Topic").EnumerateArray()
            .Single(candidate => candidate.GetProperty("arn").GetString() == topic.TopicArn)
            .GetProperty("sent_notifications").EnumerateArray());
        Assert.Equal(Alert.ToMessageJson(), sent[1].GetString());
        Assert.Equal("Order needs attention", sent[2].GetString());
        Assert.Equal("OrderNeedsAttention", sent[3].GetProperty("eventType").GetProperty("Value").GetString());
    }

    [Fact]
    public async Task PublishAsync_TopicDoesNotExist_FailsWithAwsErrorNameNotFound()
    {
        using var sns = new SnsClient(new SnsClientOptions { Endpoint = moto.Endpoint, Region = MotoServerFixture.Region, Credentials = moto.Credentials });
        var publisher = new SnsAlertPublisher(sns, "arn:aws:sns:us-east-1:123456789012:no-such-topic");

        var error = await Assert.ThrowsAsync<FunctionErrorException>(() => publisher.PublishAsync(Alert, TestContext.Current.CancellationToken));

        Assert.Equal(("NotFound", false), (error.ErrorType, error.IsTransient));
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "Throttled")]
    [InlineData(HttpStatusCode.InternalServerError, "InternalError")]
    public async Task PublishAsync_TransientSnsError_FailsAsAlertsUnavailable(HttpStatusCode status, string code)
    {
        using var sns = ScriptedClient(new HttpResponseMessage(status)
        {
            Content = new StringContent($"<ErrorResponse><Error><Code>{code}</Code><Message>slow down</Message></Error></ErrorResponse>", Encoding.UTF8, "text/xml"),
        });

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(
            () => new SnsAlertPublisher(sns, "arn:aws:sns:us-east-1:123456789012:alerts").PublishAsync(Alert, TestContext.Current.CancellationToken));

        Assert.Equal((DependencyUnavailableException.AlertsUnavailable, true), (error.ErrorType, error.IsTransient));
    }

    [Fact]
    public async Task PublishAsync_SnsUnreachable_FailsAsAlertsUnavailable()
    {
        using var sns = new SnsClient(new SnsClientOptions
        {
            Endpoint = new Uri($"http://127.0.0.1:{FreeTcpPort.Next()}/"),
            Region = "us-east-1",
            Credentials = new BasicAWSCredentials("a", "b"),
        });

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(
            () => new SnsAlertPublisher(sns, "arn:aws:sns:us-east-1:123456789012:alerts").PublishAsync(Alert, TestContext.Current.CancellationToken));

        Assert.Equal(DependencyUnavailableException.AlertsUnavailable, error.ErrorType);
    }

    [Fact]
    public async Task PublishAsync_NoTopicConfigured_SaysWhichSettingIsMissing()
    {
        using var sns = ScriptedClient(new HttpResponseMessage(HttpStatusCode.OK));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new SnsAlertPublisher(sns, string.Empty).PublishAsync(Alert, TestContext.Current.CancellationToken));

        Assert.Contains("ALERTS_TOPIC_ARN", error.Message, StringComparison.Ordinal);
    }

    private static SnsClient ScriptedClient(HttpResponseMessage response) => new(new SnsClientOptions
    {
        Endpoint = new Uri("http://127.0.0.1:9/"),
        Region = "us-east-1",
        Credentials = new BasicAWSCredentials("a", "b"),
        HttpHandler = new FixedResponseHandler(response),
    });

    private sealed class FixedResponseHandler(HttpResponseMessage response) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(response);
    }
}
