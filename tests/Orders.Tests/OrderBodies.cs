using System.Text.Json.Nodes;
using ECommerce.Runtime.Events;

namespace ECommerce.Orders.Tests;

/// <summary>Order bodies and SQS messages for tests: a valid order, and that order with one thing changed.</summary>
internal static class OrderBodies
{
    public const string Valid = """
        {"customerId": "c-1",
         "lines": [{"sku": "SKU-1", "quantity": 2}],
         "payment": {"token": "tok_visa"},
         "shipping": {"name": "A B", "line1": "1 Main St", "city": "Springfield", "postalCode": "12345", "country": "US"}}
        """;

    /// <summary>The valid order after <paramref name="change"/> edits it.</summary>
    public static string With(Action<JsonObject> change)
    {
        var order = JsonNode.Parse(Valid)!.AsObject();
        change(order);
        return order.ToJsonString();
    }

    public static JsonArray Lines(int count) =>
        [.. Enumerable.Range(1, count).Select(i => (JsonNode)new JsonObject { ["sku"] = $"SKU-{i}", ["quantity"] = 1 })];

    public static SqsMessage Message(string? orderId, string body, string? messageId = null) => new()
    {
        MessageId = messageId ?? Guid.NewGuid().ToString(),
        Body = body,
        MessageAttributes = orderId is null
            ? new Dictionary<string, SqsMessageAttribute>()
            : new Dictionary<string, SqsMessageAttribute> { ["orderId"] = new() { StringValue = orderId, DataType = "String" } },
        EventSource = "aws:sqs",
    };
}
