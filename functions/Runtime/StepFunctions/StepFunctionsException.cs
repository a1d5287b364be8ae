using System.Net;
using ECommerce.Runtime.Aws;

namespace ECommerce.Runtime.StepFunctions;

/// <summary>An error answered by the Step Functions API, with AWS's error code (the <c>__type</c> without namespace).</summary>
public sealed class StepFunctionsException : AwsServiceException
{
    public const string ExecutionAlreadyExists = "ExecutionAlreadyExists";
    public const string StateMachineDoesNotExist = "StateMachineDoesNotExist";
    public const string ExecutionDoesNotExist = "ExecutionDoesNotExist";
    public const string InvalidName = "InvalidName";
    public const string InvalidArn = "InvalidArn";
    public const string ThrottlingException = "ThrottlingException";

    public StepFunctionsException(string errorCode, string message, HttpStatusCode statusCode)
        : base(errorCode, message, statusCode)
    {
    }

    /// <summary>Turns an <c>__type</c> such as <c>com.amazonaws.swf.service.v2.model#ExecutionAlreadyExists</c> into its code.</summary>
    public static string ErrorCodeFromType(string? type)
    {
        if (string.IsNullOrWhiteSpace(type))
        {
            return "UnknownError";
        }

        var code = type[(type.LastIndexOf('#') + 1)..];
        var colon = code.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 ? code[..colon] : code;
    }
}
