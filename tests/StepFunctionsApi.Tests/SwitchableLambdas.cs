using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using StatesLanguage.Integrations;

namespace StepFunctionsApi.Tests;

/// <summary>
/// Lambdas for redrive tests: <c>Step</c> always succeeds; <c>Flaky</c> fails with <c>Boom</c> while
/// <see cref="Failing"/> is set; <c>Item</c> fails likewise but only for the Map item 2. Every call is counted by
/// function name and, for <c>Item</c>, by item (<c>Item:2</c>).
/// </summary>
public sealed class SwitchableLambdas : ILambdaInvoker
{
    public const string FunctionArnPrefix = "arn:aws:lambda:us-east-1:123456789012:function:";

    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

    private volatile bool _failing = true;

    public bool Failing
    {
        get => _failing;
        set => _failing = value;
    }

    public int Calls(string key) => _calls.GetValueOrDefault(key);

    public Task<LambdaInvocationResult> InvokeAsync(string functionName, string payloadJson, CancellationToken cancellationToken)
    {
        var function = functionName.Split(':')[^1];
        var payload = JsonNode.Parse(payloadJson);
        var key = function == "Item" ? "Item:" + payload?.ToJsonString() : function;
        _calls.AddOrUpdate(key, 1, (_, n) => n + 1);
        var fails = Failing && (function == "Flaky" || (function == "Item" && payload?.ToJsonString() == "2"));
        return Task.FromResult(function switch
        {
            "Step" or "Flaky" or "Item" when !fails => LambdaInvocationResult.Success(new JsonObject { ["done"] = function, ["input"] = payload?.DeepClone() }.ToJsonString()),
            "Flaky" or "Item" => LambdaInvocationResult.Failure("Boom", "The switch is set to fail"),
            _ => LambdaInvocationResult.NotFound(),
        });
    }
}
