using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Reliability.Tests.Support;

namespace Reliability.Tests;

/// <summary>
/// Malformed POST /orders and GET /orders/{id} requests, table-driven: each gets a 4xx whose message names the
/// problem (the JSON pointer, or the header or limit at fault), and none of them queues or stores anything.
/// </summary>
public sealed class BadInputTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>
{
    private const string ValidOrderId = "bad-input-order";

    /// <summary>A refused POST: what is sent, the status expected and the words the answer must contain.</summary>
    public sealed record BadPost(Func<HttpContent> Content, int Status, string[] Expected, string? IdempotencyKey = ValidOrderId);

    public static readonly IReadOnlyDictionary<string, BadPost> Posts = new Dictionary<string, BadPost>(StringComparer.Ordinal)
    {
        // Not an order object at all
        ["empty body"] = Raw("", 400, "body is empty"),
        ["whitespace and empty lines only"] = Raw("  \n\n\t \n", 400, "not valid JSON"),
        ["truncated JSON"] = Raw("{\"customerId\": \"c-1\",", 400, "not valid JSON"),
        ["trailing comma"] = Raw("{\"customerId\": \"c-1\",}", 400, "not valid JSON"),
        ["JSON with a comment"] = Raw("{/* hi */ \"customerId\": \"c-1\"}", 400, "not valid JSON"),
        ["two JSON documents"] = Raw(Order() + Order(), 400, "not valid JSON"),
        ["JSON array instead of an object"] = Raw("[" + Order() + "]", 400, "object"),
        ["JSON string instead of an object"] = Raw("\"order\"", 400, "object"),
        ["JSON null"] = Raw("null", 400, "object"),
        ["JSON number"] = Raw("42", 400, "object"),
        ["deeply nested arrays (1000 levels)"] = Raw(Order(o => o["note"] = "X").Replace("\"X\"", new string('[', 1000) + new string(']', 1000), StringComparison.Ordinal),
            400, "not valid JSON"),
        ["nested object inside an extra field"] = Raw(Order(o => o["extra"] = Nest(30)), 400, "/extra"),

        // Missing and mistyped fields
        ["missing customerId"] = Edit(o => o.Remove("customerId"), "/customerId"),
        ["missing lines"] = Edit(o => o.Remove("lines"), "/lines"),
        ["missing payment"] = Edit(o => o.Remove("payment"), "/payment"),
        ["missing shipping"] = Edit(o => o.Remove("shipping"), "/shipping"),
        ["missing shipping country"] = Edit(o => o["shipping"]!.AsObject().Remove("country"), "/shipping/country"),
        ["customerId null"] = Edit(o => o["customerId"] = null, "/customerId"),
        ["customerId a number"] = Edit(o => o["customerId"] = 17, "/customerId"),
        ["customerId empty"] = Edit(o => o["customerId"] = "", "/customerId"),
        ["customerId with unicode"] = Edit(o => o["customerId"] = "cüstømer-1", "/customerId"),
        ["customerId 65 characters"] = Edit(o => o["customerId"] = new string('c', 65), "/customerId"),
        ["shipping a string"] = Edit(o => o["shipping"] = "1 Main St, Springfield", "/shipping"),

        // Lines
        ["lines an object, not an array"] = Edit(o => o["lines"] = new JsonObject { ["sku"] = "SKU-1", ["quantity"] = 1 }, "/lines"),
        ["no lines"] = Edit(o => o["lines"] = new JsonArray(), "/lines"),
        ["51 lines"] = Edit(o => o["lines"] = new JsonArray(Enumerable.Range(1, 51).Select(i => (JsonNode)Line($"SKU-{i}", 1)).ToArray()), "/lines"),
        ["line without sku"] = Edit(o => o["lines"]![0]!.AsObject().Remove("sku"), "/lines/0/sku"),
        ["line without quantity"] = Edit(o => o["lines"]![0]!.AsObject().Remove("quantity"), "/lines/0/quantity"),
        ["sku in lower case"] = Edit(o => o["lines"]![0]!["sku"] = "sku-1", "/lines/0/sku"),
        ["sku a number"] = Edit(o => o["lines"]![0]!["sku"] = 1, "/lines/0/sku"),
        ["duplicate SKUs"] = Edit(o => o["lines"]!.AsArray().Add(Line("SKU-3", 2)), "/lines/1/sku", "each SKU may appear once"),
        ["quantity zero"] = Edit(o => o["lines"]![0]!["quantity"] = 0, "/lines/0/quantity"),
        ["quantity negative"] = Edit(o => o["lines"]![0]!["quantity"] = -5, "/lines/0/quantity"),
        ["quantity over 1000"] = Edit(o => o["lines"]![0]!["quantity"] = 1001, "/lines/0/quantity"),
        ["quantity huge"] = Raw(Order().Replace("\"quantity\":1", "\"quantity\":99999999999999999999999999", StringComparison.Ordinal), 400, "/lines/0/quantity"),
        ["quantity a fraction"] = Edit(o => o["lines"]![0]!["quantity"] = 1.5, "/lines/0/quantity"),
        ["quantity a string"] = Edit(o => o["lines"]![0]!["quantity"] = "2", "/lines/0/quantity"),
        ["price on a line, as a string"] = Edit(o => o["lines"]![0]!["unitPrice"] = "0.01", "/lines/0/unitPrice"),
        ["total amount chosen by the client"] = Edit(o => o["totalAmount"] = "1", "/totalAmount"),

        // Payment data: a token only, never card data
        ["raw card number field in payment"] = Edit(o => o["payment"]!["cardNumber"] = "4111111111111111", "/payment/cardNumber"),
        ["card object at the root"] = Edit(o => o["card"] = new JsonObject { ["number"] = "5555555555554444", ["cvc"] = "123" }, "/card"),
        ["card number as the token"] = Edit(o => o["payment"]!["token"] = "4242424242424242", "/payment/token"),
        ["token with a control character"] = Edit(o => o["payment"]!["token"] = "tok_visa\u0000", "/payment/token"),
        ["token missing"] = Edit(o => o["payment"]!.AsObject().Remove("token"), "/payment/token"),

        // Shipping
        ["name with a control character"] = Edit(o => o["shipping"]!["name"] = "Grace\u0007Hopper", "/shipping/name"),
        ["name with a line break"] = Edit(o => o["shipping"]!["name"] = "Grace\nHopper", "/shipping/name"),
        ["name 101 characters"] = Edit(o => o["shipping"]!["name"] = new string('n', 101), "/shipping/name"),
        ["empty line2"] = Edit(o => o["shipping"]!["line2"] = "", "/shipping/line2"),
        ["country in lower case"] = Edit(o => o["shipping"]!["country"] = "us", "/shipping/country"),
        ["country of three letters"] = Edit(o => o["shipping"]!["country"] = "USA", "/shipping/country"),
        ["postal code in full-width digits"] = Edit(o => o["shipping"]!["postalCode"] = "２２２０１", "/shipping/postalCode"),
        ["phone number (an extra shipping field)"] = Edit(o => o["shipping"]!["phone"] = "555-0100", "/shipping/phone"),
        ["customerId given twice"] = Raw(Order().Replace("{\"customerId\"", "{\"customerId\":\"c-0\",\"customerId\"", StringComparison.Ordinal), 400,
            "/customerId", "more than once"),

        // Transport: size, media type, encoding, headers
        ["1 MB body"] = Raw(Order(o => o["customerId"] = new string('c', 1024 * 1024)), 413, "larger than 65536"),
        ["text/plain content type"] = new(() => new StringContent(Order(), Encoding.UTF8, "text/plain"), 415, ["Content-Type must be application/json"]),
        ["XML content type"] = new(() => new StringContent("<order/>", Encoding.UTF8, "application/xml"), 415, ["Content-Type must be application/json"]),
        ["no content type"] = new(() => new ByteArrayContent(Encoding.UTF8.GetBytes(Order())), 415, ["Content-Type must be application/json"]),
        ["invalid UTF-8"] = new(() => Json([.. Encoding.UTF8.GetBytes("{\"customerId\": \"c-"), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes("\"}")]), 400,
            ["not valid UTF-8"]),
        ["Idempotency-Key with spaces and slashes"] = new(() => Json(Order()), 400, ["Idempotency-Key"], "has spaces/and slashes"),
        ["Idempotency-Key of path traversal"] = new(() => Json(Order()), 400, ["Idempotency-Key"], "../../etc/passwd"),
        ["Idempotency-Key of 81 characters"] = new(() => Json(Order()), 400, ["Idempotency-Key"], new string('k', 81)),
    };

    /// <summary>
    /// GET ids as they appear in the URL path, with the status expected and the words the answer's message (or, when
    /// the server refuses the request line itself, its reason phrase) must contain.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (string Path, int Status, string Expected)> Gets =
        new Dictionary<string, (string, int, string)>(StringComparer.Ordinal)
        {
            ["space in the id"] = ("orders/a%20b", 400, "Invalid order id"),
            ["encoded path traversal"] = ("orders/..%2F..%2Fetc%2Fpasswd", 400, "Invalid order id"),
            ["encoded dots and slash"] = ("orders/%2E%2E%2Forders.db", 400, "Invalid order id"),
            ["81 characters"] = ("orders/" + new string('o', 81), 400, "Invalid order id"),
            // Kestrel refuses these before routing, with the status line alone (8 KiB request line; a NUL in the path).
            ["10,000 characters"] = ("orders/" + new string('o', 10_000), 414, "URI Too Long"),
            ["unicode"] = ("orders/ord%C3%A9r-1", 400, "Invalid order id"),
            ["a dot"] = ("orders/order.json", 400, "Invalid order id"),
            ["NUL byte"] = ("orders/a%00b", 400, "Bad Request"),
            ["SQL"] = ("orders/x'%20OR%20'1'%3D'1", 400, "Invalid order id"),
            ["well-formed but unknown"] = ("orders/no-such-order", 404, "not found"),
        };

    public static TheoryData<string> PostCases => [.. Posts.Keys];

    public static TheoryData<string> GetCases => [.. Gets.Keys];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(PostCases))]
    public async Task PostOrders_MalformedRequest_Gets4xxNamingTheProblem_AndQueuesNothing(string name)
    {
        var bad = Posts[name];

        using var response = await fixture.Runtime.PostOrderAsync(bad.Content(), bad.IdempotencyKey, Cancellation);

        var text = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(bad.Status == (int)response.StatusCode, $"{name}: expected {bad.Status}, got {(int)response.StatusCode}: {text}");
        var message = JsonNode.Parse(text)!;
        Assert.False(string.IsNullOrWhiteSpace((string?)message["message"]), $"{name}: no message in {text}");
        Assert.All(bad.Expected, expected => Assert.Contains(expected, text, StringComparison.Ordinal));
        await AssertNothingQueuedOrStoredAsync();
    }

    [Theory]
    [MemberData(nameof(GetCases))]
    public async Task GetOrder_MalformedOrUnknownId_Gets4xxNamingTheProblem(string name)
    {
        var (path, status, expected) = Gets[name];

        using var response = await fixture.Runtime.Api.GetAsync(path, Cancellation);

        var text = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(status == (int)response.StatusCode, $"{name}: expected {status}, got {(int)response.StatusCode}: {text}");
        var reason = text.Length > 0 ? (string?)JsonNode.Parse(text)!["message"] : response.ReasonPhrase;
        Assert.Contains(expected, reason ?? "", StringComparison.Ordinal);
        await AssertNothingQueuedOrStoredAsync();
    }

    [Fact]
    public void TheTable_HoldsAtLeastFortyBadPostsAndTenBadGets()
    {
        Assert.True(Posts.Count >= 40, $"{Posts.Count} POST cases");
        Assert.True(Gets.Count >= 10, $"{Gets.Count} GET cases");
    }

    private async Task AssertNothingQueuedOrStoredAsync()
    {
        var services = fixture.Runtime.Services;
        Assert.Equal(0, await services.OrdersQueue.CountAsync(Cancellation));
        Assert.Equal(0, await services.OrdersQueue.CountDeadLettersAsync(Cancellation));
        Assert.Empty(await services.Stores.ListOrdersAsync());
        Assert.Empty(await fixture.Runtime.ExecutionsAsync(Cancellation));
    }

    private static string Order(Action<JsonObject>? edit = null) => Support.TestRuntime.OrderBody(edit: edit).ToJsonString();

    private static JsonObject Line(string sku, int quantity) => new() { ["sku"] = sku, ["quantity"] = quantity };

    private static JsonNode Nest(int depth) => depth == 0 ? "deep" : new JsonObject { ["n"] = Nest(depth - 1) };

    private static BadPost Edit(Action<JsonObject> edit, params string[] expected) => Raw(Order(edit), 400, expected);

    private static BadPost Raw(string body, int status, params string[] expected) => new(() => Json(Encoding.UTF8.GetBytes(body)), status, expected);

    private static ByteArrayContent Json(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static ByteArrayContent Json(string body) => Json(Encoding.UTF8.GetBytes(body));
}
