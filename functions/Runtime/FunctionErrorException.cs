namespace ECommerce.Runtime;

/// <summary>
/// A business error a handler reports on purpose. Its <see cref="ErrorType"/> becomes the Lambda errorType,
/// which is the name a state machine's Retry/Catch matches (e.g. InsufficientStock, PaymentGatewayUnavailable).
/// Services may throw it directly or derive their own exceptions from it.
/// </summary>
public class FunctionErrorException : Exception
{
    public FunctionErrorException(string errorType, string message, bool isTransient = false, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(errorType);
        ErrorType = errorType;
        IsTransient = isTransient;
    }

    /// <summary>The Lambda errorType (the name Step Functions matches in ErrorEquals).</summary>
    public string ErrorType { get; }

    /// <summary>True when retrying the same input later may succeed (a dependency was unavailable).</summary>
    public bool IsTransient { get; }
}
