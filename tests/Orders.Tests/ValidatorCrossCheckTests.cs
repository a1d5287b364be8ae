using System.Text.Json.Nodes;
using ECommerce.Orders.Validation;

namespace ECommerce.Orders.Tests;

/// <summary>
/// Holds the hand-written validator against NJsonSchema on the contract schema. Bodies whose verdicts differ by design
/// are left out: rules beyond the schema (distinct SKUs, repeated members, size), '$' before a final newline
/// (ECMA-262 semantics here, .NET's there) and "2.0" as an integer (draft-04 says it is not).
/// </summary>
public sealed class ValidatorCrossCheckTests
{
    private static readonly Lazy<NJsonSchema.JsonSchema> Reference = new(
        () => NJsonSchema.JsonSchema.FromJsonAsync(OrderRequestValidator.LoadContractSchema().GetRawText()).GetAwaiter().GetResult());

    public static TheoryData<string, string> Bodies()
    {
        var data = new TheoryData<string, string>
        {
            { "valid contract example", OrderBodies.Valid },
            { "with line2 and region", OrderBodies.With(o => { o["shipping"]!["line2"] = "Apt 1"; o["shipping"]!["region"] = "CA"; }) },
            { "fifty lines", OrderBodies.With(o => o["lines"] = OrderBodies.Lines(50)) },
            { "fifty-one lines", OrderBodies.With(o => o["lines"] = OrderBodies.Lines(51)) },
            { "no lines", OrderBodies.With(o => o["lines"] = new JsonArray()) },
            { "lines not an array", OrderBodies.With(o => o["lines"] = "SKU-1") },
            { "quantity 0", OrderBodies.With(o => o["lines"]![0]!["quantity"] = 0) },
            { "quantity -1", OrderBodies.With(o => o["lines"]![0]!["quantity"] = -1) },
            { "quantity 1000", OrderBodies.With(o => o["lines"]![0]!["quantity"] = 1000) },
            { "quantity 1001", OrderBodies.With(o => o["lines"]![0]!["quantity"] = 1001) },
            { "quantity 1.5", OrderBodies.With(o => o["lines"]![0]!["quantity"] = 1.5) },
            { "quantity string", OrderBodies.With(o => o["lines"]![0]!["quantity"] = "2") },
            { "sku lower case", OrderBodies.With(o => o["lines"]![0]!["sku"] = "sku-1") },
            { "sku 64 chars", OrderBodies.With(o => o["lines"]![0]!["sku"] = "S" + new string('1', 63)) },
            { "sku 65 chars", OrderBodies.With(o => o["lines"]![0]!["sku"] = "S" + new string('1', 64)) },
            { "line missing sku", OrderBodies.With(o => o["lines"]![0]!.AsObject().Remove("sku")) },
            { "line extra field", OrderBodies.With(o => o["lines"]![0]!["price"] = 5) },
            { "missing customerId", OrderBodies.With(o => o.Remove("customerId")) },
            { "customerId 64 chars", OrderBodies.With(o => o["customerId"] = new string('c', 64)) },
            { "customerId 65 chars", OrderBodies.With(o => o["customerId"] = new string('c', 65)) },
            { "customerId with space", OrderBodies.With(o => o["customerId"] = "c 1") },
            { "customerId number", OrderBodies.With(o => o["customerId"] = 7) },
            { "card number field", OrderBodies.With(o => o["payment"]!["cardNumber"] = "4242424242424242") },
            { "token without prefix", OrderBodies.With(o => o["payment"]!["token"] = "visa_123") },
            { "token too short", OrderBodies.With(o => o["payment"]!["token"] = "tok_") },
            { "payment missing", OrderBodies.With(o => o.Remove("payment")) },
            { "country lower case", OrderBodies.With(o => o["shipping"]!["country"] = "us") },
            { "country three letters", OrderBodies.With(o => o["shipping"]!["country"] = "USA") },
            { "postal code 17 chars", OrderBodies.With(o => o["shipping"]!["postalCode"] = new string('1', 17)) },
            { "name with control char", OrderBodies.With(o => o["shipping"]!["name"] = "A\u0001B") },
            { "name unicode", OrderBodies.With(o => o["shipping"]!["name"] = "Zoë Ångström 😀") },
            { "city empty", OrderBodies.With(o => o["shipping"]!["city"] = "") },
            { "shipping extra field", OrderBodies.With(o => o["shipping"]!["phone"] = "555") },
            { "root extra field", OrderBodies.With(o => o["coupon"] = "X") },
            { "root array", "[]" },
            { "identical lines", OrderBodies.With(o => o["lines"] = new JsonArray(
                new JsonObject { ["sku"] = "SKU-1", ["quantity"] = 1 }, new JsonObject { ["sku"] = "SKU-1", ["quantity"] = 1 })) },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Validate_AgreesWithNJsonSchema(string description, string body)
    {
        var expectedValid = Reference.Value.Validate(body).Count == 0;

        var result = OrderRequestValidator.Default.Validate(body);

        Assert.True(expectedValid == (result.Problems.Count == 0), $"{description}: NJsonSchema valid={expectedValid}, ours: {result.Describe()}");
    }

    [Fact]
    public void CrossCheck_CoversBothVerdicts()
    {
        var verdicts = Bodies().Select(row => Reference.Value.Validate(row.Data.Item2).Count == 0).ToArray();

        Assert.True(verdicts.Length >= 30);
        Assert.Contains(true, verdicts);
        Assert.Contains(false, verdicts);
    }
}
