using System.Net;
using ECommerce.Runtime.Aws;

namespace ECommerce.Runtime.Sns;

/// <summary>An error answered by the SNS API, with AWS's error code (e.g. NotFound, InvalidParameter, AuthorizationError).</summary>
public sealed class SnsException : Exception
{
    public const string NotFound = "NotFound";
    public const string InvalidParameter = "InvalidParameter";
    public const string AuthorizationError = "AuthorizationError";
    public const string Throttled = "Throttled";
    public const string InternalError = "InternalError";

    public SnsException(string errorCode, string message, HttpStatusCode statusCode)
        : base($"{errorCode}: {message}")
    {
        ErrorCode = errorCode;
        ServiceMessage = message;
        StatusCode = statusCode;
    }

    /// <summary>AWS's error code (the <c>Error/Code</c> of the XML error document).</summary>
    public string ErrorCode { get; }

    /// <summary>The message as the service sent it.</summary>
    public string ServiceMessage { get; }

    public HttpStatusCode StatusCode { get; }

    /// <summary>True for throttling and server-side faults, which a later retry may get past.</summary>
    public bool IsTransient => AwsErrorCodes.IsTransient(StatusCode, ErrorCode);
}
