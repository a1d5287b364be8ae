using System.Text.RegularExpressions;

namespace StepFunctionsApi.Protocol;

/// <summary>Names and ARNs as Step Functions accepts them.</summary>
public static partial class Identifiers
{
    public const int MaxNameLength = 80;
    public const int MaxArnLength = 256;

    // AWS: no whitespace, brackets, wildcards, the characters " # % \ ^ | ~ ` $ & , ; : /, or control characters.
    [GeneratedRegex(@"^[^\s<>{}\[\]?*""#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]+$")]
    private static partial Regex ValidName();

    [GeneratedRegex(@"^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:(?<name>[^:#]+)(?<case>#.+)?$")]
    private static partial Regex StateMachineArnShape();

    [GeneratedRegex(@"^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:(execution|express):(?<machine>[^:]+):(?<name>[^:]+)$")]
    private static partial Regex ExecutionArnShape();

    public static void CheckName(string name)
    {
        if (!ValidName().IsMatch(name))
        {
            throw AwsApiException.InvalidName(name);
        }
    }

    /// <summary>Splits <c>arn…:stateMachine:Name#TestCase</c> into the machine ARN and the test case (null when absent).</summary>
    public static (string StateMachineArn, string? TestCase) ParseStateMachineArn(string arn)
    {
        var match = StateMachineArnShape().Match(arn);
        if (!match.Success)
        {
            throw AwsApiException.InvalidArn(arn);
        }
        return match.Groups["case"].Success ? (arn[..match.Groups["case"].Index], arn) : (arn, null);
    }

    public static void CheckExecutionArn(string arn)
    {
        if (!ExecutionArnShape().IsMatch(arn))
        {
            throw AwsApiException.InvalidArn(arn);
        }
    }
}
