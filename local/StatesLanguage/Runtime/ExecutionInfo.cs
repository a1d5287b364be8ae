using System.Text.Json.Nodes;

namespace StatesLanguage.Runtime;

/// <summary>Execution status as DescribeExecution reports it.</summary>
public enum ExecutionStatus
{
    RUNNING,
    SUCCEEDED,
    FAILED,
    TIMED_OUT,
    ABORTED,
}

/// <summary>A created state machine.</summary>
public sealed record StateMachine(string Arn, string Name, Definition.StateMachineDefinition Definition, string DefinitionJson, string RoleArn, string Type, DateTimeOffset CreationDate);

/// <summary>Snapshot of an execution (DescribeExecution-like).</summary>
public sealed record ExecutionInfo(
    string ExecutionArn,
    string StateMachineArn,
    string Name,
    ExecutionStatus Status,
    DateTimeOffset StartDate,
    DateTimeOffset? StopDate,
    string Input,
    string? Output,
    string? Error,
    string? Cause)
{
    /// <summary>How many times the execution was redriven (0 until the first RedriveExecution).</summary>
    public int RedriveCount { get; init; }

    /// <summary>When the execution was last redriven; null if never.</summary>
    public DateTimeOffset? RedriveDate { get; init; }

    /// <summary>REDRIVABLE, NOT_REDRIVABLE or REDRIVABLE_BY_MAP_RUN.</summary>
    public string RedriveStatus { get; init; } = ExecutionRedriveStatus.NotRedrivable;

    /// <summary>Why the execution cannot be redriven (AWS's sentence); null when it can.</summary>
    public string? RedriveStatusReason { get; init; }
}

/// <summary>The values of DescribeExecution's <c>redriveStatus</c>.</summary>
public static class ExecutionRedriveStatus
{
    public const string Redrivable = "REDRIVABLE";
    public const string NotRedrivable = "NOT_REDRIVABLE";
    public const string RedrivableByMapRun = "REDRIVABLE_BY_MAP_RUN";
}

/// <summary>The end of an execution: status, output or error and cause, and the whole history.</summary>
public sealed record ExecutionResult(ExecutionInfo Info, IReadOnlyList<HistoryEvent> History)
{
    public ExecutionStatus Status => Info.Status;

    public string? Output => Info.Output;

    public JsonNode? OutputJson => Info.Output is null ? null : JsonNode.Parse(Info.Output);

    public string? Error => Info.Error;

    public string? Cause => Info.Cause;
}
