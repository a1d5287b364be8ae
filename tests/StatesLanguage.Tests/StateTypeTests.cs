using System.Text.Json.Nodes;
using StatesLanguage.Json;
using StatesLanguage.Runtime;
using static StatesLanguage.Tests.EngineTestHost;

namespace StatesLanguage.Tests;

public class StateTypeTests
{
    [Fact]
    public async Task Pass_ResultWithResultPath_MergesIntoInput()
    {
        // AWS docs "ResultPath" example: add the result to the input.
        var result = await RunAsync("""
            {"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"x":1},"ResultPath":"$.a.b","End":true}}}
            """, """{"keep":true}""");
        Assert.Equal(ExecutionStatus.SUCCEEDED, result.Status);
        Assert.Equal("""{"keep":true,"a":{"b":{"x":1}}}""", result.Output);
    }

    [Fact]
    public async Task Pass_ParametersWithContextAndIntrinsics_BuildsPayload()
    {
        var result = await RunAsync("""
            {"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$.order","Parameters":{
              "id.$":"$.id","exec.$":"$$.Execution.Name","state.$":"$$.State.Name","msg.$":"States.Format('order {}', $.id)","fixed":[1,{"n.$":"$.id"}]},
              "OutputPath":"$.msg","End":true}}}
            """, """{"order":{"id":"o-1"}}""");
        Assert.Equal("\"order o-1\"", result.Output);
    }

    [Fact]
    public async Task Pass_ResultPathNull_KeepsInput()
    {
        var result = await RunAsync("""{"StartAt":"P","States":{"P":{"Type":"Pass","Result":1,"ResultPath":null,"End":true}}}""", """{"a":1}""");
        Assert.Equal("""{"a":1}""", result.Output);
    }

    [Fact]
    public async Task InputPath_Missing_FailsWithStatesRuntime()
    {
        var result = await RunAsync("""{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$.nope","End":true}}}""");
        Assert.Equal(ExecutionStatus.FAILED, result.Status);
        Assert.Equal("States.Runtime", result.Error);
        Assert.StartsWith("An error occurred while executing the state 'P' (entered at the event id #2).", result.Cause);
        Assert.Equal(["ExecutionStarted", "PassStateEntered:P", "ExecutionFailed"], Path(result));
    }

    [Theory]
    [InlineData("""{"type":"Private","value":22}""", "ValueInTwenties")]
    [InlineData("""{"type":"Private","value":5}""", "Default")]
    [InlineData("""{"type":"Public","value":5}""", "Public")]
    [InlineData("""{"type":"Private","value":50,"rating":null}""", "Default")]
    public async Task Choice_AwsDocsExample_TakesExpectedBranch(string input, string expectedState)
    {
        var result = await RunAsync("""
            {"StartAt":"C","States":{
              "C":{"Type":"Choice","Choices":[
                {"Not":{"Variable":"$.type","StringEquals":"Private"},"Next":"Public"},
                {"And":[{"Variable":"$.value","IsPresent":true},{"Variable":"$.value","IsNumeric":true},
                        {"Variable":"$.value","NumericGreaterThanEquals":20},{"Variable":"$.value","NumericLessThan":30}],"Next":"ValueInTwenties"},
                {"And":[{"Variable":"$.rating","IsPresent":true},{"Variable":"$.rating","IsNull":false}],"Next":"Public"}],
               "Default":"Default"},
              "Public":{"Type":"Succeed"},"ValueInTwenties":{"Type":"Succeed"},"Default":{"Type":"Succeed"}}}
            """, input);
        Assert.Contains($"SucceedStateEntered:{expectedState}", Path(result));
    }

    [Theory]
    [InlineData("StringMatches", "\"log-*.txt\"", "\"log-2024.txt\"", true)]
    [InlineData("StringMatches", "\"a\\\\*b\"", "\"a*b\"", true)]
    [InlineData("StringMatches", "\"a\\\\*b\"", "\"axb\"", false)]
    [InlineData("TimestampLessThan", "\"2030-01-01T00:00:00Z\"", "\"2025-01-01T00:00:00.5+01:00\"", true)]
    [InlineData("BooleanEquals", "true", "\"true\"", false)]
    [InlineData("IsTimestamp", "true", "\"2016-12-05 21:29:29Z\"", false)]
    [InlineData("NumericEqualsPath", "\"$.other\"", "3", true)]
    public async Task Choice_Operator_Evaluates(string op, string operand, string value, bool expected)
    {
        var definition = """{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.v","""
            + $"\"{op}\":{operand}"
            + ""","Next":"Yes"}],"Default":"No"},"Yes":{"Type":"Succeed"},"No":{"Type":"Succeed"}}}""";
        var result = await RunAsync(definition, $$"""{"v":{{value}},"other":3}""");
        Assert.Contains(expected ? "SucceedStateEntered:Yes" : "SucceedStateEntered:No", Path(result));
    }

    [Fact]
    public async Task Choice_NoMatchNoDefault_FailsNoChoiceMatched()
    {
        var result = await RunAsync("""
            {"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.v","NumericEquals":1,"Next":"Y"}]},"Y":{"Type":"Succeed"}}}
            """, """{"v":2}""");
        Assert.Equal("States.NoChoiceMatched", result.Error);
    }

    [Fact]
    public async Task Wait_Seconds_AdvancesVirtualClockInstantly()
    {
        var started = DateTime.UtcNow;
        var result = await RunAsync("""{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}""");
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
        var entered = result.History.Single(e => e.Type == "WaitStateEntered").Timestamp;
        var exited = result.History.Single(e => e.Type == "WaitStateExited").Timestamp;
        Assert.Equal(TimeSpan.FromHours(1), exited - entered);
    }

    [Fact]
    public async Task Wait_TimestampPath_WaitsUntilThatTime()
    {
        var result = await RunAsync("""{"StartAt":"W","States":{"W":{"Type":"Wait","TimestampPath":"$.until","End":true}}}""",
            """{"until":"2025-01-01T00:10:00Z"}""");
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 0, 10, 0, TimeSpan.Zero), result.History[^1].Timestamp);
    }

    [Fact]
    public async Task Wait_SecondsPathNegative_FailsWithAwsMessage()
    {
        var result = await RunAsync("""{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.s","End":true}}}""", """{"s":-1}""");
        Assert.EndsWith("The SecondsPath parameter references a negative value: $.s == -1", result.Cause);
    }

    [Fact]
    public async Task Fail_ErrorPathAndCausePath_ComeFromInput()
    {
        var result = await RunAsync("""
            {"StartAt":"F","States":{"F":{"Type":"Fail","ErrorPath":"$.e","CausePath":"States.Format('bad {}', $.c)"}}}
            """, """{"e":"Boom","c":"thing"}""");
        Assert.Equal(("Boom", "bad thing"), (result.Error, result.Cause));
        Assert.Equal(["ExecutionStarted", "FailStateEntered:F", "ExecutionFailed"], Path(result));
    }

    [Fact]
    public async Task Parallel_Branches_OutputArrayInBranchOrder()
    {
        var result = await RunAsync("""
            {"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"ResultSelector":{"first.$":"$[0]","second.$":"$[1]"},"Branches":[
              {"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":5,"Next":"A"},"A":{"Type":"Pass","Result":"a","End":true}}},
              {"StartAt":"B","States":{"B":{"Type":"Pass","Result":"b","End":true}}}]}}}
            """);
        Assert.Equal("""{"first":"a","second":"b"}""", result.Output);
        Assert.Contains("ParallelStateSucceeded", Path(result));
    }

    [Fact]
    public async Task Map_ItemSelectorAndMaxConcurrency_ProcessesEveryItem()
    {
        var result = await RunAsync("""
            {"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":2,
              "ItemSelector":{"i.$":"$$.Map.Item.Index","v.$":"$$.Map.Item.Value","tag.$":"$.tag"},
              "ItemProcessor":{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":10,"Next":"P"},"P":{"Type":"Pass","End":true}}},"End":true}}}
            """, """{"tag":"t","items":["a","b","c"]}""");
        Assert.Equal("""[{"i":0,"v":"a","tag":"t"},{"i":1,"v":"b","tag":"t"},{"i":2,"v":"c","tag":"t"}]""", result.Output);
        Assert.Equal(3, Path(result).Count(p => p == "MapIterationSucceeded:M"));
        // Two at a time: three 10 s waits take 20 s of virtual time.
        Assert.Equal(TimeSpan.FromSeconds(20), result.History[^1].Timestamp - result.History[0].Timestamp);
    }

    [Fact]
    public async Task Map_LegacyIteratorAndParameters_StillWork()
    {
        var result = await RunAsync("""
            {"StartAt":"M","States":{"M":{"Type":"Map","Parameters":{"x.$":"$$.Map.Item.Value"},
              "Iterator":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}
            """, "[1,2]");
        Assert.Equal("""[{"x":1},{"x":2}]""", result.Output);
    }

    [Fact]
    public async Task Map_Distributed_ToleratesFailuresWithinThreshold()
    {
        var definition = """
            {"StartAt":"M","States":{"M":{"Type":"Map","ToleratedFailureCount":1,
              "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"C","States":{
                "C":{"Type":"Choice","Choices":[{"Variable":"$","NumericEquals":0,"Next":"F"}],"Default":"OK"},
                "F":{"Type":"Fail","Error":"Bad"},"OK":{"Type":"Pass","End":true}}},"End":true}}}
            """;
        var tolerated = await RunAsync(definition, "[0,1,2]");
        Assert.Equal(ExecutionStatus.SUCCEEDED, tolerated.Status);
        Assert.Contains("MapRunSucceeded", Path(tolerated));
        var exceeded = await RunAsync(definition, "[0,0,2]");
        Assert.Equal("States.ExceedToleratedFailureThreshold", exceeded.Error);
        Assert.Contains("MapRunFailed", Path(exceeded));
    }

    [Fact]
    public async Task Map_DistributedItemBatcher_GroupsItems()
    {
        var result = await RunAsync("""
            {"StartAt":"M","States":{"M":{"Type":"Map","ItemBatcher":{"MaxItemsPerBatch":2,"BatchInput":{"k":"v"}},
              "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}
            """, "[1,2,3]");
        Assert.Equal("""[{"BatchInput":{"k":"v"},"Items":[1,2]},{"BatchInput":{"k":"v"},"Items":[3]}]""", result.Output);
    }

    [Fact]
    public async Task PayloadOver256KiB_FailsDataLimitExceeded()
    {
        var big = new string('x', 300 * 1024);
        var result = await RunAsync("""{"StartAt":"P","States":{"P":{"Type":"Pass","Result":""" + $"\"{big}\"" + ""","End":true}}}""");
        Assert.Equal("States.DataLimitExceeded", result.Error);
    }

    [Fact]
    public async Task History_SerializesLikeGetExecutionHistory()
    {
        var result = await RunAsync("""{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}""", """{"a":1}""");
        var json = JsonNode.Parse(HistoryEvent.ToAwsHistoryJson(result.History))!["events"]!.AsArray();
        Assert.Equal("ExecutionStarted", json[0]!["type"]!.GetValue<string>());
        Assert.Equal("{\"a\":1}", json[0]!["executionStartedEventDetails"]!["input"]!.GetValue<string>());
        Assert.Equal("P", json[1]!["stateEnteredEventDetails"]!["name"]!.GetValue<string>());
        Assert.Equal(1, json[1]!["previousEventId"]!.GetValue<long>());
        Assert.True(JsonUtil.TryGetDouble(json[0]!["timestamp"], out var epoch) && epoch > 1_700_000_000);
        Assert.Equal("{\"a\":1}", json[3]!["executionSucceededEventDetails"]!["output"]!.GetValue<string>());
    }
}
