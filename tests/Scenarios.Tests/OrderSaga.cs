using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using StatesLanguage.Integrations;
using StatesLanguage.Mocks;
using StatesLanguage.Runtime;

namespace Scenarios.Tests;

/// <summary>
/// statemachines/order-saga.asl.json on the local engine with a virtual clock, its ${...} substitutions resolved as
/// the template resolves them (a Lambda ARN per function, the order events topic).
/// </summary>
internal static partial class OrderSaga
{
    public const string Region = "us-east-1";
    public const string AccountId = "123456789012";
    public const string TopicArn = $"arn:aws:sns:{Region}:{AccountId}:OrderEventsTopic";

    public static readonly string DefinitionPath = ECommerce.TestSupport.RepositoryRoot.Combine("statemachines", "order-saga.asl.json");

    public static string Definition() => Substitution().Replace(File.ReadAllText(DefinitionPath), match =>
        match.Groups[1].Value == "OrderEventsTopicArn"
            ? TopicArn
            : $"arn:aws:lambda:{Region}:{AccountId}:function:{match.Groups[1].Value.Replace("Arn", "", StringComparison.Ordinal)}");

    public static (StepFunctionsEngine Engine, StateMachine Machine) Create(ILambdaInvoker? invoker = null, MockConfig? mocks = null)
    {
        var engine = new StepFunctionsEngine(new EngineOptions
        {
            Clock = new VirtualClock(DateTimeOffset.Parse("2026-11-23T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture)),
            LambdaInvoker = invoker,
            MockConfig = mocks,
            Region = Region,
            AccountId = AccountId,
        });
        return (engine, engine.CreateStateMachine("OrderSaga", Definition()));
    }

    public static string Input(string orderId = "o-1", string token = "tok_visa", string sku = "SKU-1", string country = "US") => new JsonObject
    {
        ["orderId"] = orderId,
        ["customerId"] = "c-1",
        ["lines"] = new JsonArray(new JsonObject { ["sku"] = sku, ["quantity"] = 2 }),
        ["payment"] = new JsonObject { ["token"] = token },
        ["shipping"] = new JsonObject
        {
            ["name"] = "A B", ["line1"] = "1 Main St", ["city"] = "Springfield", ["postalCode"] = "12345", ["country"] = country,
        },
    }.ToJsonString();

    /// <summary>The states the execution entered, in order (top level; one entry per visit).</summary>
    public static IReadOnlyList<string> Path(IEnumerable<HistoryEvent> history) =>
        history.Where(e => e.Type.EndsWith("StateEntered", StringComparison.Ordinal)).Select(e => e.StateName!).ToList();

    /// <summary>How many times each task state was attempted (TaskScheduled events per visit).</summary>
    public static int Attempts(IReadOnlyList<HistoryEvent> history, string state)
    {
        var attempts = 0;
        string? current = null;
        foreach (var historyEvent in history)
        {
            if (historyEvent.Type.EndsWith("StateEntered", StringComparison.Ordinal))
            {
                current = historyEvent.StateName;
            }
            else if (historyEvent.Type is "TaskScheduled" or "LambdaFunctionScheduled" && current == state)
            {
                attempts++;
            }
        }

        return attempts;
    }

    /// <summary>The SNS messages the saga asked to publish, from the TaskScheduled parameters of sns:publish tasks.</summary>
    public static IReadOnlyList<JsonObject> PublishedMessages(IEnumerable<HistoryEvent> history) => history
        .Where(e => e.Type == "TaskScheduled" && (string?)e.Details!["resource"] == "publish" && (string?)e.Details["resourceType"] == "sns")
        .Select(e => JsonNode.Parse((string)e.Details!["parameters"]!)!.AsObject())
        .ToList();

    [GeneratedRegex(@"\$\{([A-Za-z0-9]+)\}")]
    private static partial Regex Substitution();
}
