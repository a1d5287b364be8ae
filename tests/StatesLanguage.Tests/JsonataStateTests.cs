using System.Text.Json.Nodes;
using StatesLanguage.Definition;
using StatesLanguage.Integrations;
using StatesLanguage.Runtime;
using static StatesLanguage.Tests.EngineTestHost;

namespace StatesLanguage.Tests;

/// <summary>States whose QueryLanguage is JSONata: {% %} fields, $states, variables, AWS's extra functions and errors.</summary>
public class JsonataStateTests
{
    [Fact]
    public async Task Pass_Output_ReadsStatesInputAndContext()
    {
        var result = await RunAsync("""
            {"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass",
              "Output":{"total":"{% $sum($states.input.lines.qty) %}","state":"{% $states.context.State.Name %}","plain":" {% not an expression %} "},"End":true}}}
            """, """{"lines":[{"qty":2},{"qty":3}]}""");
        Assert.Equal("""{"total":5,"state":"P","plain":" {% not an expression %} "}""", result.Output);
    }

    [Fact]
    public async Task Task_ArgumentsOutputAndAssign_SeeInputResultAndVariables()
    {
        var lambda = new FakeLambda().On("Charge", LambdaInvocationResult.Success("""{"id":"p-1"}"""));
        var result = await RunAsync("""
            {"QueryLanguage":"JSONata","StartAt":"Charge","States":{
              "Charge":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
                "Arguments":{"FunctionName":"Charge","Payload":{"amount":"{% $states.input.amount * 100 %}"}},
                "Assign":{"paymentId":"{% $states.result.Payload.id %}"},
                "Output":"{% $states.input %}","Next":"Done"},
              "Done":{"Type":"Pass","Output":{"paid":"{% $paymentId %}","amount":"{% $states.input.amount %}"},"End":true}}}
            """, """{"amount":12.5}""", lambda: lambda);
        Assert.Equal("""{"paid":"p-1","amount":12.5}""", result.Output);
        Assert.Equal("""{"amount":1250}""", lambda.Calls.Single().Payload);
    }

    [Fact]
    public async Task Choice_Condition_PicksTheRule_AndItsOutputAndAssign()
    {
        const string definition = """
            {"QueryLanguage":"JSONata","StartAt":"Route","States":{
              "Route":{"Type":"Choice","Choices":[
                {"Condition":"{% $states.input.n > 10 %}","Assign":{"size":"big"},"Output":{"n":"{% $states.input.n %}"},"Next":"Done"}],
                "Default":"Done","Assign":{"size":"small"}},
              "Done":{"Type":"Pass","Output":"{% $size %}","End":true}}}
            """;
        Assert.Equal("\"big\"", (await RunAsync(definition, """{"n":11}""")).Output);
        Assert.Equal("\"small\"", (await RunAsync(definition, """{"n":1}""")).Output);
    }

    [Fact]
    public async Task Map_ItemsAndItemSelector_AreEvaluatedPerItem()
    {
        var result = await RunAsync("""
            {"QueryLanguage":"JSONata","StartAt":"Each","States":{"Each":{"Type":"Map","Items":"{% $states.input.values %}","MaxConcurrency":"{% 1 %}",
              "ItemSelector":{"v":"{% $states.context.Map.Item.Value * 2 %}","i":"{% $states.context.Map.Item.Index %}"},
              "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}
            """, """{"values":[1,2]}""");
        Assert.Equal("""[{"v":2,"i":0},{"v":4,"i":1}]""", result.Output);
    }

    [Fact]
    public async Task Wait_SecondsExpression_WaitsThatLongOnTheVirtualClock()
    {
        var result = await RunAsync("""
            {"QueryLanguage":"JSONata","StartAt":"W","States":{"W":{"Type":"Wait","Seconds":"{% $states.input.delay %}","End":true}}}
            """, """{"delay":300}""");
        Assert.Equal(TimeSpan.FromSeconds(300), result.History[^1].Timestamp - result.History[0].Timestamp);
    }

    [Fact]
    public async Task Fail_ErrorAndCauseExpressions_AreEvaluated()
    {
        var result = await RunAsync("""
            {"QueryLanguage":"JSONata","StartAt":"F","States":{"F":{"Type":"Fail","Error":"{% 'Order' & $states.input.kind %}","Cause":"{% $string($states.input.code) %}"}}}
            """, """{"kind":"Rejected","code":42}""");
        Assert.Equal(("OrderRejected", "42"), (result.Error, result.Cause));
    }

    [Fact]
    public async Task Catch_OutputAndAssign_ReadTheErrorOutput()
    {
        var result = await RunAsync("""
            {"QueryLanguage":"JSONata","StartAt":"Boom","States":{
              "Boom":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:Missing","End":true,
                "Catch":[{"ErrorEquals":["States.ALL"],"Output":{"error":"{% $states.errorOutput.Error %}"},"Assign":{"failed":true},"Next":"After"}]},
              "After":{"Type":"Pass","Output":{"error":"{% $states.input.error %}","failed":"{% $failed %}"},"End":true}}}
            """, lambda: new FakeLambda());
        Assert.Equal("""{"error":"Lambda.ResourceNotFoundException","failed":true}""", result.Output);
    }

    [Fact]
    public async Task StepFunctionsFunctions_AreAvailable()
    {
        var result = await RunAsync("""
            {"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":{
              "parts":"{% $partition([1,2,3,4,5], 2) %}","range":"{% $range(0, 10, 5) %}","hash":"{% $hash('abc', 'SHA-256') %}",
              "parsed":"{% $parse('{\"a\":1}') %}","uuidLength":"{% $length($uuid()) %}","random":"{% $random() < 1 %}"},"End":true}}}
            """);
        var output = JsonNode.Parse(result.Output!)!;
        Assert.Equal("[[1,2],[3,4],[5]]", output["parts"]!.ToJsonString());
        Assert.Equal("[0,5,10]", output["range"]!.ToJsonString());
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", output["hash"]!.GetValue<string>());
        Assert.Equal("""{"a":1}""", output["parsed"]!.ToJsonString());
        Assert.Equal(36, output["uuidLength"]!.GetValue<int>());
        Assert.True(output["random"]!.GetValue<bool>());
    }

    [Fact]
    public async Task EvaluationError_FailsWithQueryEvaluationError_AndRecordsEvaluationFailed()
    {
        var result = await RunAsync("""
            {"QueryLanguage":"JSONata","StartAt":"Each","States":{"Each":{"Type":"Map","Items":"{% $states.input.notAnArray %}",
              "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}
            """, """{"notAnArray":7}""");
        Assert.Equal(StatesErrors.QueryEvaluationError, result.Error);
        Assert.Equal("An error occurred while executing the state 'Each' (entered at the event id #2). The JSONata expression '$states.input.notAnArray' "
            + "specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'number' for value: 7", result.Cause);
        Assert.Equal(["ExecutionStarted", "MapStateEntered", "EvaluationFailed", "MapStateFailed", "ExecutionFailed"], result.History.Select(e => e.Type).ToArray());
    }

    [Fact]
    public async Task UndefinedOutput_FailsWithQueryEvaluationError()
    {
        var result = await RunAsync("""{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $states.input.missing %}","End":true}}}""");
        Assert.Equal(StatesErrors.QueryEvaluationError, result.Error);
        Assert.Contains("returned nothing (undefined)", result.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonataStateInAJsonPathMachine_MixesWithJsonPathStates()
    {
        var result = await RunAsync("""
            {"StartAt":"Old","States":{
              "Old":{"Type":"Pass","Parameters":{"n.$":"$.n"},"Assign":{"seen.$":"$.n"},"Next":"New"},
              "New":{"QueryLanguage":"JSONata","Type":"Pass","Output":"{% $states.input.n + $seen %}","End":true}}}
            """, """{"n":4}""");
        Assert.Equal("8", result.Output);
    }

    [Theory]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"QueryLanguage":"JSONPath","Type":"Pass","End":true}}}""", "/States/P/QueryLanguage")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$.a","End":true}}}""", "/States/P/InputPath")]
    [InlineData("""{"StartAt":"P","States":{"P":{"Type":"Pass","Output":{},"End":true}}}""", "/States/P/Output")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":{"a":"{% $states.input.( %}"},"End":true}}}""", "/States/P/Output/a")]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.a","IsPresent":true,"Next":"E"}]},"E":{"Type":"Succeed"}}}""", "/States/C/Choices/0")]
    public void Validation_QueryLanguageRules_AreReportedAtTheField(string definition, string path)
    {
        var ex = Assert.Throws<DefinitionValidationException>(() => DefinitionParser.Parse(definition));
        Assert.Contains(ex.Problems, p => p.Path == path);
    }
}
