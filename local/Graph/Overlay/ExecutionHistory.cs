using System.Globalization;
using System.Text.Json;

namespace StateMachineGraph.Overlay;

/// <summary>One event of GetExecutionHistory; the type-specific details object is kept as JSON.</summary>
public sealed record HistoryEvent(long Id, long? PreviousEventId, string Type, DateTimeOffset? Timestamp, JsonElement Details)
{
    /// <summary>A string field of the event's details object (for example "name", "error", "cause", "input").</summary>
    public string? Detail(string field) =>
        Details.ValueKind == JsonValueKind.Object && Details.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;

    public bool IsStateEntered => Type.EndsWith("StateEntered", StringComparison.Ordinal);

    public bool IsStateExited => Type.EndsWith("StateExited", StringComparison.Ordinal);

    public bool IsExecutionEnd => Type is "ExecutionSucceeded" or "ExecutionFailed" or "ExecutionAborted" or "ExecutionTimedOut";

    /// <summary>Failures that a Retry or Catch can act on (task, Lambda, activity, Parallel/Map and evaluation errors).</summary>
    public bool IsStateFailure => Type is "TaskFailed" or "TaskTimedOut" or "TaskStartFailed" or "TaskSubmitFailed"
        or "LambdaFunctionFailed" or "LambdaFunctionTimedOut" or "LambdaFunctionStartFailed" or "LambdaFunctionScheduleFailed"
        or "ActivityFailed" or "ActivityTimedOut" or "ActivityScheduleFailed"
        or "ParallelStateFailed" or "MapStateFailed" or "EvaluationFailed";

    /// <summary>The start of one attempt of a state; more than one per visit means the state was retried.</summary>
    public bool IsAttemptStart => Type is "TaskScheduled" or "LambdaFunctionScheduled" or "ActivityScheduled"
        or "ParallelStateStarted" or "MapStateStarted";
}

/// <summary>The events of one execution, as `aws stepfunctions get-execution-history` prints them.</summary>
public sealed class ExecutionHistory
{
    public ExecutionHistory(IReadOnlyList<HistoryEvent> events)
    {
        Events = events;
    }

    public IReadOnlyList<HistoryEvent> Events { get; }

    /// <summary>RUNNING, SUCCEEDED, FAILED, ABORTED or TIMED_OUT, as DescribeExecution reports it.</summary>
    public string Status => Events.LastOrDefault(e => e.IsExecutionEnd)?.Type switch
    {
        "ExecutionSucceeded" => "SUCCEEDED",
        "ExecutionFailed" => "FAILED",
        "ExecutionAborted" => "ABORTED",
        "ExecutionTimedOut" => "TIMED_OUT",
        _ => "RUNNING",
    };

    /// <summary>Parses `{"events":[...]}` (or a bare array of events). Throws <see cref="JsonException"/> on malformed input.</summary>
    public static ExecutionHistory Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var array = root.ValueKind == JsonValueKind.Array ? root
            : root.ValueKind == JsonValueKind.Object && root.TryGetProperty("events", out var e) && e.ValueKind == JsonValueKind.Array ? e
            : throw new JsonException("Expected an object with an \"events\" array");

        var events = new List<HistoryEvent>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            index++;
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("type", out var typeElement)
                || typeElement.ValueKind != JsonValueKind.String)
            {
                throw new JsonException($"Event {index} has no \"type\"");
            }

            var type = typeElement.GetString()!;
            var id = item.TryGetProperty("id", out var idElement) && idElement.TryGetInt64(out var parsedId) ? parsedId : index;
            long? previous = item.TryGetProperty("previousEventId", out var prevElement) && prevElement.TryGetInt64(out var p) ? p : null;
            var timestamp = item.TryGetProperty("timestamp", out var ts) ? ParseTimestamp(ts) : null;
            events.Add(new HistoryEvent(id, previous, type, timestamp, FindDetails(item)));
        }

        return new ExecutionHistory(events);
    }

    // Every event carries at most one "...EventDetails" object, named after its type (stateEnteredEventDetails, taskFailedEventDetails...).
    private static JsonElement FindDetails(JsonElement item)
    {
        foreach (var property in item.EnumerateObject())
        {
            if (property.Name.EndsWith("EventDetails", StringComparison.Ordinal) && property.Value.ValueKind == JsonValueKind.Object)
            {
                return property.Value.Clone();
            }
        }

        return default;
    }

    // The CLI prints ISO 8601 strings; the raw API returns epoch seconds with a fraction.
    private static DateTimeOffset? ParseTimestamp(JsonElement ts) => ts.ValueKind switch
    {
        JsonValueKind.Number when ts.TryGetDouble(out var seconds) =>
            DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000)),
        JsonValueKind.String when DateTimeOffset.TryParse(ts.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) => t,
        _ => null,
    };
}
