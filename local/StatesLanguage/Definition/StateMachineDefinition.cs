using System.Text.Json.Nodes;

namespace StatesLanguage.Definition;

/// <summary>A set of states with a start state: the top-level machine, a Parallel branch or a Map processor.</summary>
public class Workflow
{
    public required string StartAt { get; init; }

    public required IReadOnlyDictionary<string, StateDefinition> States { get; init; }

    /// <summary>Map processors only: INLINE (default) or DISTRIBUTED.</summary>
    public string Mode { get; init; } = "INLINE";

    /// <summary>Distributed Map child execution type (STANDARD or EXPRESS).</summary>
    public string ExecutionType { get; init; } = "STANDARD";
}

/// <summary>A parsed and validated state machine definition.</summary>
public sealed class StateMachineDefinition : Workflow
{
    public string? Comment { get; init; }

    public int? TimeoutSeconds { get; init; }

    public string QueryLanguage { get; init; } = "JSONPath";

    /// <summary>The definition as JSON (YAML definitions are converted).</summary>
    public required JsonObject Json { get; init; }
}

/// <summary>One state of a definition; fields not used by its type stay null.</summary>
public sealed class StateDefinition
{
    public required string Name { get; init; }

    public required string Type { get; init; }

    public required JsonObject Json { get; init; }

    public string? Next { get; init; }

    public bool End { get; init; }

    /// <summary>"$" when absent; null when the definition sets it to null (discard).</summary>
    public string? InputPath { get; init; } = "$";

    public string? OutputPath { get; init; } = "$";

    public string? ResultPath { get; init; } = "$";

    public JsonNode? Parameters { get; init; }

    public JsonNode? ResultSelector { get; init; }

    public JsonNode? Result { get; init; }

    public bool HasResult { get; init; }

    public IReadOnlyList<Retrier> Retry { get; init; } = [];

    public IReadOnlyList<Catcher> Catch { get; init; } = [];

    public string? QueryLanguage { get; init; }

    /// <summary>True when the state evaluates JSONata (its own QueryLanguage, or the machine's).</summary>
    public bool IsJsonata { get; init; }

    /// <summary>JSONata: the Task's arguments, the Parallel's branch input.</summary>
    public JsonNode? Arguments { get; init; }

    /// <summary>JSONata: the state output (default: the result, or the input for states without one).</summary>
    public JsonNode? Output { get; init; }

    /// <summary>JSONata Map: the items (an array, or an expression giving one); default: the input.</summary>
    public JsonNode? Items { get; init; }

    /// <summary>Assign: variables set when the state exits (values, or <c>.$</c> paths and intrinsics).</summary>
    public JsonObject? Assign { get; init; }

    // Task
    public string? Resource { get; init; }

    private Integrations.TaskResource? _taskResource;
    private bool? _readsContext;

    /// <summary>
    /// False when nothing in the state can read the context object (no <c>$$</c> anywhere in it, not JSONata), so the
    /// interpreter need not fill in its <c>State</c> entry.
    /// </summary>
    internal bool ReadsContext => _readsContext ??= IsJsonata || Json.ToJsonString().Contains("$$", StringComparison.Ordinal);

    /// <summary>The Resource ARN parsed once, for every run of this state.</summary>
    internal Integrations.TaskResource? TaskResource => Resource is null ? null : _taskResource ??= new Integrations.TaskResource(Resource);

    public int? TimeoutSeconds { get; init; }

    public string? TimeoutSecondsPath { get; init; }

    public int? HeartbeatSeconds { get; init; }

    public string? HeartbeatSecondsPath { get; init; }

    // Choice
    public IReadOnlyList<ChoiceRule> Choices { get; init; } = [];

    public string? Default { get; init; }

    // Wait
    public JsonNode? Seconds { get; init; }

    public string? SecondsPath { get; init; }

    public string? Timestamp { get; init; }

    public string? TimestampPath { get; init; }

    // Fail
    public string? Error { get; init; }

    public string? ErrorPath { get; init; }

    public string? Cause { get; init; }

    public string? CausePath { get; init; }

    // Parallel
    public IReadOnlyList<Workflow> Branches { get; init; } = [];

    // Map
    public Workflow? ItemProcessor { get; init; }

    public string? ItemsPath { get; init; } = "$";

    public JsonNode? ItemSelector { get; init; }

    public JsonNode? MaxConcurrency { get; init; }

    public string? MaxConcurrencyPath { get; init; }

    public JsonNode? ToleratedFailureCount { get; init; }

    public string? ToleratedFailureCountPath { get; init; }

    public JsonNode? ToleratedFailurePercentage { get; init; }

    public string? ToleratedFailurePercentagePath { get; init; }

    public JsonObject? ItemBatcher { get; init; }

    public JsonObject? ItemReader { get; init; }

    public string? Label { get; init; }
}

/// <summary>A Retry entry; defaults follow the States Language spec.</summary>
public sealed record Retrier(
    IReadOnlyList<string> ErrorEquals,
    double IntervalSeconds = 1,
    int MaxAttempts = 3,
    double BackoffRate = 2.0,
    int? MaxDelaySeconds = null,
    string JitterStrategy = "NONE");

/// <summary>A Catch entry.</summary>
public sealed record Catcher(IReadOnlyList<string> ErrorEquals, string Next, string? ResultPath = "$")
{
    /// <summary>Variables set when this catcher is taken (paths read the error output).</summary>
    public JsonObject? Assign { get; init; }

    /// <summary>JSONata: the output when this catcher is taken (default: the error output).</summary>
    public JsonNode? Output { get; init; }
}

/// <summary>A Choice rule: a comparison (Variable + operator), or And/Or/Not of nested rules; top-level rules carry Next.</summary>
public sealed record ChoiceRule
{
    public string? Variable { get; init; }

    public string? Operator { get; init; }

    public JsonNode? Operand { get; init; }

    public IReadOnlyList<ChoiceRule> And { get; init; } = [];

    public IReadOnlyList<ChoiceRule> Or { get; init; } = [];

    public ChoiceRule? Not { get; init; }

    public string? Next { get; init; }

    /// <summary>Top-level rules only: variables set when this rule is taken.</summary>
    public JsonObject? Assign { get; init; }

    /// <summary>JSONata top-level rules only: the output when this rule is taken.</summary>
    public JsonNode? Output { get; init; }
}
