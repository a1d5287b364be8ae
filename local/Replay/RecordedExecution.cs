using System.Text.Json;
using System.Text.Json.Nodes;
using StatesLanguage.Runtime;

namespace StateMachineReplay;

/// <summary>
/// An execution as <c>aws stepfunctions get-execution-history --output json</c> prints it (<c>{"events": [...]}</c>,
/// epoch-second timestamps): its input, the states it entered, the outcome of every task attempt, how it ended.
/// </summary>
public sealed class RecordedExecution
{
    private static readonly HashSet<string> Terminal = ["ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted"];

    private RecordedExecution(IReadOnlyList<HistoryEvent> events)
    {
        Events = events;
        Input = events.FirstOrDefault(e => e.Type == "ExecutionStarted")?.Details?["input"]?.GetValue<string>() ?? "{}";
        StatePath = StatePathOf(events);
        var last = events.LastOrDefault(e => Terminal.Contains(e.Type));
        Status = last?.Type switch
        {
            "ExecutionSucceeded" => ExecutionStatus.SUCCEEDED,
            "ExecutionFailed" => ExecutionStatus.FAILED,
            "ExecutionTimedOut" => ExecutionStatus.TIMED_OUT,
            "ExecutionAborted" => ExecutionStatus.ABORTED,
            _ => ExecutionStatus.RUNNING,
        };
        Error = last?.Details?["error"]?.GetValue<string>();
        Cause = last?.Details?["cause"]?.GetValue<string>();
    }

    public IReadOnlyList<HistoryEvent> Events { get; }

    /// <summary>The execution's input (executionStartedEventDetails.input).</summary>
    public string Input { get; }

    /// <summary>The states entered, in order, one entry per visit.</summary>
    public IReadOnlyList<string> StatePath { get; }

    /// <summary>RUNNING when the history has no terminal event (an execution still in flight when it was exported).</summary>
    public ExecutionStatus Status { get; }

    public string? Error { get; }

    public string? Cause { get; }

    /// <summary>The states entered in <paramref name="history"/>, in order, one entry per visit.</summary>
    public static IReadOnlyList<string> StatePathOf(IEnumerable<HistoryEvent> history) =>
        history.Where(e => e.Type.EndsWith("StateEntered", StringComparison.Ordinal) && e.StateName is not null).Select(e => e.StateName!).ToList();

    /// <summary>Reads an exported history file.</summary>
    /// <exception cref="ReplayInputException">The file is missing, is not JSON (line and position given) or is not a history.</exception>
    public static RecordedExecution Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ReplayInputException($"{path}: cannot read the execution history: {exception.Message}", exception);
        }

        return Parse(text, path);
    }

    /// <summary>Reads the JSON text of an exported history; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="ReplayInputException">The text is not JSON or not a history.</exception>
    public static RecordedExecution Parse(string json, string source)
    {
        var root = JsonFiles.Parse(json, source, "execution history");
        if (root is not JsonObject { } document || document["events"] is not JsonArray events)
        {
            throw new ReplayInputException(
                $"{source}: not an execution history: expected {{\"events\": [...]}} as 'aws stepfunctions get-execution-history --output json' prints it.");
        }

        var parsed = new List<HistoryEvent>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            try
            {
                parsed.Add(HistoryEvent.FromJson(events[i] as JsonObject ?? throw new FormatException("an event must be a JSON object.")));
            }
            catch (Exception exception) when (exception is FormatException or InvalidOperationException or JsonException)
            {
                throw new ReplayInputException($"{source}: event #{i + 1} of 'events' is not a history event: {exception.Message}", exception);
            }
        }

        if (parsed.Count == 0)
        {
            throw new ReplayInputException($"{source}: the execution history has no events.");
        }

        // The CLI prints newest first with --reverse-order; the ids always give the order.
        return new RecordedExecution([.. parsed.OrderBy(e => e.Id)]);
    }
}

/// <summary>JSON parsing that names the file, line and position of a syntax error.</summary>
internal static class JsonFiles
{
    public static JsonNode? Parse(string json, string source, string what)
    {
        try
        {
            return JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException exception)
        {
            var line = (exception.LineNumber ?? 0) + 1;
            var position = (exception.BytePositionInLine ?? 0) + 1;
            var reason = exception.Message.Split(" LineNumber:", 2)[0].Split(" Path:", 2)[0].TrimEnd('.', ' ');
            throw new ReplayInputException($"{source}({line},{position}): the {what} is not valid JSON: {reason} (line {line}, position {position}).", exception);
        }
    }
}
