using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Amazon.Runtime;
using ECommerce.Runtime.Aws;

namespace ECommerce.Runtime.StepFunctions;

/// <summary>Where and as whom the client calls Step Functions.</summary>
public sealed record StepFunctionsClientOptions : AwsClientOptions
{
    /// <summary>
    /// Reads AWS_REGION/AWS_DEFAULT_REGION and AWS_ENDPOINT_URL_SFN/AWS_ENDPOINT_URL (else the regional endpoint);
    /// credentials come from the SDK's default chain.
    /// </summary>
    public static StepFunctionsClientOptions FromEnvironment() => FromVariables(Environment.GetEnvironmentVariable, DefaultCredentials);

    /// <summary><see cref="FromEnvironment"/> over any variable source (tests pass a dictionary).</summary>
    public static StepFunctionsClientOptions FromVariables(Func<string, string?> variable, Func<AWSCredentials> credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var (endpoint, region) = Locate(variable, "Step Functions", "AWS_ENDPOINT_URL_SFN", "states");
        return new StepFunctionsClientOptions { Endpoint = endpoint, Region = region, Credentials = credentials() };
    }
}

/// <summary>
/// A small Step Functions client (AWS JSON 1.0 protocol, SigV4) on AWSSDK.Core, standing in for AWSSDK.StepFunctions,
/// which is not available here. Its method names and documents match the SDK's so the swap is mechanical.
/// </summary>
public sealed class StepFunctionsClient : IDisposable
{
    private const string SigningService = "states";
    private const string TargetPrefix = "AWSStepFunctions.";
    private const string ContentType = "application/x-amz-json-1.0";

    private readonly StepFunctionsClientOptions _options;
    private readonly SigV4RequestFactory _signer;
    private readonly HttpClient _http;

    public StepFunctionsClient(StepFunctionsClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _signer = new SigV4RequestFactory(options.Credentials, options.Region, SigningService);
        _http = options.HttpHandler is null ? new HttpClient() : new HttpClient(options.HttpHandler, disposeHandler: false);
    }

    /// <summary>A client configured from the Lambda environment (see <see cref="StepFunctionsClientOptions.FromEnvironment"/>).</summary>
    public static StepFunctionsClient FromEnvironment() => new(StepFunctionsClientOptions.FromEnvironment());

    /// <summary>StartExecution. A name already used (with a different input, or by a closed execution) raises ExecutionAlreadyExists.</summary>
    public Task<StartExecutionResponse> StartExecutionAsync(
        string stateMachineArn,
        string? name,
        string input,
        CancellationToken cancellationToken = default) =>
        CallAsync(
            "StartExecution",
            new StartExecutionRequest(stateMachineArn, name, input),
            StepFunctionsJsonContext.Default.StartExecutionRequest,
            StepFunctionsJsonContext.Default.StartExecutionResponse,
            cancellationToken);

    public Task<DescribeExecutionResponse> DescribeExecutionAsync(string executionArn, CancellationToken cancellationToken = default) =>
        CallAsync(
            "DescribeExecution",
            new DescribeExecutionRequest(executionArn),
            StepFunctionsJsonContext.Default.DescribeExecutionRequest,
            StepFunctionsJsonContext.Default.DescribeExecutionResponse,
            cancellationToken);

    public Task<CreateStateMachineResponse> CreateStateMachineAsync(
        string name,
        string definition,
        string roleArn,
        string type = "STANDARD",
        CancellationToken cancellationToken = default) =>
        CallAsync(
            "CreateStateMachine",
            new CreateStateMachineRequest(name, definition, roleArn, type),
            StepFunctionsJsonContext.Default.CreateStateMachineRequest,
            StepFunctionsJsonContext.Default.CreateStateMachineResponse,
            cancellationToken);

    public void Dispose() => _http.Dispose();

    /// <summary>Builds the signed HTTP request for one API action (separate so the signature can be checked offline).</summary>
    internal Task<HttpRequestMessage> CreateSignedRequestAsync(
        string action,
        byte[] body,
        DateTime? signedAt,
        CancellationToken cancellationToken) =>
        _signer.CreateSignedPostAsync(
            _options.Endpoint,
            body,
            ContentType,
            new Dictionary<string, string> { ["X-Amz-Target"] = TargetPrefix + action },
            signedAt,
            cancellationToken);

    private async Task<TResponse> CallAsync<TRequest, TResponse>(
        string action,
        TRequest requestDocument,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(requestDocument, requestType);
        using var request = await CreateSignedRequestAsync(action, body, signedAt: null, cancellationToken).ConfigureAwait(false);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var responseBody = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw ToException(response, responseBody);
        }

        return JsonSerializer.Deserialize(responseBody, responseType)
            ?? throw new JsonException($"Step Functions {action} returned an empty document.");
    }

    private static StepFunctionsException ToException(HttpResponseMessage response, byte[] body)
    {
        AwsJsonError? error = null;
        try
        {
            error = body.Length == 0 ? null : JsonSerializer.Deserialize(body, StepFunctionsJsonContext.Default.AwsJsonError);
        }
        catch (JsonException)
        {
            // Not a JSON error document (e.g. a proxy's HTML page): fall back to the HTTP status below.
        }

        var errorType = error?.Type
            ?? (response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.FirstOrDefault() : null);
        var code = errorType is null ? $"Http{(int)response.StatusCode}" : StepFunctionsException.ErrorCodeFromType(errorType);
        var message = error?.LowerCaseMessage ?? error?.UpperCaseMessage ?? Encoding.UTF8.GetString(body);
        return new StepFunctionsException(code, message, response.StatusCode);
    }
}
