using System.Text;
using System.Text.Json.Nodes;
using StatesLanguage.Json;
using StatesLanguage.Runtime;

namespace StateMachineReplay;

/// <summary>A MockConfigFile (AWS Step Functions Local's format) holding one test case rebuilt from a recorded execution.</summary>
public sealed record ReplayCase(string StateMachineName, string TestCaseName, JsonObject MockConfigFile)
{
    public string ToJson() => MockConfigFile.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
}

/// <summary>
/// Turns a recorded execution into a mock test case: every task state gets one mocked response per attempt, in the
/// order they happened ("0", "1", ...: a retried attempt is its own entry), a success as its Return (the task's
/// output as recorded) and a failure or timeout as its Throw (error and cause).
/// </summary>
public static class MockCaseBuilder
{
    private static readonly HashSet<string> Succeeded = ["TaskSucceeded", "LambdaFunctionSucceeded", "ActivitySucceeded"];

    private static readonly HashSet<string> Failed =
    [
        "TaskFailed", "TaskStartFailed", "TaskSubmitFailed", "LambdaFunctionFailed", "LambdaFunctionStartFailed",
        "LambdaFunctionScheduleFailed", "ActivityFailed", "ActivityScheduleFailed",
    ];

    private static readonly HashSet<string> TimedOut = ["TaskTimedOut", "LambdaFunctionTimedOut", "ActivityTimedOut"];

    public static ReplayCase Build(RecordedExecution recorded, string stateMachineName, string testCaseName)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        var attemptsByState = new Dictionary<string, List<JsonObject>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (stateName, historyEvent) in WithOwningState(recorded.Events))
        {
            var outcome = Outcome(historyEvent);
            if (outcome is null || stateName is null)
            {
                continue;
            }

            if (!attemptsByState.TryGetValue(stateName, out var attempts))
            {
                attemptsByState[stateName] = attempts = [];
                order.Add(stateName);
            }

            attempts.Add(outcome);
        }

        var testCase = new JsonObject();
        var responses = new JsonObject();
        foreach (var stateName in order)
        {
            var responseName = UniqueName(ResponseNameFor(stateName), responses);
            testCase[stateName] = responseName;
            var entries = new JsonObject();
            var attempts = attemptsByState[stateName];
            for (var i = 0; i < attempts.Count; i++)
            {
                entries[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = attempts[i];
            }

            responses[responseName] = entries;
        }

        var file = new JsonObject
        {
            ["StateMachines"] = new JsonObject
            {
                [stateMachineName] = new JsonObject { ["TestCases"] = new JsonObject { [testCaseName] = testCase } },
            },
            ["MockedResponses"] = responses,
        };
        return new ReplayCase(stateMachineName, testCaseName, file);
    }

    /// <summary>"Reserve inventory" → "ReserveInventory": a name usable as a response name and a C# identifier.</summary>
    public static string PascalCase(string text)
    {
        var builder = new StringBuilder();
        var startOfWord = true;
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                startOfWord = true;
                continue;
            }

            builder.Append(startOfWord ? char.ToUpperInvariant(c) : c);
            startOfWord = false;
        }

        return builder.Length > 0 && char.IsAsciiDigit(builder[0]) ? "_" + builder : builder.ToString();
    }

    // Each event belongs to the state whose StateEntered its previousEventId chain leads back to, which keeps the
    // attempts of parallel branches apart.
    private static IEnumerable<(string? State, HistoryEvent Event)> WithOwningState(IReadOnlyList<HistoryEvent> events)
    {
        var owner = new Dictionary<long, string?>();
        foreach (var historyEvent in events)
        {
            var state = historyEvent.Type.EndsWith("StateEntered", StringComparison.Ordinal)
                ? historyEvent.StateName
                : owner.GetValueOrDefault(historyEvent.PreviousEventId);
            owner[historyEvent.Id] = state;
            yield return (state, historyEvent);
        }
    }

    private static JsonObject? Outcome(HistoryEvent historyEvent)
    {
        var details = historyEvent.Details;
        if (Succeeded.Contains(historyEvent.Type))
        {
            var output = details?["output"]?.GetValue<string>();
            return new JsonObject { ["Return"] = output is null ? null : JsonUtil.Parse(output) };
        }

        if (Failed.Contains(historyEvent.Type) || TimedOut.Contains(historyEvent.Type))
        {
            var thrown = new JsonObject
            {
                ["Error"] = details?["error"]?.GetValue<string>() ?? (TimedOut.Contains(historyEvent.Type) ? "States.Timeout" : "States.TaskFailed"),
            };
            if (details?["cause"]?.GetValue<string>() is { } cause)
            {
                thrown["Cause"] = cause;
            }

            return new JsonObject { ["Throw"] = thrown };
        }

        return null;
    }

    private static string ResponseNameFor(string stateName) => PascalCase(stateName) is { Length: > 0 } name ? name + "Replayed" : "StateReplayed";

    private static string UniqueName(string name, JsonObject taken)
    {
        var candidate = name;
        for (var i = 2; taken.ContainsKey(candidate); i++)
        {
            candidate = name + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return candidate;
    }
}
