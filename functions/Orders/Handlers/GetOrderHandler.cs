using System.Text.Json;
using ECommerce.Orders.Contract;
using ECommerce.Orders.Domain;
using ECommerce.Runtime.Events;

namespace ECommerce.Orders.Handlers;

/// <summary>GET /orders/{orderId} behind API Gateway's proxy integration.</summary>
public sealed class GetOrderHandler(IOrderStore store)
{
    private static readonly Dictionary<string, string> JsonHeaders = new() { ["Content-Type"] = "application/json" };

    public async Task<ApiGatewayProxyResponse> HandleAsync(ApiGatewayProxyRequest request, CancellationToken cancellationToken)
    {
        var orderId = request.PathParameters?.GetValueOrDefault("orderId");
        if (!OrderId.IsValid(orderId))
        {
            return Message(400, "Invalid order id: expected 1-80 characters of A-Z, a-z, 0-9, '_' or '-'");
        }

        var order = await store.GetAsync(orderId!, cancellationToken).ConfigureAwait(false);
        return order is null
            ? Message(404, $"Order '{orderId}' not found")
            : Json(200, JsonSerializer.Serialize(OrderView.From(order), OrdersJsonContext.Default.OrderView));
    }

    private static ApiGatewayProxyResponse Message(int statusCode, string message) =>
        Json(statusCode, JsonSerializer.Serialize(new ApiMessage(message), OrdersJsonContext.Default.ApiMessage));

    private static ApiGatewayProxyResponse Json(int statusCode, string body) =>
        new() { StatusCode = statusCode, Headers = JsonHeaders, Body = body };
}
