using System.Text.Json;
using ECommerce.Orders.Domain;
using ECommerce.Orders.Storage;
using ECommerce.Runtime;
using ECommerce.Runtime.Events;
using Moq;

namespace ECommerce.Orders.Tests;

public sealed class GetOrderTests
{
    private readonly InMemoryOrderStore _store = new();

    private async Task<ApiGatewayProxyResponse> GetAsync(string? orderId)
    {
        var registry = OrdersFunctions.CreateRegistry(_store, Mock.Of<IExecutionStarter>(), Mock.Of<IAlertPublisher>(), TimeProvider.System, TextWriter.Null);
        var request = new ApiGatewayProxyRequest
        {
            Resource = "/orders/{orderId}",
            HttpMethod = "GET",
            PathParameters = orderId is null ? null : new Dictionary<string, string> { ["orderId"] = orderId },
        };
        var response = await registry.InvokeAsync(
            OrdersFunctions.GetOrder,
            JsonSerializer.Serialize(request, RuntimeJsonContext.Default.ApiGatewayProxyRequest),
            LambdaContext.ForLocalInvocation("orders", TimeSpan.FromSeconds(3)),
            CancellationToken.None);
        return JsonSerializer.Deserialize(response, RuntimeJsonContext.Default.ApiGatewayProxyResponse)!;
    }

    [Fact]
    public async Task GetOrder_Existing_Returns200WithEveryField()
    {
        var at = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        await _store.TryCreateAsync(
            new Order { OrderId = "o-1", Status = OrderStatus.Pending, CustomerId = "c-1", Lines = [new("SKU-1", 2)], CreatedAt = at, UpdatedAt = at },
            CancellationToken.None);

        var response = await GetAsync("o-1");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("application/json", response.Headers!["Content-Type"]);
        Assert.Equal(
            """{"orderId":"o-1","status":"PENDING","reason":null,"customerId":"c-1","lines":[{"sku":"SKU-1","quantity":2}],"totalAmount":null,"currency":null,"createdAt":"2026-11-23T12:00:00+00:00","updatedAt":"2026-11-23T12:00:00+00:00","executionArn":null}""",
            response.Body);
    }

    [Fact]
    public async Task GetOrder_Unknown_Returns404WithMessage()
    {
        var response = await GetAsync("nobody");

        Assert.Equal(404, response.StatusCode);
        Assert.Equal("""{"message":"Order \u0027nobody\u0027 not found"}""", response.Body);
    }

    [Theory]
    [InlineData("bad id")]
    [InlineData("")]
    [InlineData(null)]
    public async Task GetOrder_MalformedId_Returns400(string? orderId)
    {
        var response = await GetAsync(orderId);

        Assert.Equal(400, response.StatusCode);
        Assert.Contains("Invalid order id", response.Body, StringComparison.Ordinal);
    }
}
