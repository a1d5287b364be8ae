using System.Text.Json;
using System.Text.RegularExpressions;
using StatesLanguage.Integrations;

namespace ECommerce.Bench.Engine;

/// <summary>The definitions, input and canned task results both engines are measured with (bench/Engine/fixtures).</summary>
public static partial class BenchFixtures
{
    public const string Saga = "saga";
    public const string Pass = "pass";

    private static string FixturePath(string file) => Path.Combine(AppContext.BaseDirectory, "fixtures", file);

    /// <summary>The saga with every <c>${Name}</c> replaced by a fake ARN, exactly as bench/Engine/node/bench.mjs does.</summary>
    public static string Definition(string machine) => machine switch
    {
        Saga => ResolveSubstitutions(File.ReadAllText(FixturePath("order-saga.asl.json"))),
        Pass => File.ReadAllText(FixturePath("pass-succeed.asl.json")),
        _ => throw new ArgumentException($"Unknown machine '{machine}' (saga or pass).", nameof(machine)),
    };

    public static string ResolveSubstitutions(string definition) =>
        Substitution().Replace(definition, m => m.Groups[1].Value.EndsWith("TopicArn", StringComparison.Ordinal)
            ? $"arn:aws:sns:us-east-1:123456789012:{m.Groups[1].Value}"
            : $"arn:aws:lambda:us-east-1:123456789012:function:{m.Groups[1].Value}");

    /// <summary>The order input with its own order id, so each execution has a distinct input.</summary>
    public static string OrderInput(int index)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(FixturePath("order-input.json")));
        var template = document.RootElement.GetRawText();
        return template.Replace("\"bench-order\"", $"\"bench-{index}\"", StringComparison.Ordinal);
    }

    /// <summary>An invoker that answers at once with the canned payload for the state a function serves.</summary>
    public static ILambdaInvoker CannedInvoker()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(FixturePath("task-results.json")));
        string Result(string state) => document.RootElement.GetProperty(state).GetRawText();
        var byFunction = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ReserveInventoryFunctionArn"] = Result("Reserve inventory"),
            ["ChargePaymentFunctionArn"] = Result("Charge payment"),
            ["ShipOrderFunctionArn"] = Result("Ship order"),
            ["RecordOrderStatusFunctionArn"] = Result("Record order completed"),
        };
        return new CannedLambdaInvoker(byFunction);
    }

    [GeneratedRegex(@"\$\{(\w+)\}")]
    private static partial Regex Substitution();

    private sealed class CannedLambdaInvoker(IReadOnlyDictionary<string, string> byFunction) : ILambdaInvoker
    {
        private static readonly Task<LambdaInvocationResult> Empty = Task.FromResult(LambdaInvocationResult.Success("{}"));
        private readonly Dictionary<string, Task<LambdaInvocationResult>> _results = byFunction.ToDictionary(
            p => "arn:aws:lambda:us-east-1:123456789012:function:" + p.Key,
            p => Task.FromResult(LambdaInvocationResult.Success(p.Value)),
            StringComparer.Ordinal);

        public Task<LambdaInvocationResult> InvokeAsync(string functionName, string payloadJson, CancellationToken cancellationToken) =>
            _results.TryGetValue(functionName, out var result) ? result : Empty;
    }
}
