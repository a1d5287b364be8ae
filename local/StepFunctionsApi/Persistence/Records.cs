namespace StepFunctionsApi.Persistence;

/// <summary>A state machine as the API stores it (the engine holds only the parsed copy it runs).</summary>
public sealed record StateMachineRecord(
    string Arn,
    string Name,
    string Definition,
    string RoleArn,
    string Type,
    DateTimeOffset CreationDate,
    DateTimeOffset UpdateDate,
    string RevisionId);

/// <summary>
/// An execution as the API stores it: what DescribeExecution returns, the definition it runs (for
/// DescribeStateMachineForExecution and restart), the mock test case, and the last top-level checkpoint.
/// </summary>
public sealed record ExecutionRecord
{
    public required string Arn { get; init; }

    public required string StateMachineArn { get; init; }

    public required string Name { get; init; }

    public required string Status { get; init; }

    public required DateTimeOffset StartDate { get; init; }

    public DateTimeOffset? StopDate { get; init; }

    public required string Input { get; init; }

    public string? Output { get; init; }

    public string? Error { get; init; }

    public string? Cause { get; init; }

    /// <summary>The mock test case ("stateMachineArn#Case") the execution was started with, if any.</summary>
    public string? TestCase { get; init; }

    public required string Definition { get; init; }

    public required string RoleArn { get; init; }

    public DateTimeOffset DefinitionUpdateDate { get; init; }

    /// <summary>The last checkpoint the engine reported (what a restart resumes from); null before the first.</summary>
    public StatesLanguage.Runtime.ExecutionCheckpoint? Checkpoint { get; init; }

    /// <summary>How many times RedriveExecution restarted it.</summary>
    public int RedriveCount { get; init; }

    /// <summary>When it was last redriven; null if never.</summary>
    public DateTimeOffset? RedriveDate { get; init; }

    /// <summary>Insertion order; breaks ties between executions started in the same millisecond.</summary>
    public long Sequence { get; init; }

    public bool IsRunning => Status == "RUNNING";
}
