using System.Text.Json.Nodes;
using StateMachineReplay;

namespace Scenarios.Tests;

/// <summary>
/// The replay command on executions exported from AWS (fixtures/history-*.json, as
/// <c>aws stepfunctions get-execution-history --output json</c> prints them): same path on the current definition,
/// the divergence named on a changed one, and bad files named with the line and position of the problem.
/// </summary>
public sealed class ReplayCommandTests : IDisposable
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "fixtures");
    private readonly string _scratch = Directory.CreateTempSubdirectory("replay-tests-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Theory]
    [InlineData("history-happy.json", "SUCCEEDED", 6)]
    [InlineData("history-compensated.json", "FAILED AddressUnserviceable", 8)]
    public void RecordedExecution_ReplayedOnTheCurrentDefinition_TakesTheSamePath(string history, string outcome, int states)
    {
        var (exit, stdout, stderr) = Run(Path.Combine(Fixtures, history), "--state-machine", OrderSaga.DefinitionPath,
            "--substitute", $"OrderEventsTopicArn={OrderSaga.TopicArn}");

        Assert.True(exit == ReplayCommand.ExitSame, stdout + stderr);
        Assert.Contains($"Same path: {states} states.", stdout, StringComparison.Ordinal);
        Assert.Contains($"Same outcome: {outcome}.", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void CompensatedHistory_BecomesAMockTestCase_WithOneEntryPerAttempt()
    {
        var mocks = Path.Combine(_scratch, "mocks.json");

        var (exit, stdout, _) = Run(Path.Combine(Fixtures, "history-compensated.json"), "--state-machine", OrderSaga.DefinitionPath, "--write-mock", mocks);

        Assert.Equal(ReplayCommand.ExitSame, exit);
        Assert.Contains("OrderSaga#HistoryCompensated", stdout, StringComparison.Ordinal);
        var file = JsonNode.Parse(File.ReadAllText(mocks))!;
        var testCase = file["StateMachines"]!["OrderSaga"]!["TestCases"]!["HistoryCompensated"]!.AsObject();
        Assert.Equal(["Reserve inventory", "Charge payment", "Ship order", "Refund payment", "Release inventory", "Record order cancelled", "Announce order cancelled"],
            testCase.Select(p => p.Key));
        var refund = file["MockedResponses"]![(string)testCase["Refund payment"]!]!.AsObject();
        Assert.Equal(["0", "1"], refund.Select(p => p.Key));
        Assert.Equal("PaymentGatewayUnavailable", (string?)refund["0"]!["Throw"]!["Error"]);
        Assert.True((bool)refund["1"]!["Return"]!["Payload"]!["refunded"]!);
        var ship = file["MockedResponses"]![(string)testCase["Ship order"]!]!;
        Assert.Equal("AddressUnserviceable", (string?)ship["0"]!["Throw"]!["Error"]);
        Assert.Contains("does not deliver to country AQ", (string?)ship["0"]!["Throw"]!["Cause"], StringComparison.Ordinal);
        Assert.Equal(2999, (int)file["MockedResponses"]![(string)testCase["Charge payment"]!]!["0"]!["Return"]!["Payload"]!["amount"]!);
    }

    [Fact]
    public void DefinitionThatNoLongerRefundsAnUnserviceableAddress_Diverges_AndTheCommandNamesWhere()
    {
        var broken = Path.Combine(_scratch, "order-saga.asl.json");
        File.WriteAllText(broken, BrokenSaga.WithoutRefundOnUnserviceableAddress());

        var (exit, stdout, _) = Run(Path.Combine(Fixtures, "history-compensated.json"), "--state-machine", broken);

        Assert.Equal(ReplayCommand.ExitDiverged, exit);
        Assert.Contains("DIVERGED at state #4: expected 'Refund payment', actual 'Release inventory'.", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void HistoryThatIsNotJson_IsRefused_NamingTheFileLineAndPosition()
    {
        var history = Path.Combine(_scratch, "truncated.json");
        File.WriteAllText(history, "{\n  \"events\": [\n    {\"id\": 1,, \"type\": \"ExecutionStarted\"}\n");

        var (exit, _, stderr) = Run(history, "--state-machine", OrderSaga.DefinitionPath);

        Assert.Equal(ReplayCommand.ExitInvalidInput, exit);
        Assert.StartsWith($"{history}(3,", stderr, StringComparison.Ordinal);
        Assert.Contains("(line 3, position", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonThatIsNotAHistory_IsRefused_SayingWhatWasExpected()
    {
        var history = Path.Combine(_scratch, "describe.json");
        File.WriteAllText(history, """{"executionArn": "arn:aws:states:us-east-1:111122223333:execution:OrderSaga:o-1", "status": "FAILED"}""");

        var (exit, _, stderr) = Run(history, "--state-machine", OrderSaga.DefinitionPath);

        Assert.Equal(ReplayCommand.ExitInvalidInput, exit);
        Assert.Contains($"{history}: not an execution history", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidDefinition_IsRefused_NamingTheFileAndTheProblem()
    {
        var definition = Path.Combine(_scratch, "bad.asl.json");
        File.WriteAllText(definition, """{"StartAt": "Nowhere", "States": {"Done": {"Type": "Succeed"}}}""");

        var (exit, _, stderr) = Run(Path.Combine(Fixtures, "history-happy.json"), "--state-machine", definition);

        Assert.Equal(ReplayCommand.ExitInvalidInput, exit);
        Assert.StartsWith($"{definition}: Invalid State Machine Definition", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingStateMachine_PrintsTheUsage()
    {
        var (exit, _, stderr) = Run("replay", Path.Combine(Fixtures, "history-happy.json"));

        Assert.Equal(ReplayCommand.ExitInvalidInput, exit);
        Assert.Contains("--state-machine is missing.", stderr, StringComparison.Ordinal);
        Assert.Contains(ReplayCommand.Usage, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void WrittenTestSkeleton_IsTheCheckedInReplayTest_WhichCompilesAndPassesInThisProject()
    {
        var written = Path.Combine(_scratch, "HistoryCompensatedReplayTests.cs");
        var (exit, _, _) = Run(Path.Combine(Fixtures, "history-compensated.json"), "--state-machine", OrderSaga.DefinitionPath, "--write-test", written);
        Assert.Equal(ReplayCommand.ExitSame, exit);
        Assert.Contains("public sealed class HistoryCompensatedReplayTests", File.ReadAllText(written), StringComparison.Ordinal);

        // The checked-in copy was written with repository-relative paths, as a user runs the command from the root.
        var recorded = RecordedExecution.Load(Path.Combine(Fixtures, "history-compensated.json"));
        var skeleton = TestSkeletonWriter.Write(new TestSkeletonSpec("HistoryCompensatedReplayTests", "statemachines/order-saga.asl.json",
            new Dictionary<string, string>(), MockCaseBuilder.Build(recorded, "OrderSaga", "HistoryCompensated"), recorded,
            "tests/Scenarios.Tests/fixtures/history-compensated.json"));
        var checkedIn = Path.Combine(Path.GetDirectoryName(OrderSaga.DefinitionPath)!, "..", "tests", "Scenarios.Tests", "Replays", "HistoryCompensatedReplayTests.cs");
        if (Environment.GetEnvironmentVariable("UPDATE_REPLAY_SKELETON") == "1")
        {
            File.WriteAllText(checkedIn, skeleton);
        }

        Assert.Equal(skeleton, File.ReadAllText(checkedIn).ReplaceLineEndings("\n"));
    }

    private static (int Exit, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = ReplayCommand.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
