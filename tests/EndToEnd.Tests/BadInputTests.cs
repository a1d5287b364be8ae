using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using EndToEnd.Tests.Support;

namespace EndToEnd.Tests;

/// <summary>What API Gateway refuses before anything is queued: invalid bodies (400 with every problem), wrong media type (415), too large (413).</summary>
public sealed class BadInputTests(LocalRuntimeFixture runtime) : IClassFixture<LocalRuntimeFixture>, IAsyncLifetime
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    // Each test's refusals must leave the queue, the orders and the executions empty: this runtime only sees bad input.
    public async ValueTask DisposeAsync()
    {
        Assert.Equal(0, await runtime.Runtime.Services.OrdersQueue.CountAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, await runtime.Runtime.Services.OrdersQueue.CountDeadLettersAsync(TestContext.Current.CancellationToken));
        Assert.Empty(await runtime.Runtime.Services.Stores.ListOrdersAsync());
        Assert.Empty(await runtime.StepFunctions.ListExecutionsAsync(runtime.Runtime.Services.StateMachineArn, null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AnInvalidOrder_Gets400_ListingEveryProblemWithItsPointer()
    {
        var body = JsonNode.Parse(OrderRequests.Body())!.AsObject();
        body.Remove("customerId");
        body["lines"]![0]!["quantity"] = 0;
        body["lines"]!.AsArray().Add(new JsonObject { ["sku"] = "sku lower", ["quantity"] = 1 });
        body["payment"]!["cardNumber"] = "4242424242424242";
        body["shipping"]!["country"] = "USA";
        var orderId = OrderRequests.NewOrderId("invalid");

        using var response = await runtime.Orders.PostAsync(body.ToJsonString(), orderId, Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancellation))!;
        var pointers = problem["errors"]!.AsArray().Select(e => (string?)e!["pointer"]).ToList();
        Assert.All(problem["errors"]!.AsArray(), e => Assert.False(string.IsNullOrWhiteSpace((string?)e!["reason"])));
        Assert.Contains("/customerId", pointers);
        Assert.Contains("/lines/0/quantity", pointers);
        Assert.Contains("/lines/1/sku", pointers);
        Assert.Contains("/payment/cardNumber", pointers);
        Assert.Contains("/shipping/country", pointers);
        Assert.Null(await runtime.Orders.GetAsync(orderId, Cancellation));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"customerId\": \"c-1\",")]
    [InlineData("[]")]
    public async Task ABodyThatIsNotAnOrderObject_Gets400(string body)
    {
        using var response = await runtime.Orders.PostAsync(body, OrderRequests.NewOrderId("notjson"), Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEmpty(JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancellation))!["errors"]!.AsArray());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task AnOrderInAnotherMediaType_Gets415(string contentType)
    {
        using var response = await runtime.Orders.PostAsync(OrderRequests.Body(), OrderRequests.NewOrderId("mediatype"), Cancellation, contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task ABodyOverSixtyFourKiB_Gets413()
    {
        var body = OrderRequests.Body(customerId: "c-" + new string('x', 70 * 1024));

        using var response = await runtime.Orders.PostAsync(body, OrderRequests.NewOrderId("large"), Cancellation);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task AChunkedBodyOverSixtyFourKiB_WithNoContentLength_Gets413()
    {
        var bytes = Encoding.UTF8.GetBytes(OrderRequests.Body(customerId: "c-" + new string('x', 70 * 1024)));
        using var content = new StreamContent(new MemoryStream(bytes));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(runtime.Runtime.ApiEndpoint, "orders")) { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var http = new HttpClient();

        using var response = await http.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task AnIdempotencyKeyThatCannotBeAnExecutionName_Gets400()
    {
        using var response = await runtime.Orders.PostAsync(OrderRequests.Body(), "has spaces/and slashes", Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
