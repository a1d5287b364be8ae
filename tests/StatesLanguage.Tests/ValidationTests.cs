using StatesLanguage.Definition;

namespace StatesLanguage.Tests;

public class ValidationTests
{
    private static IReadOnlyList<ValidationProblem> Problems(string definition) =>
        Assert.Throws<DefinitionValidationException>(() => DefinitionParser.Parse(definition)).Problems;

    [Fact]
    public void Parse_UnknownNextTarget_ReportsMissingTransitionTarget()
    {
        var problem = Assert.Single(Problems("""{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Nowhere"}}}"""));
        Assert.Equal("MISSING_TRANSITION_TARGET", problem.Code);
        Assert.Equal("/States/A/Next", problem.Path);
        Assert.Contains("Nowhere", problem.Message);
    }

    [Fact]
    public void Parse_SeveralProblems_CollectsThemAll()
    {
        var problems = Problems("""
            {"StartAt":"A","States":{
              "A":{"Type":"Choice","Choices":[],"Default":"Gone"},
              "B":{"Type":"Pass"},
              "C":{"Type":"Task","Resource":"arn:x","Retry":[{"ErrorEquals":["States.ALL"]},{"ErrorEquals":["X"]}],"End":true,"Seconds":3},
              "D":{"Type":"Pass","InputPath":"$.a[","End":true}}}
            """);
        var paths = problems.Select(p => p.Path).ToList();
        Assert.Contains("/States/A/Choices", paths);               // Choice without choices
        Assert.Contains("/States/A/Default", paths);               // unknown Default target
        Assert.Contains("/States/B", paths);                       // missing End/Next (and unreachable)
        Assert.Contains("/States/C/Retry/0/ErrorEquals", paths);   // States.ALL not last
        Assert.Contains("/States/C/Seconds", paths);               // field not allowed for Task
        Assert.Contains("/States/D/InputPath", paths);             // bad JSONPath
        Assert.All(problems, p => Assert.True(p.Code is "SCHEMA_VALIDATION_FAILED" or "MISSING_TRANSITION_TARGET"));
    }

    [Fact]
    public void Parse_UnreachableState_IsNamed()
    {
        var problem = Assert.Single(Problems("""{"StartAt":"A","States":{"A":{"Type":"Succeed"},"Lost":{"Type":"Succeed"}}}"""));
        Assert.Contains("'Lost' is not reachable", problem.Message);
    }

    [Fact]
    public void Parse_DuplicateStateNamesAcrossBranches_AreRejected()
    {
        var problems = Problems("""
            {"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
              {"StartAt":"X","States":{"X":{"Type":"Succeed"}}},{"StartAt":"X","States":{"X":{"Type":"Succeed"}}}]}}}
            """);
        Assert.Contains(problems, p => p.Message.Contains("Duplicate State name: X", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_CatchStatesAllNotLast_IsRejected()
    {
        var problems = Problems("""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:x","End":true,"Catch":[
              {"ErrorEquals":["States.ALL"],"Next":"H"},{"ErrorEquals":["E"],"Next":"H"}]},"H":{"Type":"Succeed"}}}
            """);
        Assert.Contains(problems, p => p.Path == "/States/T/Catch/0/ErrorEquals");
    }

    [Fact]
    public void Parse_Yaml_ConvertsToTheSameDefinition()
    {
        var definition = DefinitionParser.Parse("""
            StartAt: Hello
            States:
              Hello:
                Type: Pass
                Result:
                  count: 3
                  ok: true
                  text: "3"
                End: true
            """);
        Assert.Equal("""{"count":3,"ok":true,"text":"3"}""", Json.JsonUtil.Serialize(definition.States["Hello"].Result));
    }

    [Fact]
    public void Parse_InvalidJson_ReportsInvalidJsonDescription() =>
        Assert.Equal("INVALID_JSON_DESCRIPTION", Assert.Single(Problems("{\"StartAt\":")).Code);
}
