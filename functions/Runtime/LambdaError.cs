using System.Text.Json.Serialization;

namespace ECommerce.Runtime;

/// <summary>Lambda's error document: <c>{"errorType","errorMessage","stackTrace"}</c>.</summary>
public sealed record LambdaError(
    [property: JsonPropertyName("errorType")] string ErrorType,
    [property: JsonPropertyName("errorMessage")] string ErrorMessage,
    [property: JsonPropertyName("stackTrace")] IReadOnlyList<string> StackTrace)
{
    /// <summary>
    /// The error Lambda would report for <paramref name="exception"/>: a <see cref="FunctionErrorException"/> keeps its
    /// errorType; any other exception surfaces as its .NET type name, as the managed .NET runtime does.
    /// </summary>
    public static LambdaError FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var errorType = exception is FunctionErrorException functionError ? functionError.ErrorType : exception.GetType().Name;
        var stackTrace = (exception.StackTrace ?? string.Empty)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new LambdaError(errorType, exception.Message, stackTrace);
    }
}
