using System.Globalization;
using System.Text.Json.Nodes;

namespace StateMachineGraph.Tests;

/// <summary>Writes execution histories shaped like `aws stepfunctions get-execution-history` output, with linked event ids.</summary>
internal sealed class HistoryBuilder
{
    private readonly List<JsonObject> _events = [];
    private readonly DateTimeOffset _start = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private long _lastId;

    public static DateTimeOffset At(long id) => new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddMilliseconds(100 * id);

    public HistoryBuilder Started()
    {
        Add("ExecutionStarted", "executionStartedEventDetails", new JsonObject { ["input"] = "{}" }, previous: 0);
        return this;
    }

    /// <summary>A Task state; each attempt is "ok" or an error name. A final error followed by <paramref name="caught"/> exits the state.</summary>
    public HistoryBuilder Task(string name, bool caught = false, params string[] attempts)
    {
        Add("TaskStateEntered", "stateEnteredEventDetails", new JsonObject { ["name"] = name, ["input"] = $"{{\"in\":\"{name}\"}}" });
        var outcomes = attempts.Length == 0 ? ["ok"] : attempts;
        foreach (var outcome in outcomes)
        {
            Add("TaskScheduled", "taskScheduledEventDetails", new JsonObject { ["resource"] = "invoke", ["resourceType"] = "lambda" });
            Add("TaskStarted", "taskStartedEventDetails", new JsonObject { ["resource"] = "invoke", ["resourceType"] = "lambda" });
            if (outcome == "ok")
            {
                Add("TaskSucceeded", "taskSucceededEventDetails", new JsonObject { ["output"] = "{}" });
            }
            else
            {
                Add("TaskFailed", "taskFailedEventDetails", new JsonObject { ["error"] = outcome, ["cause"] = $"{outcome} happened" });
            }
        }

        if (outcomes[^1] == "ok" || caught)
        {
            Add("TaskStateExited", "stateExitedEventDetails", new JsonObject { ["name"] = name, ["output"] = $"{{\"out\":\"{name}\"}}" });
        }

        return this;
    }

    public HistoryBuilder Passes(string typePrefix, string name, bool exits = true)
    {
        Add(typePrefix + "StateEntered", "stateEnteredEventDetails", new JsonObject { ["name"] = name, ["input"] = "{}" });
        if (exits)
        {
            Add(typePrefix + "StateExited", "stateExitedEventDetails", new JsonObject { ["name"] = name, ["output"] = "{}" });
        }

        return this;
    }

    public HistoryBuilder Event(string type, string? detailsName = null, JsonObject? details = null, long? previous = null)
    {
        Add(type, detailsName, details, previous);
        return this;
    }

    public long LastId => _lastId;

    public string ToJson() => new JsonObject { ["events"] = new JsonArray(_events.Select(e => (JsonNode)e).ToArray()) }.ToJsonString();

    private void Add(string type, string? detailsName, JsonObject? details, long? previous = null)
    {
        var id = ++_lastId;
        var e = new JsonObject
        {
            ["timestamp"] = _start.AddMilliseconds(100 * id).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture),
            ["type"] = type,
            ["id"] = id,
            ["previousEventId"] = previous ?? id - 1,
        };
        if (detailsName is not null)
        {
            e[detailsName] = details ?? new JsonObject();
        }

        _events.Add(e);
    }
}
