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
    string? Cause);

/// <summary>The end of an execution: status, output or error and cause, and the whole history.</summary>
public sealed record ExecutionResult(ExecutionInfo Info, IReadOnlyList<HistoryEvent> History)
{
    public ExecutionStatus Status => Info.Status;

    public string? Output => Info.Output;

    public JsonNode? OutputJson => Info.Output is null ? null : JsonNode.Parse(Info.Output);

    public string? Error => Info.Error;

    public string? Cause => Info.Cause;
}
