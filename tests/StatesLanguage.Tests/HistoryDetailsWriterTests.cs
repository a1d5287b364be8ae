using System.Text;
using System.Text.Json;
using StatesLanguage.Integrations;
using StatesLanguage.Runtime;
using static StatesLanguage.Tests.EngineTestHost;

namespace StatesLanguage.Tests;

/// <summary>A store writes each event's details straight from what the interpreter recorded: the same text, and the same state name.</summary>
public class HistoryDetailsWriterTests
{
    private const string Fn = "arn:aws:lambda:us-east-1:123456789012:function:F";

    [Fact]
    public async Task WriteDetails_GivesTheTextOfDetailsToJsonString_ForEveryEventOfARetriedCaughtFailedExecution()
    {
        // Non-ASCII, HTML-sensitive characters, quotes and control characters, as JSON escapes them.
        const string input = """{"name":"Zoë <b>&</b> 'quoted' \"double\" \t tab","n":42,"nested":{"ok":true,"none":null}}""";
        var definition = """
            {"StartAt":"Call","States":{
              "Call":{"Type":"Task","Resource":"FN","Retry":[{"ErrorEquals":["Flaky"],"IntervalSeconds":1,"MaxAttempts":1}],
                      "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"Wait"}],"Next":"Wait"},
              "Wait":{"Type":"Wait","Seconds":1,"Next":"Choose"},
              "Choose":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericEquals":42,"Next":"Fail"}],"Default":"Fail"},
              "Fail":{"Type":"Fail","Error":"Déjà <vu>","Cause":"line 1\nline 2"}}}
            """.Replace("FN", Fn, StringComparison.Ordinal);
        var lambda = new FakeLambda().On("F",
            LambdaInvocationResult.Failure("Flaky", "first try ✗"),
            LambdaInvocationResult.Failure("Broken", "second try <\u0001>"));

        var result = await RunAsync(definition, input, lambda);

        Assert.Equal(ExecutionStatus.FAILED, result.Status);
        Assert.True(result.History.Count >= 12);
        // Written first, while no event has built its JsonObject yet; then compared with the JsonObject's own text.
        var written = result.History.Select(e => (e.HasDetails ? Written(e) : null, e.StateName)).ToList();
        var expected = result.History.Select(e => (e.Details?.ToJsonString(), e.Details?["name"]?.GetValue<string>())).ToList();
        Assert.Equal(expected, written);
        Assert.Contains(written, w => w.Item1 is not null && w.Item1.Contains("\\u00EB", StringComparison.Ordinal));
    }

    private static string Written(HistoryEvent historyEvent)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            historyEvent.WriteDetails(writer);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
