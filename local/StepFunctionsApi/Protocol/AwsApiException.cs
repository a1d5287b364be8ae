namespace StepFunctionsApi.Protocol;

/// <summary>An error the API answers with AWS's error type (e.g. ExecutionDoesNotExist) and HTTP status.</summary>
public sealed class AwsApiException(string errorType, string message, int statusCode = 400) : Exception(message)
{
    public string ErrorType { get; } = errorType;

    public int StatusCode { get; } = statusCode;

    /// <summary>The <c>__type</c> AWS sends: modeled Step Functions errors and coral's protocol errors live in different namespaces.</summary>
    public string QualifiedType => ErrorType switch
    {
        "ValidationException" => "com.amazon.coral.validate#ValidationException",
        "UnknownOperationException" or "SerializationException" or "InternalFailure" => "com.amazon.coral.service#" + ErrorType,
        _ => "com.amazonaws.swf.service.v2.model#" + ErrorType,
    };

    public static AwsApiException Validation(string message) => new("ValidationException", message);

    /// <summary>Coral's message for one failed constraint on a request member.</summary>
    public static AwsApiException Constraint(string member, string? value, string constraint) =>
        Validation($"1 validation error detected: Value {(value is null ? "null" : $"'{value}'")} at '{member}' failed to satisfy constraint: {constraint}");

    public static AwsApiException InvalidArn(string arn) => new("InvalidArn", $"Invalid Arn: '{arn}'");

    public static AwsApiException InvalidName(string name) => new("InvalidName", $"Invalid Name: '{name}'");

    public static AwsApiException InvalidToken(string token) => new("InvalidToken", $"Invalid Token: '{token}'");

    public static AwsApiException StateMachineDoesNotExist(string arn) =>
        new("StateMachineDoesNotExist", $"State Machine Does Not Exist: '{arn}'");

    public static AwsApiException ExecutionDoesNotExist(string arn) => new("ExecutionDoesNotExist", $"Execution Does Not Exist: '{arn}'");
}
