using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using StatesLanguage.Json;

namespace StatesLanguage.Runtime;

/// <summary>One event of an execution history, shaped like a GetExecutionHistory event.</summary>
public sealed record HistoryEvent(long Id, long PreviousEventId, DateTimeOffset Timestamp, string Type, JsonObject? Details)
{
    private JsonObject? _details = Details;
    private readonly EventDetails? _recorded;

    private HistoryEvent(EventDetails? recorded, long id, long previousEventId, DateTimeOffset timestamp, string type)
        : this(id, previousEventId, timestamp, type, (JsonObject?)null) => _recorded = recorded;

    /// <summary>An event the interpreter records: its details become a JsonObject when first read.</summary>
    internal static HistoryEvent Recorded(long id, long previousEventId, DateTimeOffset timestamp, string type, EventDetails? details) =>
        new(details, id, previousEventId, timestamp, type);

    public JsonObject? Details
    {
        get => _details ?? BuildDetails();
        init => _details = value;
    }

    private JsonObject? BuildDetails()
    {
        if (_recorded is null)
        {
            return null;
        }
        // Readers on several threads must all get the same object.
        var built = _recorded.ToJsonObject();
        return Interlocked.CompareExchange(ref _details, built, null) ?? built;
    }

    /// <summary>The <c>*EventDetails</c> key AWS uses for this event type.</summary>
    public string DetailsKey => DetailsKeyFor(Type);

    /// <summary>The state name in stateEntered/stateExited/mapIteration details, if any.</summary>
    public string? StateName => Volatile.Read(ref _details) is null && _recorded is not null
        ? _recorded.GetString("name")
        : Details?["name"]?.GetValue<string>();

    /// <summary>Whether the event has details (what <see cref="WriteDetails"/> writes).</summary>
    public bool HasDetails => Volatile.Read(ref _details) is not null || _recorded is not null;

    /// <summary>
    /// Writes the details object as <c>Details.ToJsonString()</c> would, without building a JsonObject for an event the
    /// interpreter recorded: a store writes every event, and most are never read back one by one.
    /// </summary>
    /// <exception cref="InvalidOperationException">The event has no details.</exception>
    public void WriteDetails(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (Volatile.Read(ref _details) is { } details)
        {
            details.WriteTo(writer);
        }
        else if (_recorded is not null)
        {
            _recorded.WriteTo(writer);
        }
        else
        {
            throw new InvalidOperationException($"Event {Id} ({Type}) has no details.");
        }
    }

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

    /// <summary>The event as one JSON object for a store: the AWS shape, with an exact ISO-8601 timestamp.</summary>
    public string ToJson()
    {
        var obj = ToAwsJson();
        obj["timestamp"] = Timestamp.ToString("O", CultureInfo.InvariantCulture);
        return JsonUtil.Serialize(obj);
    }

    /// <summary>
    /// Reads an event written by <see cref="ToJson"/> or printed by <see cref="ToAwsJson"/> (or by the AWS CLI):
    /// the timestamp may be ISO-8601 text or epoch seconds.
    /// </summary>
    /// <exception cref="FormatException">The text is not a history event.</exception>
    public static HistoryEvent Parse(string json)
    {
        try
        {
            return FromJson(JsonUtil.Parse(json) as JsonObject ?? throw new FormatException("A history event must be a JSON object."));
        }
        catch (JsonException ex)
        {
            throw new FormatException("Invalid history event: " + ex.Message, ex);
        }
    }

    /// <summary>Reads one event object of a GetExecutionHistory response (or of <see cref="ToJson"/>).</summary>
    public static HistoryEvent FromJson(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        try
        {
            var type = obj["type"]?.GetValue<string>() ?? throw new FormatException("A history event needs 'type'.");
            var id = obj["id"]?.GetValue<long>() ?? throw new FormatException("A history event needs 'id'.");
            var previous = obj["previousEventId"]?.GetValue<long>() ?? 0;
            var timestamp = obj["timestamp"] switch
            {
                JsonValue v when JsonUtil.TryGetString(v, out var text) =>
                    DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                JsonValue v when JsonUtil.TryGetNumber(v, out var seconds) =>
                    DateTimeOffset.FromUnixTimeMilliseconds((long)decimal.Round(seconds * 1000m)),
                _ => throw new FormatException("A history event needs 'timestamp'."),
            };
            var details = obj[DetailsKeyFor(type)] as JsonObject;
            return new HistoryEvent(id, previous, timestamp, type, (JsonObject?)details?.DeepClone());
        }
        catch (InvalidOperationException ex)
        {
            throw new FormatException("Invalid history event: " + ex.Message, ex);
        }
    }

    /// <summary>A whole history as the JSON <c>aws stepfunctions get-execution-history</c> prints.</summary>
    public static string ToAwsHistoryJson(IEnumerable<HistoryEvent> events) =>
        JsonUtil.Serialize(new JsonObject { ["events"] = new JsonArray(events.Select(e => (JsonNode)e.ToAwsJson()).ToArray()) });
}

/// <summary>Sees every history event as it is appended (for persistence, consoles, metrics).</summary>
public interface IExecutionObserver
{
    void OnHistoryEvent(ExecutionInfo execution, HistoryEvent historyEvent);

    /// <summary>
    /// Called after every top-level state transition with the state the execution will run next, and again when that
    /// state retries or one of its Parallel branches or Map iterations succeeds. Persist it with the events up to
    /// <see cref="ExecutionCheckpoint.LastEventId"/>; <see cref="StepFunctionsEngine.ResumeExecution"/> takes it back.
    /// </summary>
    void OnCheckpoint(ExecutionInfo execution, ExecutionCheckpoint checkpoint) { }

    void OnStatusChanged(ExecutionInfo execution) { }

    /// <summary>Called on start, on redrive and on every terminal status with the event AWS sends to EventBridge.</summary>
    void OnExecutionStatusChange(ExecutionStatusChange statusChange) { }
}
