using System.Text.Json.Nodes;
using ECommerce.Orders.Validation;

namespace ECommerce.Orders.Tests;

public sealed class OrderRequestValidatorTests
{
    private static OrderValidationResult Validate(string body) => OrderRequestValidator.Default.Validate(body);

    private static void AssertSingleProblem(string body, string pointer, string reasonFragment)
    {
        var result = Validate(body);
        Assert.False(result.IsValid);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(pointer, problem.Pointer);
        Assert.Contains(reasonFragment, problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ContractExample_IsValidAndParsed()
    {
        var result = Validate(OrderBodies.Valid);

        Assert.True(result.IsValid, result.Describe());
        Assert.Equal("c-1", result.Order!.CustomerId);
        Assert.Equal("SKU-1", Assert.Single(result.Order.Lines).Sku);
        Assert.Null(result.Order.Shipping.Line2);
    }

    [Fact]
    public void Validate_OptionalAddressFieldsPresent_IsValid() =>
        Assert.True(Validate(OrderBodies.With(o => { o["shipping"]!["line2"] = "Apt 4"; o["shipping"]!["region"] = "IL"; })).IsValid);

    [Theory]
    [InlineData("{\"customerId\": ")]
    [InlineData("not json at all")]
    [InlineData("{\"a\":1} trailing")]
    public void Validate_MalformedJson_OneProblemAtTheRoot(string body) => AssertSingleProblem(body, "", "not valid JSON");

    [Fact]
    public void Validate_EmptyBody_OneProblemAtTheRoot() => AssertSingleProblem("", "", "empty");

    [Fact]
    public void Validate_NotAnObject_TypeProblem() => AssertSingleProblem("[1]", "", "must be of type object");

    [Fact]
    public void Validate_MissingFields_EachNamedByPointer()
    {
        var result = Validate("""{"lines": [{"quantity": 1}], "shipping": {"name": "A"}}""");

        Assert.Equal(
            ["/customerId", "/lines/0/sku", "/payment", "/shipping/city", "/shipping/country", "/shipping/line1", "/shipping/postalCode"],
            result.Problems.Select(p => p.Pointer).Order(StringComparer.Ordinal));
        Assert.All(result.Problems, p => Assert.Equal("is required", p.Reason));
    }

    [Theory]
    [InlineData(0, "must be at least 1")]
    [InlineData(-3, "must be at least 1")]
    [InlineData(1001, "must be at most 1000")]
    public void Validate_QuantityOutOfRange_NamedProblem(int quantity, string reason) =>
        AssertSingleProblem(OrderBodies.With(o => o["lines"]![0]!["quantity"] = quantity), "/lines/0/quantity", reason);

    [Theory]
    [InlineData("1.5")]
    [InlineData("2.0")]
    [InlineData("\"2\"")]
    [InlineData("1e2")]
    public void Validate_QuantityNotAnInteger_TypeProblem(string quantity) =>
        AssertSingleProblem(OrderBodies.Valid.Replace("\"quantity\": 2", $"\"quantity\": {quantity}", StringComparison.Ordinal), "/lines/0/quantity", "integer");

    [Fact]
    public void Validate_RawCardNumber_RefusedWithoutEchoingIt()
    {
        var result = Validate(OrderBodies.With(o => o["payment"]!["cardNumber"] = "4242424242424242"));

        Assert.All(result.Problems, problem => Assert.Equal("/payment/cardNumber", problem.Pointer));
        Assert.Equal(["is not an allowed field", "looks like a card number; send a payment token (tok_...), never card data"],
            result.Problems.Select(problem => problem.Reason));
        Assert.DoesNotContain("4242", result.Describe(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/giftWrap")]
    [InlineData("/lines/0/price")]
    [InlineData("/shipping/phone")]
    public void Validate_UnknownFieldAnywhere_Refused(string pointer)
    {
        var body = pointer switch
        {
            "/giftWrap" => OrderBodies.With(o => o["giftWrap"] = true),
            "/lines/0/price" => OrderBodies.With(o => o["lines"]![0]!["price"] = 1),
            _ => OrderBodies.With(o => o["shipping"]!["phone"] = "555"),
        };

        AssertSingleProblem(body, pointer, "not an allowed field");
    }

    [Fact]
    public void Validate_TooManyLines_OversizedOrderProblem() =>
        AssertSingleProblem(OrderBodies.With(o => o["lines"] = OrderBodies.Lines(51)), "/lines", "at most 50 item(s)");

    [Fact]
    public void Validate_FiftyLines_IsValid() => Assert.True(Validate(OrderBodies.With(o => o["lines"] = OrderBodies.Lines(50))).IsValid);

    [Fact]
    public void Validate_NoLines_Refused() => AssertSingleProblem(OrderBodies.With(o => o["lines"] = new JsonArray()), "/lines", "at least 1 item(s)");

    [Fact]
    public void Validate_BodyOver64KiB_RefusedBeforeParsing()
    {
        var body = OrderBodies.With(o => o["shipping"]!["name"] = new string('x', OrderRequestValidator.MaxBodyBytes));

        AssertSingleProblem(body, "", "at most 65536");
    }

    [Fact]
    public void Validate_DuplicateSkusWithDifferentQuantities_NamedProblem()
    {
        var body = OrderBodies.With(o => o["lines"] = new JsonArray(
            new JsonObject { ["sku"] = "SKU-1", ["quantity"] = 1 },
            new JsonObject { ["sku"] = "SKU-2", ["quantity"] = 1 },
            new JsonObject { ["sku"] = "SKU-1", ["quantity"] = 3 }));

        AssertSingleProblem(body, "/lines/2/sku", "repeats the SKU of /lines/0");
    }

    [Fact]
    public void Validate_IdenticalLines_BothUniqueItemsAndDuplicateSku()
    {
        var body = OrderBodies.With(o => o["lines"] = new JsonArray(
            new JsonObject { ["sku"] = "SKU-1", ["quantity"] = 1 },
            new JsonObject { ["sku"] = "SKU-1", ["quantity"] = 1 }));

        Assert.Equal(["/lines/1", "/lines/1/sku"], Validate(body).Problems.Select(p => p.Pointer));
    }

    [Fact]
    public void Validate_RepeatedMember_Refused() =>
        AssertSingleProblem(OrderBodies.Valid.Replace("{\"customerId\": \"c-1\",", "{\"customerId\": \"c-1\", \"customerId\": \"c-2\",", StringComparison.Ordinal), "/customerId", "more than once");

    [Theory]
    [InlineData("customerId", "bad id!", "/customerId")]
    [InlineData("customerId", "", "/customerId")]
    [InlineData("customerId", "c-1\n", "/customerId")]
    public void Validate_BadCustomerId_Refused(string field, string value, string pointer)
    {
        var result = Validate(OrderBodies.With(o => o[field] = value));

        Assert.NotEmpty(result.Problems);
        Assert.All(result.Problems, p => Assert.Equal(pointer, p.Pointer));
    }

    [Theory]
    [InlineData("sku-1")]
    [InlineData("-SKU")]
    [InlineData("SKU 1")]
    public void Validate_BadSku_PatternProblem(string sku) =>
        AssertSingleProblem(OrderBodies.With(o => o["lines"]![0]!["sku"] = sku), "/lines/0/sku", "must match the pattern");

    [Theory]
    [InlineData("visa")]
    [InlineData("tok_")]
    [InlineData("tok_ab cd")]
    public void Validate_PaymentNotAGatewayToken_Refused(string token)
    {
        var result = Validate(OrderBodies.With(o => o["payment"]!["token"] = token));

        Assert.NotEmpty(result.Problems);
        Assert.All(result.Problems, p => Assert.Equal("/payment/token", p.Pointer));
    }

    [Theory]
    [InlineData("country", "USA")]
    [InlineData("country", "us")]
    [InlineData("postalCode", "12345678901234567")]
    [InlineData("name", "A\u0007B")]
    [InlineData("city", "")]
    public void Validate_BadAddressField_Refused(string field, string value)
    {
        var result = Validate(OrderBodies.With(o => o["shipping"]![field] = value));

        Assert.NotEmpty(result.Problems);
        Assert.All(result.Problems, p => Assert.Equal($"/shipping/{field}", p.Pointer));
    }

    [Fact]
    public void Validate_ManyProblems_AllListed()
    {
        var result = Validate("""{"customerId": 5, "lines": [{"sku": "SKU-1", "quantity": 0}], "payment": {"token": "tok_visa", "pan": "4111"}, "extra": 1}""");

        Assert.Equal(
            ["/customerId", "/extra", "/lines/0/quantity", "/payment/pan", "/shipping"],
            result.Problems.Select(p => p.Pointer).Order(StringComparer.Ordinal));
    }
}
