using System.Net;
using ECommerce.Runtime.Aws;

namespace ECommerce.Runtime.Sns;

/// <summary>An error answered by the SNS API, with AWS's error code (e.g. NotFound, InvalidParameter, AuthorizationError).</summary>
public sealed class SnsException : AwsServiceException
{
    public const string NotFound = "NotFound";
    public const string InvalidParameter = "InvalidParameter";
    public const string AuthorizationError = "AuthorizationError";
    public const string Throttled = "Throttled";
    public const string InternalError = "InternalError";

    public SnsException(string errorCode, string message, HttpStatusCode statusCode)
        : base(errorCode, message, statusCode)
    {
    }
}
