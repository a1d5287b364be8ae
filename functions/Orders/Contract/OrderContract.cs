using System.Text.Json.Serialization;

namespace ECommerce.Orders.Contract;

// The client's POST /orders body (components.schemas.CreateOrderRequest) and the saga's execution input.

public sealed record CreateOrderRequest(
    [property: JsonPropertyName("customerId")] string CustomerId,
    [property: JsonPropertyName("lines")] IReadOnlyList<OrderLine> Lines,
    [property: JsonPropertyName("payment")] PaymentDetails Payment,
    [property: JsonPropertyName("shipping")] ShippingAddress Shipping);

public sealed record OrderLine(
    [property: JsonPropertyName("sku")] string Sku,
    [property: JsonPropertyName("quantity")] int Quantity);

/// <summary>A payment gateway token (tok_...); card data never enters the system.</summary>
public sealed record PaymentDetails([property: JsonPropertyName("token")] string Token);

public sealed record ShippingAddress(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("line1")] string Line1,
    [property: JsonPropertyName("line2"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Line2,
    [property: JsonPropertyName("city")] string City,
    [property: JsonPropertyName("region"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Region,
    [property: JsonPropertyName("postalCode")] string PostalCode,
    [property: JsonPropertyName("country")] string Country);

/// <summary>The input of the order saga's execution (StartExecution name = orderId).</summary>
public sealed record SagaExecutionInput(
    [property: JsonPropertyName("orderId")] string OrderId,
    [property: JsonPropertyName("customerId")] string CustomerId,
    [property: JsonPropertyName("lines")] IReadOnlyList<OrderLine> Lines,
    [property: JsonPropertyName("payment")] PaymentDetails Payment,
    [property: JsonPropertyName("shipping")] ShippingAddress Shipping)
{
    public static SagaExecutionInput For(string orderId, CreateOrderRequest order) =>
        new(orderId, order.CustomerId, order.Lines, order.Payment, order.Shipping);
}
