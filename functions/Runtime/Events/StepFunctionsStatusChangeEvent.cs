using System.Text.Json.Serialization;

namespace ECommerce.Runtime.Events;

/// <summary>The EventBridge event "Step Functions Execution Status Change" (source aws.states).</summary>
public sealed record StepFunctionsStatusChangeEvent
{
    public const string DetailTypeValue = "Step Functions Execution Status Change";

    [JsonPropertyName("version")] public string? Version { get; init; }
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("detail-type")] public string? DetailType { get; init; }
    [JsonPropertyName("source")] public string? Source { get; init; }
    [JsonPropertyName("account")] public string? Account { get; init; }
    [JsonPropertyName("time")] public DateTimeOffset? Time { get; init; }
    [JsonPropertyName("region")] public string? Region { get; init; }
    [JsonPropertyName("resources")] public IReadOnlyList<string>? Resources { get; init; }
    [JsonPropertyName("detail")] public required StepFunctionsExecutionDetail Detail { get; init; }
}

/// <summary>The detail of an execution status change; dates are epoch milliseconds as EventBridge sends them.</summary>
public sealed record StepFunctionsExecutionDetail
{
    [JsonPropertyName("executionArn")] public required string ExecutionArn { get; init; }
    [JsonPropertyName("stateMachineArn")] public string? StateMachineArn { get; init; }
    [JsonPropertyName("name")] public required string Name { get; init; }

    /// <summary>RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED or PENDING_REDRIVE.</summary>
    [JsonPropertyName("status")] public required string Status { get; init; }

    [JsonPropertyName("startDate")] public long? StartDate { get; init; }
    [JsonPropertyName("stopDate")] public long? StopDate { get; init; }
    [JsonPropertyName("input")] public string? Input { get; init; }
    [JsonPropertyName("output")] public string? Output { get; init; }
    [JsonPropertyName("error")] public string? Error { get; init; }
    [JsonPropertyName("cause")] public string? Cause { get; init; }
    [JsonPropertyName("redriveCount")] public int? RedriveCount { get; init; }
    [JsonPropertyName("redriveDate")] public long? RedriveDate { get; init; }
    [JsonPropertyName("redriveStatus")] public string? RedriveStatus { get; init; }
    [JsonPropertyName("redriveStatusReason")] public string? RedriveStatusReason { get; init; }
}
