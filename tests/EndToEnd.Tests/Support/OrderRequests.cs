using System.Text.Json.Nodes;

namespace EndToEnd.Tests.Support;

/// <summary>Builds POST /orders bodies from the saga's test fixtures (SKUs, payment tokens, addresses).</summary>
public static class OrderRequests
{
    public const string ApprovedToken = "tok_visa";
    public const string DeclinedToken = "tok_chargeDeclined";
    public const string UnserviceableCountry = "AQ";

    /// <summary>A valid order body; every part can be swapped for a fixture that triggers a failure path.</summary>
    public static string Body(
        string token = ApprovedToken,
        string country = "US",
        string postalCode = "12345",
        string customerId = "c-e2e",
        params (string Sku, int Quantity)[] lines)
    {
        var orderLines = lines.Length == 0 ? [("SKU-1", 2)] : lines;
        return new JsonObject
        {
            ["customerId"] = customerId,
            ["lines"] = new JsonArray(orderLines.Select(l => (JsonNode)new JsonObject { ["sku"] = l.Sku, ["quantity"] = l.Quantity }).ToArray()),
            ["payment"] = new JsonObject { ["token"] = token },
            ["shipping"] = new JsonObject
            {
                ["name"] = "Ada Lovelace",
                ["line1"] = "1 Main St",
                ["city"] = "Springfield",
                ["postalCode"] = postalCode,
                ["country"] = country,
            },
        }.ToJsonString();
    }

    /// <summary>A fresh order id (the Idempotency-Key) that says which test made it.</summary>
    public static string NewOrderId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
