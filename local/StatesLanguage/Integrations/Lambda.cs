using System.Text.Json.Nodes;
using StatesLanguage.Json;

namespace StatesLanguage.Integrations;

/// <summary>The host's way to run a Lambda function. Throw nothing for function errors: return <see cref="LambdaInvocationResult.Failure"/>.</summary>
public interface ILambdaInvoker
{
    /// <param name="functionName">A function ARN or name, as the state machine gave it.</param>
    Task<LambdaInvocationResult> InvokeAsync(string functionName, string payloadJson, CancellationToken cancellationToken);
}

/// <summary>A Lambda invocation's outcome: a JSON payload, a function error (errorType, errorMessage), or an unknown function.</summary>
public sealed record LambdaInvocationResult
{
    public string? PayloadJson { get; init; }

    public string? ErrorType { get; init; }

    public string? ErrorMessage { get; init; }

    public bool FunctionNotFound { get; init; }

    public bool IsError => ErrorType is not null || FunctionNotFound;

    public static LambdaInvocationResult Success(string payloadJson) => new() { PayloadJson = payloadJson };

    public static LambdaInvocationResult Failure(string errorType, string errorMessage) =>
        new() { ErrorType = errorType, ErrorMessage = errorMessage };

    public static LambdaInvocationResult NotFound() => new() { FunctionNotFound = true };
}

/// <summary>Lambda by function ARN and <c>arn:aws:states:::lambda:invoke</c>, both over an <see cref="ILambdaInvoker"/>.</summary>
public sealed class LambdaIntegration(ILambdaInvoker invoker, string region = "us-east-1", string accountId = "123456789012") : ITaskIntegration
{
    public bool CanHandle(TaskResource resource) =>
        resource.IsLambdaFunctionArn || (resource.IsServiceIntegration && resource.ResourceType == "lambda" && resource.Action == "invoke");

    public async Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        string functionName;
        JsonNode? payload;
        var viaInvoke = invocation.Resource.IsServiceIntegration;
        if (viaInvoke)
        {
            if (invocation.Input is not JsonObject parameters || !JsonUtil.TryGetString(parameters["FunctionName"], out functionName))
            {
                throw new StatesException(StatesErrors.Runtime, "The lambda:invoke integration requires the parameter 'FunctionName'.");
            }
            payload = parameters["Payload"];
        }
        else
        {
            functionName = invocation.Resource.Arn;
            payload = invocation.Input;
        }
        var result = await invoker.InvokeAsync(functionName, JsonUtil.Serialize(payload), cancellationToken).ConfigureAwait(false);
        if (result.FunctionNotFound)
        {
            var arn = functionName.StartsWith("arn:", StringComparison.Ordinal) ? functionName : $"arn:aws:lambda:{region}:{accountId}:function:{functionName}";
            throw new StatesException("Lambda.ResourceNotFoundException",
                $"Function not found: {arn} (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: {Guid.NewGuid()}; Proxy: null)");
        }
        if (result.ErrorType is not null)
        {
            var cause = new JsonObject
            {
                ["errorMessage"] = result.ErrorMessage,
                ["errorType"] = result.ErrorType,
                ["trace"] = new JsonArray(),
            };
            throw new StatesException(result.ErrorType, JsonUtil.Serialize(cause));
        }
        var output = string.IsNullOrEmpty(result.PayloadJson) ? null : JsonUtil.Parse(result.PayloadJson);
        if (!viaInvoke)
        {
            return output;
        }
        var requestId = Guid.NewGuid().ToString();
        return new JsonObject
        {
            ["ExecutedVersion"] = "$LATEST",
            ["Payload"] = output,
            ["SdkHttpMetadata"] = AwsMetadata.HttpMetadata(requestId, ("X-Amz-Executed-Version", "$LATEST")),
            ["SdkResponseMetadata"] = new JsonObject { ["RequestId"] = requestId },
            ["StatusCode"] = 200,
        };
    }
}

/// <summary>The SdkHttpMetadata block AWS SDK integrations return.</summary>
internal static class AwsMetadata
{
    public static JsonObject HttpMetadata(string requestId, params (string Name, string Value)[] extra)
    {
        var headers = new JsonObject
        {
            ["Connection"] = "keep-alive",
            ["Content-Type"] = "application/json",
            ["Date"] = DateTimeOffset.UtcNow.ToString("r", System.Globalization.CultureInfo.InvariantCulture),
            ["x-amzn-RequestId"] = requestId,
        };
        foreach (var (name, value) in extra)
        {
            headers[name] = value;
        }
        var allHeaders = new JsonObject();
        foreach (var (name, value) in headers)
        {
            allHeaders[name] = new JsonArray(JsonUtil.Clone(value));
        }
        return new JsonObject { ["AllHttpHeaders"] = allHeaders, ["HttpHeaders"] = headers, ["HttpStatusCode"] = 200 };
    }
}
