using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using StatesLanguage.Json;

namespace StatesLanguage.Runtime;

/// <summary>
/// Serializable interpreter position at the top level of an execution: enough to resume it by running
/// <see cref="StateName"/> with <see cref="StateInput"/>. Updated after every top-level transition, after every
/// retry of that state, and each time one of its Parallel branches or Map iterations succeeds.
/// </summary>
/// <param name="StateName">The top-level state to run (or that is running).</param>
/// <param name="StateInput">That state's raw input, as JSON text.</param>
/// <param name="LastEventId">The id of the last history event before the state was entered.</param>
/// <param name="RetryCounts">Retries used so far by the state, by retrier index ("0", "1", ...).</param>
public sealed record ExecutionCheckpoint(string StateName, string StateInput, int LastEventId, IReadOnlyDictionary<string, int> RetryCounts)
{
    /// <summary>The execution's variables (a JSON object) as the state sees them on entry; null when none were assigned.</summary>
    public string? Variables { get; init; }

    /// <summary>
    /// For a Parallel or Map state: the outputs (JSON text) of the branches or iterations that already succeeded in
    /// the current attempt, by index. Resume and redrive run only the others.
    /// </summary>
    public IReadOnlyDictionary<int, string>? CompletedChildren { get; init; }

    /// <summary>The checkpoint as one JSON object, for a store.</summary>
    public string ToJson()
    {
        // Written straight to UTF-8: a checkpoint is saved after every state, and building it as nodes first cost more
        // than the write.
        var writer = Text.Start();
        writer.WriteStartObject();
        writer.WriteString("stateName", StateName);
        writer.WriteString("stateInput", StateInput);
        writer.WriteNumber("lastEventId", LastEventId);
        writer.WriteStartObject("retryCounts");
        foreach (var (retrier, count) in RetryCounts)
        {
            writer.WriteNumber(retrier, count);
        }
        writer.WriteEndObject();
        if (Variables is not null)
        {
            writer.WriteString("variables", Variables);
        }
        if (CompletedChildren is not null)
        {
            writer.WriteStartObject("completedChildren");
            foreach (var (index, output) in CompletedChildren.OrderBy(p => p.Key))
            {
                writer.WriteString(index.ToString(CultureInfo.InvariantCulture), output);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        return Encoding.UTF8.GetString(Text.Written());
    }

    private static readonly ReusableJsonWriter Text = new(new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <summary>Reads what <see cref="ToJson"/> wrote.</summary>
    /// <exception cref="FormatException">The text is not a checkpoint.</exception>
    public static ExecutionCheckpoint Parse(string json)
    {
        try
        {
            var obj = JsonUtil.Parse(json) as JsonObject ?? throw new FormatException("A checkpoint must be a JSON object.");
            var retries = (obj["retryCounts"] as JsonObject)?.ToDictionary(p => p.Key, p => p.Value!.GetValue<int>(), StringComparer.Ordinal)
                ?? new Dictionary<string, int>(StringComparer.Ordinal);
            return new ExecutionCheckpoint(
                obj["stateName"]?.GetValue<string>() ?? throw new FormatException("A checkpoint needs 'stateName'."),
                obj["stateInput"]?.GetValue<string>() ?? throw new FormatException("A checkpoint needs 'stateInput'."),
                obj["lastEventId"]?.GetValue<int>() ?? throw new FormatException("A checkpoint needs 'lastEventId'."),
                retries)
            {
                Variables = obj["variables"]?.GetValue<string>(),
                CompletedChildren = (obj["completedChildren"] as JsonObject)?.ToDictionary(
                    p => int.Parse(p.Key, CultureInfo.InvariantCulture), p => p.Value!.GetValue<string>()),
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw new FormatException("Invalid execution checkpoint: " + ex.Message, ex);
        }
    }
}

/// <summary>What a store keeps of an execution that was RUNNING when the process stopped: enough to resume it.</summary>
/// <param name="History">Every event recorded so far, in id order.</param>
/// <param name="Checkpoint">The last checkpoint the engine reported; null when none was reported.</param>
public sealed record PersistedExecution(
    string ExecutionArn,
    string Name,
    string Input,
    DateTimeOffset StartDate,
    string? TestCase,
    IReadOnlyList<HistoryEvent> History,
    ExecutionCheckpoint? Checkpoint);
