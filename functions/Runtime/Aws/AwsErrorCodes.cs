using System.Net;

namespace ECommerce.Runtime.Aws;

/// <summary>Which AWS error answers a later retry may get past (throttling and server-side faults).</summary>
internal static class AwsErrorCodes
{
    private static readonly HashSet<string> TransientCodes = new(StringComparer.Ordinal)
    {
        "ThrottlingException", "Throttling", "Throttled", "RequestLimitExceeded", "TooManyRequestsException",
        "KMSThrottling", "ServiceUnavailable", "InternalFailure", "InternalError",
    };

    public static bool IsTransient(HttpStatusCode statusCode, string errorCode) =>
        (int)statusCode >= 500 || statusCode == HttpStatusCode.TooManyRequests || TransientCodes.Contains(errorCode);
}
