using System.Text.Json.Nodes;
using StatesLanguage.Definition;
using StatesLanguage.Integrations;
using StatesLanguage.Runtime;
using StatesLanguage.Tests.Durability;
using static StatesLanguage.Tests.EngineTestHost;

namespace StatesLanguage.Tests;

/// <summary>Assign and <c>$name</c> references in JSONPath states.</summary>
public class VariablesTests
{
    [Fact]
    public async Task Assign_ValuesAndPaths_AreReadByLaterStatesInPathsAndIntrinsics()
    {
        var result = await RunAsync("""
            {"StartAt":"Set","States":{
              "Set":{"Type":"Pass","Result":{"order":{"id":"o-1","total":12}},"Assign":{"currency":"EUR","order.$":"$.order"},"Next":"Use"},
              "Use":{"Type":"Pass","Parameters":{"id.$":"$order.id","label.$":"States.Format('{} {}', $order.total, $currency)"},"End":true}}}
            """);
        Assert.Equal("""{"id":"o-1","label":"12 EUR"}""", result.Output);
    }

    [Fact]
    public async Task Assign_TakesEffectAfterTheState_SoTheStateItselfStillSeesTheOldValue()
    {
        var result = await RunAsync("""
            {"StartAt":"First","States":{
              "First":{"Type":"Pass","Assign":{"answer":42},"Next":"Second"},
              "Second":{"Type":"Pass","Parameters":{"old.$":"$answer"},"Assign":{"answer":"changed"},"Next":"Third"},
              "Third":{"Type":"Pass","Parameters":{"old.$":"$.old","now.$":"$answer"},"End":true}}}
            """);
        Assert.Equal("""{"old":42,"now":"changed"}""", result.Output);
    }

    [Fact]
    public async Task Assign_OnATask_ReadsTheResultAfterResultSelector()
    {
        var lambda = new FakeLambda().On("Charge", LambdaInvocationResult.Success("""{"payment":{"id":"p-7"}}"""));
        var result = await RunAsync("""
            {"StartAt":"Charge","States":{
              "Charge":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:Charge",
                "ResultSelector":{"paymentId.$":"$.payment.id"},"ResultPath":null,"Assign":{"paymentId.$":"$.paymentId"},"Next":"Done"},
              "Done":{"Type":"Pass","Parameters":{"paid.$":"$paymentId"},"End":true}}}
            """, lambda: lambda);
        Assert.Equal("""{"paid":"p-7"}""", result.Output);
    }

    [Fact]
    public async Task StateExited_WithAssign_RecordsAssignedVariablesAsAwsPrintsThem()
    {
        var result = await RunAsync("""{"StartAt":"Set","States":{"Set":{"Type":"Pass","Assign":{"x":42,"s":"a"},"End":true}}}""");
        var exited = result.History.Single(e => e.Type == "PassStateExited").Details!;
        var assigned = exited["assignedVariables"]!.AsObject();
        Assert.Equal(["x", "s"], assigned.Select(p => p.Key).ToArray());
        Assert.Equal(("42", "\"a\""), (assigned["x"]!.GetValue<string>(), assigned["s"]!.GetValue<string>()));
        Assert.Equal("""{"truncated":false}""", exited["assignedVariablesDetails"]!.ToJsonString());
        var plain = await RunAsync("""{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}""");
        Assert.Null(plain.History.Single(e => e.Type == "PassStateExited").Details!["assignedVariables"]);
    }

    [Fact]
    public async Task ParallelBranches_ReadOuterVariables_AndTheirAssignmentsStayInside()
    {
        var definition = """
            {"StartAt":"Set","States":{
              "Set":{"Type":"Pass","Assign":{"x":1},"Next":"Fork"},
              "Fork":{"Type":"Parallel","Next":"After","Branches":[
                {"StartAt":"B1","States":{"B1":{"Type":"Pass","Parameters":{"x.$":"$x"},"Assign":{"inner":"b1"},"Next":"B2"},
                  "B2":{"Type":"Pass","Parameters":{"inner.$":"$inner","x.$":"$x"},"End":true}}},
                {"StartAt":"C1","States":{"C1":{"Type":"Pass","Assign":{"x":2},"Next":"C2"},
                  "C2":{"Type":"Pass","Parameters":{"x.$":"$x"},"End":true}}}]},
              "After":{"Type":"Pass","Parameters":{"x.$":"$x","branches.$":"$"},"End":true}}}
            """;
        var result = await RunAsync(definition);
        Assert.Equal("""{"x":1,"branches":[{"inner":"b1","x":1},{"x":2}]}""", result.Output);

        var leak = await RunAsync(definition.Replace("\"x.$\":\"$x\",\"branches.$\"", "\"x.$\":\"$inner\",\"branches.$\"", StringComparison.Ordinal));
        Assert.Equal(StatesErrors.Runtime, leak.Error);
    }

    [Fact]
    public async Task MapIterations_ReadOuterVariables_InItemSelectorAndProcessor()
    {
        var result = await RunAsync("""
            {"StartAt":"Set","States":{
              "Set":{"Type":"Pass","Assign":{"tax":2,"items":[1,2]},"Next":"Each"},
              "Each":{"Type":"Map","ItemsPath":"$items","ItemSelector":{"n.$":"$$.Map.Item.Value","tax.$":"$tax"},
                "ItemProcessor":{"StartAt":"Add","States":{"Add":{"Type":"Pass","Parameters":{"sum.$":"States.MathAdd($.n, $tax)"},"End":true}}},"End":true}}}
            """);
        Assert.Equal("""[{"sum":3},{"sum":4}]""", result.Output);
    }

    [Fact]
    public async Task CatchAssign_ReadsTheErrorOutput()
    {
        var result = await RunAsync("""
            {"StartAt":"Boom","States":{
              "Boom":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:Missing",
                "Catch":[{"ErrorEquals":["States.ALL"],"Assign":{"failure.$":"$.Error"},"ResultPath":null,"Next":"Report"}],"End":true},
              "Report":{"Type":"Pass","Parameters":{"failure.$":"$failure"},"End":true}}}
            """, lambda: new FakeLambda());
        Assert.Equal("""{"failure":"Lambda.ResourceNotFoundException"}""", result.Output);
    }

    [Fact]
    public async Task ChoiceRuleAssign_AppliesForTheRuleTaken_AndStateAssignForTheDefault()
    {
        const string definition = """
            {"StartAt":"Route","States":{
              "Route":{"Type":"Choice","Assign":{"route":"default"},"Choices":[
                {"Variable":"$.n","NumericGreaterThan":10,"Assign":{"route":"big"},"Next":"Done"}],"Default":"Done"},
              "Done":{"Type":"Pass","Parameters":{"route.$":"$route"},"End":true}}}
            """;
        Assert.Equal("""{"route":"big"}""", (await RunAsync(definition, """{"n":11}""")).Output);
        Assert.Equal("""{"route":"default"}""", (await RunAsync(definition, """{"n":1}""")).Output);
    }

    [Fact]
    public async Task ReferenceToAnUnassignedVariable_FailsWithStatesRuntime()
    {
        var result = await RunAsync("""{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"v.$":"$nothing"},"End":true}}}""");
        Assert.Equal(StatesErrors.Runtime, result.Error);
        Assert.Contains("$nothing", result.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssignLargerThan256KiB_FailsWithDataLimitExceeded()
    {
        var big = new string('x', 100 * 1024);
        var result = await RunAsync("""{"StartAt":"P","States":{"P":{"Type":"Pass","Assign":{"a.$":"$.big","b.$":"$.big","c.$":"$.big"},"End":true}}}""",
            new JsonObject { ["big"] = big }.ToJsonString());
        Assert.Equal(StatesErrors.DataLimitExceeded, result.Error);
    }

    [Theory]
    [InlineData("""{"StartAt":"P","States":{"P":{"Type":"Pass","Assign":{"9lives":1},"End":true}}}""", "/States/P/Assign/9lives")]
    [InlineData("""{"StartAt":"P","States":{"P":{"Type":"Pass","ResultPath":"$x","End":true}}}""", "/States/P/ResultPath")]
    [InlineData("""{"StartAt":"P","States":{"P":{"Type":"Pass","Assign":[1],"End":true}}}""", "/States/P/Assign")]
    public void Validation_BadVariableUse_IsReportedAtTheField(string definition, string path)
    {
        var ex = Assert.Throws<DefinitionValidationException>(() => DefinitionParser.Parse(definition));
        Assert.Contains(ex.Problems, p => p.Path == path);
    }

    [Fact]
    public async Task VariablesAssignedBeforeACrash_AreThereAfterResume()
    {
        const string definition = """
            {"StartAt":"Set","States":{
              "Set":{"Type":"Pass","Assign":{"orderId.$":"$.id"},"Next":"Work"},
              "Work":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:Work","ResultPath":null,"Next":"Done"},
              "Done":{"Type":"Pass","Parameters":{"orderId.$":"$orderId"},"End":true}}}
            """;
        var before = new ProgrammableLambda().Blocks("Work");
        var store = new JsonStoreObserver();
        var engine = new StepFunctionsEngine(new EngineOptions { Clock = new VirtualClock(Epoch), LambdaInvoker = before, Observers = [store] });
        var running = await engine.StartExecutionAsync(engine.CreateStateMachine("sm", definition), """{"id":"o-5"}""", name: "e");
        await before.Blocked.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var persisted = store.Persisted(running);
        await engine.StopExecutionAsync(running.ExecutionArn);
        Assert.Equal("""{"orderId":"o-5"}""", persisted.Checkpoint!.Variables);

        var fresh = new StepFunctionsEngine(new EngineOptions { Clock = new VirtualClock(Epoch), LambdaInvoker = new ProgrammableLambda().Returns("Work", "{}") });
        var resumed = fresh.ResumeExecution(fresh.CreateStateMachine("sm", definition), persisted);
        var result = await resumed.WaitForCompletionAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal("""{"orderId":"o-5"}""", result.Output);
    }
}
