namespace StatesLanguage;

/// <summary>A Step Functions error (name and cause) raised while running a state; Retry and Catch match on <see cref="Error"/>.</summary>
public class StatesException(string error, string? cause) : Exception(cause ?? error)
{
    public string Error { get; } = error;

    public string? Cause { get; } = cause;
}

/// <summary>The error names AWS Step Functions uses.</summary>
public static class StatesErrors
{
    public const string All = "States.ALL";
    public const string Runtime = "States.Runtime";
    public const string TaskFailed = "States.TaskFailed";
    public const string Timeout = "States.Timeout";
    public const string HeartbeatTimeout = "States.HeartbeatTimeout";
    public const string DataLimitExceeded = "States.DataLimitExceeded";
    public const string NoChoiceMatched = "States.NoChoiceMatched";
    public const string BranchFailed = "States.BranchFailed";
    public const string IntrinsicFailure = "States.IntrinsicFailure";
    public const string ParameterPathFailure = "States.ParameterPathFailure";
    public const string ResultPathMatchFailure = "States.ResultPathMatchFailure";
    public const string ExceedToleratedFailureThreshold = "States.ExceedToleratedFailureThreshold";
    public const string ItemReaderFailed = "States.ItemReaderFailed";
    public const string Permissions = "States.Permissions";
    public const string QueryEvaluationError = "States.QueryEvaluationError";
}

/// <summary>
/// States.QueryEvaluationError raised by a JSONata field; the interpreter records an EvaluationFailed event and prefixes
/// the cause with the state and its entered event, as AWS does.
/// </summary>
public sealed class QueryEvaluationException(string field, string reason) : StatesException(StatesErrors.QueryEvaluationError, reason)
{
    public string Field { get; } = field;
}
