using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace StepFunctionsApi.Tests;

/// <summary>statemachines/order-saga.asl.json with its ${...} placeholders bound to fake Lambda and topic ARNs.</summary>
public static partial class OrderSaga
{
    public const string Name = "OrderSaga";
    public const string RoleArn = "arn:aws:iam::123456789012:role/OrderSagaRole";
    public const string MachineArn = "arn:aws:states:us-east-1:123456789012:stateMachine:OrderSaga";

    public static string MocksPath => Path.Combine(AppContext.BaseDirectory, "order-saga.mocks.json");

    public static string Definition { get; } = Placeholder().Replace(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "order-saga.asl.json")),
        m => m.Groups[1].Value.EndsWith("FunctionArn", StringComparison.Ordinal)
            ? "arn:aws:lambda:us-east-1:123456789012:function:" + m.Groups[1].Value[..^"FunctionArn".Length]
            : "arn:aws:sns:us-east-1:123456789012:order-events");

    /// <summary>An order input; <paramref name="declined"/> uses the test token the fake gateway declines.</summary>
    public static string Input(string orderId, bool declined = false) => new JsonObject
    {
        ["orderId"] = orderId,
        ["customerId"] = "c-1",
        ["lines"] = new JsonArray(new JsonObject { ["sku"] = "SKU-1", ["quantity"] = 2 }),
        ["payment"] = new JsonObject { ["token"] = declined ? "tok_chargeDeclined" : "tok_visa" },
        ["shipping"] = new JsonObject { ["name"] = "A B", ["line1"] = "1 Main St", ["city"] = "Springfield", ["postalCode"] = "12345", ["country"] = "US" },
    }.ToJsonString();

    [GeneratedRegex(@"\$\{(\w+)\}")]
    private static partial Regex Placeholder();
}
