using System.Text.Json;
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
        if (!viaInvoke)
        {
            return string.IsNullOrEmpty(result.PayloadJson) ? null : JsonUtil.Parse(result.PayloadJson);
        }
        var requestId = AwsMetadata.NewRequestId();
        var writer = AwsMetadata.StartResponse();
        writer.WriteString("ExecutedVersion", "$LATEST");
        writer.WritePropertyName("Payload");
        WritePayload(writer, result.PayloadJson);
        AwsMetadata.WriteMetadata(writer, requestId, ("X-Amz-Executed-Version", "$LATEST"));
        writer.WriteNumber("StatusCode", 200);
        return AwsMetadata.FinishResponse(writer);
    }

    private static void WritePayload(Utf8JsonWriter writer, string? payloadJson)
    {
        if (string.IsNullOrEmpty(payloadJson))
        {
            writer.WriteNullValue();
            return;
        }
        try
        {
            writer.WriteRawValue(payloadJson);
        }
        catch (Exception ex) when (ex is ArgumentException or JsonException)
        {
            // Not JSON: fail as parsing it would have.
            JsonUtil.Parse(payloadJson);
            throw;
        }
    }
}

/// <summary>The SdkHttpMetadata block AWS SDK integrations return.</summary>
internal static class AwsMetadata
{
    private static HttpDate _date = new(0, "");

    private static readonly ReusableJsonWriter Response = new();

    private static readonly JsonDocumentOptions ResponseOptions = new() { MaxDepth = 513 };

    /// <summary>
    /// Starts writing an integration's response object. Responses are written as JSON and parsed once: the engine then
    /// holds them as nodes that are only materialized where a path reads them, which is much cheaper than building
    /// every header object node by node.
    /// </summary>
    public static Utf8JsonWriter StartResponse()
    {
        var writer = Response.Start();
        writer.WriteStartObject();
        return writer;
    }

    /// <summary>Ends the object <see cref="StartResponse"/> began and parses it.</summary>
    public static JsonNode FinishResponse(Utf8JsonWriter writer)
    {
        writer.WriteEndObject();
        return JsonNode.Parse(Response.Written(), documentOptions: ResponseOptions)!;
    }

    /// <summary>Writes the SdkHttpMetadata and SdkResponseMetadata members AWS SDK integrations return.</summary>
    public static void WriteMetadata(Utf8JsonWriter writer, string requestId, params (string Name, string Value)[] extra)
    {
        var date = CurrentHttpDate();
        writer.WriteStartObject("SdkHttpMetadata");
        writer.WriteStartObject("AllHttpHeaders");
        WriteHeaders(writer, date, requestId, extra, asArrays: true);
        writer.WriteEndObject();
        writer.WriteStartObject("HttpHeaders");
        WriteHeaders(writer, date, requestId, extra, asArrays: false);
        writer.WriteEndObject();
        writer.WriteNumber("HttpStatusCode", 200);
        writer.WriteEndObject();
        writer.WriteStartObject("SdkResponseMetadata");
        writer.WriteString("RequestId", requestId);
        writer.WriteEndObject();
    }

    private static void WriteHeaders(Utf8JsonWriter writer, string date, string requestId, (string Name, string Value)[] extra, bool asArrays)
    {
        WriteHeader(writer, "Connection", "keep-alive", asArrays);
        WriteHeader(writer, "Content-Type", "application/json", asArrays);
        WriteHeader(writer, "Date", date, asArrays);
        WriteHeader(writer, "x-amzn-RequestId", requestId, asArrays);
        foreach (var (name, value) in extra)
        {
            WriteHeader(writer, name, value, asArrays);
        }
    }

    private static void WriteHeader(Utf8JsonWriter writer, string name, string value, bool asArray)
    {
        if (!asArray)
        {
            writer.WriteString(name, value);
            return;
        }
        writer.WriteStartArray(name);
        writer.WriteStringValue(value);
        writer.WriteEndArray();
    }

    /// <summary>
    /// A request id shaped like AWS's (a version 4 UUID). Ids only need to be unique, not unpredictable, so they come
    /// from <see cref="Random.Shared"/> rather than the cryptographic generator <see cref="Guid.NewGuid"/> uses.
    /// </summary>
    public static string NewRequestId()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString();
    }

    // The RFC 1123 date changes once a second; formatting it per call showed in profiles.
    private static string CurrentHttpDate()
    {
        var now = DateTimeOffset.UtcNow;
        var second = now.ToUnixTimeSeconds();
        var cached = Volatile.Read(ref _date);
        if (cached.Second == second)
        {
            return cached.Text;
        }
        var text = now.ToString("r", System.Globalization.CultureInfo.InvariantCulture);
        Volatile.Write(ref _date, new HttpDate(second, text));
        return text;
    }

    private sealed record HttpDate(long Second, string Text);
}
