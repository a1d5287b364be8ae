using System.Text.Json.Nodes;
using StatesLanguage.Integrations;

namespace StepFunctionsApi.Tests;

/// <summary>
/// The order saga's Lambdas, faked: each takes <c>delay</c>, answers like the real service would, declines
/// <c>tok_chargeDeclined</c>, and appends "orderId function" to a log once it completes (for the crash test).
/// </summary>
public sealed class FakeSagaLambdas(TimeSpan delay, string? completedLog = null) : ILambdaInvoker
{
    private static readonly Lock LogGate = new();

    public int Invocations => _invocations;

    private int _invocations;

    public async Task<LambdaInvocationResult> InvokeAsync(string functionName, string payloadJson, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _invocations);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, cancellationToken);
        }
        var payload = JsonNode.Parse(payloadJson) as JsonObject ?? [];
        var orderId = payload["orderId"]?.GetValue<string>() ?? "";
        var function = functionName.Split(':')[^1];
        var key = function == "RecordOrderStatus" ? function + ":" + payload["status"]?.GetValue<string>() : function;
        LambdaInvocationResult result = function switch
        {
            "ReserveInventory" => Ok(new JsonObject { ["orderId"] = orderId, ["lines"] = payload["lines"]?.DeepClone(), ["totalAmount"] = 3998, ["currency"] = "USD" }),
            "ChargePayment" when payload["paymentToken"]?.GetValue<string>() == "tok_chargeDeclined" =>
                LambdaInvocationResult.Failure("PaymentDeclined", "The card was declined"),
            "ChargePayment" => Ok(new JsonObject { ["orderId"] = orderId, ["chargeId"] = "ch_" + orderId, ["amount"] = 3998, ["currency"] = "USD" }),
            "ShipOrder" => Ok(new JsonObject { ["orderId"] = orderId, ["shipmentId"] = "sh_" + orderId, ["carrier"] = "SimulatedCarrier", ["trackingNumber"] = "TRK-" + orderId }),
            "ReleaseInventory" or "RefundPayment" or "CancelShipment" or "RecordOrderStatus" => Ok(new JsonObject { ["orderId"] = orderId }),
            _ => LambdaInvocationResult.NotFound(),
        };
        if (completedLog is not null)
        {
            lock (LogGate)
            {
                File.AppendAllText(completedLog, $"{orderId} {key}\n");
            }
        }
        return result;
    }

    private static LambdaInvocationResult Ok(JsonObject payload) => LambdaInvocationResult.Success(payload.ToJsonString());
}
