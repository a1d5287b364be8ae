namespace ECommerce.Bench.ColdStart;

/// <summary>How a service is published: the Native AOT <c>bootstrap</c>, or framework-dependent IL run by the JIT.</summary>
internal enum Build
{
    Aot,
    Jit,
}

/// <summary>
/// One service's benchmark invocation: the handler (_HANDLER), an event whose first answer is a /response, and whether
/// answering it calls DynamoDB (then the run needs moto_server). <c>$ORDER_ID</c> in the payload is replaced by a
/// fresh id per invocation, so every invocation takes the same first-time path.
/// </summary>
internal sealed record ColdStartScenario(string Service, string Name, string Handler, string PayloadTemplate, bool CallsDynamoDb)
{
    public string Payload(string orderId) => PayloadTemplate.Replace("$ORDER_ID", orderId, StringComparison.Ordinal);

    /// <summary>The table variable every service reads (Program.cs of each function).</summary>
    public static readonly IReadOnlyDictionary<string, string> TableVariables = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Orders"] = "ORDERS_TABLE",
        ["Inventory"] = "INVENTORY_TABLE",
        ["Payments"] = "PAYMENTS_TABLE",
        ["Shipping"] = "SHIPPING_TABLE",
    };

    public static readonly IReadOnlyList<ColdStartScenario> All =
    [
        // Validation answers 400 before the store is touched: the runtime, JSON and handler alone.
        new("Orders", "GetOrder, malformed id → 400 (no AWS call)", "GetOrder",
            """{"resource":"/orders/{orderId}","path":"/orders/bad id","httpMethod":"GET","pathParameters":{"orderId":"bad id $ORDER_ID"},"requestContext":{"requestId":"r-1","stage":"prod"},"isBase64Encoded":false}""",
            CallsDynamoDb: false),
        new("Orders", "GetOrder, unknown order → 404 (1 GetItem)", "GetOrder",
            """{"resource":"/orders/{orderId}","path":"/orders/$ORDER_ID","httpMethod":"GET","pathParameters":{"orderId":"$ORDER_ID"},"requestContext":{"requestId":"r-1","stage":"prod"},"isBase64Encoded":false}""",
            CallsDynamoDb: true),
        new("Shipping", "ShipOrder, new order → shipped (DynamoDB reads + writes)", "ShipOrder",
            """{"orderId":"$ORDER_ID","lines":[{"sku":"SKU-1","quantity":1}],"shipping":{"name":"A B","line1":"1 Main St","city":"Springfield","postalCode":"12345","country":"US"}}""",
            CallsDynamoDb: true),
        new("Payments", "ChargePayment, tok_visa → charged (DynamoDB reads + writes)", "ChargePayment",
            """{"orderId":"$ORDER_ID","amount":1999,"currency":"USD","paymentToken":"tok_visa"}""",
            CallsDynamoDb: true),
        new("Inventory", "ReleaseInventory, nothing reserved → no-op (DynamoDB read)", "ReleaseInventory",
            """{"orderId":"$ORDER_ID"}""",
            CallsDynamoDb: true),
    ];
}
