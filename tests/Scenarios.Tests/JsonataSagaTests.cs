using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using StatesLanguage.Mocks;
using StatesLanguage.Runtime;

namespace Scenarios.Tests;

/// <summary>
/// statemachines/order-saga.jsonata.asl.json (QueryLanguage JSONata, variables instead of ResultPath) replayed through
/// every test case of order-saga.mocks.json beside the deployed JSONPath definition: the two must take the same path,
/// with the same attempts, Lambda payloads, SNS messages, final status, error, cause and output.
/// </summary>
public sealed partial class JsonataSagaTests
{
    private static readonly string JsonataDefinitionPath =
        Path.Combine(Path.GetDirectoryName(OrderSaga.DefinitionPath)!, "order-saga.jsonata.asl.json");

    private static readonly MockConfig Mocks = MockConfig.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "order-saga.mocks.json")));

    public static TheoryData<string> TestCases()
    {
        var mocks = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "order-saga.mocks.json")))!;
        var data = new TheoryData<string>();
        foreach (var testCase in mocks["StateMachines"]!["OrderSaga"]!["TestCases"]!.AsObject())
        {
            data.Add(testCase.Key);
        }

        return data;
    }

    [Fact]
    public void Definition_DeclaresJsonata_AndTheSameStatesAsTheDeployedOne()
    {
        var jsonata = JsonNode.Parse(File.ReadAllText(JsonataDefinitionPath))!;
        var jsonPath = JsonNode.Parse(File.ReadAllText(OrderSaga.DefinitionPath))!;

        Assert.Equal("JSONata", (string?)jsonata["QueryLanguage"]);
        Assert.Equal(StateNames(jsonPath), StateNames(jsonata));
        foreach (var (name, state) in jsonPath["States"]!.AsObject())
        {
            var twin = jsonata["States"]![name]!;
            Assert.True(JsonNode.DeepEquals(state!["Retry"], twin["Retry"]), $"Retry of '{name}' differs");
            Assert.Equal(Targets(state, "Next"), Targets(twin, "Next"));
            Assert.Equal(Catchers(state), Catchers(twin));
        }

        Assert.Equal(Substitutions(File.ReadAllText(OrderSaga.DefinitionPath)), Substitutions(File.ReadAllText(JsonataDefinitionPath)));
    }

    [Theory]
    [MemberData(nameof(TestCases))]
    public async Task EveryMockedTestCase_BehavesExactlyLikeTheJsonPathDefinition(string testCase)
    {
        var expected = await RunAsync(OrderSaga.Definition(), testCase);
        var actual = await RunAsync(JsonataDefinition(), testCase);

        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.Error, actual.Error);
        Assert.Equal(expected.Cause, actual.Cause);
        Assert.Equal(OrderSaga.Path(expected.History), OrderSaga.Path(actual.History));
        Assert.Equal(ScheduledTasks(expected.History), ScheduledTasks(actual.History));
        Assert.Equal(
            OrderSaga.PublishedMessages(expected.History).Select(m => m.ToJsonString()),
            OrderSaga.PublishedMessages(actual.History).Select(m => m.ToJsonString()));
        Assert.True(JsonNode.DeepEquals(expected.OutputJson, actual.OutputJson), $"output differs: {expected.Output} vs {actual.Output}");
    }

    [Fact]
    public async Task HappyPath_AnnouncesTheConfirmedOrder_FromTheAssignedVariables()
    {
        var result = await RunAsync(JsonataDefinition(), "HappyPath");

        Assert.Equal(ExecutionStatus.SUCCEEDED, result.Status);
        Assert.Equal(
            ["Reserve inventory", "Charge payment", "Ship order", "Record order completed", "Announce order confirmed", "Order completed"],
            OrderSaga.Path(result.History));
        var message = Assert.Single(OrderSaga.PublishedMessages(result.History));
        Assert.Equal(OrderSaga.TopicArn, (string?)message["TopicArn"]);
        Assert.Equal("OrderConfirmed", (string?)message["Message"]!["eventType"]);
        Assert.Equal(3998, (int)message["Message"]!["totalAmount"]!);
        Assert.Equal("TRK-O-1", (string?)message["Message"]!["trackingNumber"]);
        Assert.Equal("ch_o-1", (string?)result.OutputJson!["charge"]!["chargeId"]);
    }

    [Fact]
    public async Task PaymentDeclined_ReleasesTheInventory_AndFailsWithTheCaughtError()
    {
        var result = await RunAsync(JsonataDefinition(), "PaymentDeclined");

        Assert.Equal(ExecutionStatus.FAILED, result.Status);
        Assert.Equal("PaymentDeclined", result.Error);
        Assert.Equal(
            ["Reserve inventory", "Charge payment", "Release inventory", "Record order cancelled", "Announce order cancelled", "Order cancelled"],
            OrderSaga.Path(result.History));
        var message = Assert.Single(OrderSaga.PublishedMessages(result.History));
        Assert.Equal("OrderCancelled", (string?)message["Message"]!["eventType"]);
        Assert.Equal("PaymentDeclined", (string?)message["Message"]!["reason"]);
        Assert.Equal("OrderCancelled", (string?)message["MessageAttributes"]!["eventType"]!["StringValue"]);
    }

    private static async Task<ExecutionResult> RunAsync(string definition, string testCase)
    {
        var (engine, machine) = OrderSaga.Create(mocks: Mocks);
        if (definition != OrderSaga.Definition())
        {
            // A second engine so the JSONata machine can carry the name the mock file's test cases are filed under.
            engine = new StepFunctionsEngine(new EngineOptions
            {
                Clock = new VirtualClock(DateTimeOffset.Parse("2026-11-23T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture)),
                MockConfig = Mocks,
                Region = OrderSaga.Region,
                AccountId = OrderSaga.AccountId,
            });
            machine = engine.CreateStateMachine("OrderSaga", definition);
        }

        var execution = await engine.StartExecutionAsync(machine, OrderSaga.Input(), "o-1", testCase);
        return await execution.WaitForCompletionAsync(TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    /// <summary>The JSONata definition with its ${...} substitutions resolved exactly as OrderSaga resolves the deployed one's.</summary>
    private static string JsonataDefinition()
    {
        var resolved = Substitutions(File.ReadAllText(OrderSaga.DefinitionPath))
            .ToDictionary(name => name, name => ResolvedValue(OrderSaga.Definition(), name));
        return Substitution().Replace(File.ReadAllText(JsonataDefinitionPath), match => resolved[match.Groups[1].Value]);
    }

    // Reads what OrderSaga put where "${name}" stood, so the two definitions get identical ARNs.
    private static string ResolvedValue(string resolvedDefinition, string name)
    {
        var raw = JsonNode.Parse(File.ReadAllText(OrderSaga.DefinitionPath))!;
        var resolved = JsonNode.Parse(resolvedDefinition)!;
        foreach (var (stateName, state) in raw["States"]!.AsObject())
        {
            var parameters = state!["Parameters"];
            foreach (var key in new[] { "FunctionName", "TopicArn" })
            {
                if ((string?)parameters?[key] == "${" + name + "}")
                {
                    return (string)resolved["States"]![stateName]!["Parameters"]![key]!;
                }
            }
        }

        throw new InvalidOperationException($"${{{name}}} is not used by the deployed definition");
    }

    private static List<string> StateNames(JsonNode definition) => definition["States"]!.AsObject().Select(s => s.Key).ToList();

    private static string? Targets(JsonNode? state, string key) => (string?)state?[key];

    private static List<string> Catchers(JsonNode? state) =>
        state?["Catch"]?.AsArray().Select(c => string.Join(",", c!["ErrorEquals"]!.AsArray().Select(e => (string?)e)) + "->" + (string?)c["Next"]).ToList() ?? [];

    private static List<string> Substitutions(string definition) =>
        Substitution().Matches(definition).Select(m => m.Groups[1].Value).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>Resource and parameters of every task the execution scheduled, in order.</summary>
    private static List<string> ScheduledTasks(IEnumerable<HistoryEvent> history) => history
        .Where(e => e.Type == "TaskScheduled")
        .Select(e => $"{(string?)e.Details!["resourceType"]}:{(string?)e.Details["resource"]} {JsonNode.Parse((string)e.Details["parameters"]!)!.ToJsonString()}")
        .ToList();

    [GeneratedRegex(@"\$\{([A-Za-z0-9]+)\}")]
    private static partial Regex Substitution();
}
