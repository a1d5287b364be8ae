using System.Net;

namespace ECommerce.Runtime.Aws;

/// <summary>
/// An error answered by an AWS service, with AWS's error code; the per-service clients throw their own subclass, as
/// the SDK's service exceptions derive from AmazonServiceException.
/// </summary>
public abstract class AwsServiceException : Exception
{
    protected AwsServiceException(string errorCode, string message, HttpStatusCode statusCode)
        : base($"{errorCode}: {message}")
    {
        ErrorCode = errorCode;
        ServiceMessage = message;
        StatusCode = statusCode;
    }

    /// <summary>AWS's error code, e.g. ExecutionAlreadyExists or NotFound.</summary>
    public string ErrorCode { get; }

    /// <summary>The message as the service sent it.</summary>
    public string ServiceMessage { get; }

    public HttpStatusCode StatusCode { get; }

    /// <summary>True for throttling and server-side faults, which a later retry may get past.</summary>
    public bool IsTransient => AwsErrorCodes.IsTransient(StatusCode, ErrorCode);
}
