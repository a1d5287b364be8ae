using System.Net;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace ECommerce.Runtime.Aws;

/// <summary>Tells DynamoDB faults worth retrying (throttling, 5xx, network) from ones that are not (validation, conditions).</summary>
public static class DynamoDbFaults
{
    public static bool IsTransient(Exception exception) => exception switch
    {
        ProvisionedThroughputExceededException or RequestLimitExceededException or InternalServerErrorException
            or TransactionInProgressException or LimitExceededException => true,
        AmazonDynamoDBException { ErrorCode: "ThrottlingException" or "ServiceUnavailable" or "TransactionConflictException" } => true,
        AmazonServiceException service => (int)service.StatusCode >= 500 || service.StatusCode == HttpStatusCode.TooManyRequests
            || service.InnerException is HttpRequestException,
        AmazonClientException client => client.InnerException is HttpRequestException or IOException or TimeoutException,
        HttpRequestException or TimeoutException or IOException => true,
        _ => false,
    };

    /// <summary>Runs a DynamoDB call; a transient fault comes out as the service's own retryable error, made by <paramref name="serviceFault"/>.</summary>
    public static async Task<T> TranslateTransientAsync<T>(Func<Task<T>> call, Func<Exception, Exception> serviceFault)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception exception) when (IsTransient(exception))
        {
            throw serviceFault(exception);
        }
    }
}
