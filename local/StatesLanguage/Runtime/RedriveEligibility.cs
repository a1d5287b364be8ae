namespace StatesLanguage.Runtime;

/// <summary>
/// AWS's rules for whether an execution can be redriven, with its <c>redriveStatusReason</c> sentences: shared by the
/// engine and by stores that describe executions the engine no longer holds.
/// </summary>
public static class RedriveEligibility
{
    /// <summary>Why the execution cannot be redriven; null when it can.</summary>
    /// <param name="stateMachineType">STANDARD or EXPRESS.</param>
    /// <param name="historyEvents">How many events its history holds.</param>
    /// <param name="maxHistoryEvents">The history limit (AWS: 25,000); a redrive needs room for ExecutionRedriven.</param>
    /// <param name="hasCheckpoint">Whether the state to redrive from is known.</param>
    public static string? NotRedrivableReason(string stateMachineType, ExecutionStatus status, DateTimeOffset? stopDate, DateTimeOffset now,
        int historyEvents, int maxHistoryEvents, int redriveCount, bool hasCheckpoint)
    {
        if (stateMachineType == "EXPRESS")
        {
            return "Execution is of type EXPRESS and cannot be redriven.";
        }
        // Constant texts: every description of a running execution asks, and most never show the answer.
        if (status is ExecutionStatus.RUNNING)
        {
            return "Execution is RUNNING and cannot be redriven.";
        }
        if (status is ExecutionStatus.SUCCEEDED)
        {
            return "Execution is SUCCEEDED and cannot be redriven.";
        }
        if (historyEvents >= maxHistoryEvents - 1)
        {
            return "Execution history event limit exceeded.";
        }
        if (stopDate is { } stopped && now - stopped > Execution.RedrivablePeriod)
        {
            return "Execution redrivable period exceeded.";
        }
        if (redriveCount >= Execution.MaxRedrives)
        {
            return "Execution redrive limit exceeded.";
        }
        if (!hasCheckpoint)
        {
            return "Execution has no recorded state to redrive from.";
        }
        return null;
    }
}
