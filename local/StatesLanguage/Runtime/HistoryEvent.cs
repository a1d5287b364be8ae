using System.Text.Json.Nodes;
using StatesLanguage.Json;

namespace StatesLanguage.Runtime;

/// <summary>One event of an execution history, shaped like a GetExecutionHistory event.</summary>
public sealed record HistoryEvent(long Id, long PreviousEventId, DateTimeOffset Timestamp, string Type, JsonObject? Details)
{
    /// <summary>The <c>*EventDetails</c> key AWS uses for this event type.</summary>
    public string DetailsKey => DetailsKeyFor(Type);

    /// <summary>The state name in stateEntered/stateExited/mapIteration details, if any.</summary>
    public string? StateName => Details?["name"]?.GetValue<string>();

    public static string DetailsKeyFor(string type)
    {
        if (type.EndsWith("StateEntered", StringComparison.Ordinal) && type != "MapRunStarted")
        {
            return "stateEnteredEventDetails";
        }
        if (type.EndsWith("StateExited", StringComparison.Ordinal))
        {
            return "stateExitedEventDetails";
        }
        return char.ToLowerInvariant(type[0]) + type[1..] + "EventDetails";
    }

    /// <summary>The event as the AWS CLI prints it: camelCase keys, timestamp in epoch seconds with a fraction.</summary>
    public JsonObject ToAwsJson()
    {
        var obj = new JsonObject
        {
            ["timestamp"] = JsonValue.Create(Math.Round(Timestamp.ToUnixTimeMilliseconds() / 1000m, 3)),
            ["type"] = Type,
            ["id"] = Id,
            ["previousEventId"] = PreviousEventId,
        };
        if (Details is not null)
        {
            obj[DetailsKey] = Details.DeepClone();
        }
        return obj;
    }

    /// <summary>A whole history as the JSON <c>aws stepfunctions get-execution-history</c> prints.</summary>
    public static string ToAwsHistoryJson(IEnumerable<HistoryEvent> events) =>
        JsonUtil.Serialize(new JsonObject { ["events"] = new JsonArray(events.Select(e => (JsonNode)e.ToAwsJson()).ToArray()) });
}

/// <summary>Sees every history event as it is appended (for persistence, consoles, metrics).</summary>
public interface IExecutionObserver
{
    void OnHistoryEvent(ExecutionInfo execution, HistoryEvent historyEvent);

    /// <summary>Called after every top-level state transition with the state the execution will run next.</summary>
    void OnCheckpoint(ExecutionInfo execution, ExecutionCheckpoint checkpoint) { }

    void OnStatusChanged(ExecutionInfo execution) { }
}

/// <summary>
/// Serializable interpreter position at the top level of an execution: enough to resume it by running
/// <see cref="StateName"/> with <see cref="StateInput"/>. Parallel branches and Map iterations in flight are
/// restarted from the enclosing state.
/// </summary>
public sealed record ExecutionCheckpoint(string StateName, string StateInput, int LastEventId, IReadOnlyDictionary<string, int> RetryCounts);
