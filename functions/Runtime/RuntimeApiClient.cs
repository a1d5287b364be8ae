using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ECommerce.Runtime;

/// <summary>One invocation fetched from the Runtime API: its payload and context.</summary>
public sealed record RuntimeInvocation(string PayloadJson, LambdaContext Context);

/// <summary>HTTP client for the Lambda Runtime API 2018-06-01 (the custom-runtime protocol).</summary>
public sealed class RuntimeApiClient : IDisposable
{
    public const string RequestIdHeader = "Lambda-Runtime-Aws-Request-Id";
    public const string DeadlineHeader = "Lambda-Runtime-Deadline-Ms";
    public const string FunctionArnHeader = "Lambda-Runtime-Invoked-Function-Arn";
    public const string TraceIdHeader = "Lambda-Runtime-Trace-Id";
    public const string FunctionErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";

    private readonly HttpClient _http;

    /// <param name="runtimeApi">The AWS_LAMBDA_RUNTIME_API value, host:port.</param>
    /// <param name="handler">Optional transport (tests); the client owns neither it nor a shared one.</param>
    public RuntimeApiClient(string runtimeApi, HttpMessageHandler? handler = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runtimeApi);
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = new Uri($"http://{runtimeApi}/2018-06-01/");
        // The next-invocation call is a long poll that lasts until an event arrives.
        _http.Timeout = Timeout.InfiniteTimeSpan;
    }

    /// <summary>GET /runtime/invocation/next: waits for the next event.</summary>
    public async Task<RuntimeInvocation> GetNextInvocationAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri("runtime/invocation/next", UriKind.Relative), cancellationToken)
            .ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var payload = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var requestId = RequiredHeader(response, RequestIdHeader);
        var deadlineMs = long.Parse(RequiredHeader(response, DeadlineHeader), NumberStyles.Integer, CultureInfo.InvariantCulture);
        var context = new LambdaContext(
            requestId,
            OptionalHeader(response, FunctionArnHeader) ?? string.Empty,
            DateTimeOffset.FromUnixTimeMilliseconds(deadlineMs),
            OptionalHeader(response, TraceIdHeader));
        return new RuntimeInvocation(payload, context);
    }

    /// <summary>POST /runtime/invocation/{requestId}/response.</summary>
    public Task PostResponseAsync(string requestId, string responseJson, CancellationToken cancellationToken) =>
        PostAsync($"runtime/invocation/{Uri.EscapeDataString(requestId)}/response", responseJson, errorType: null, cancellationToken);

    /// <summary>POST /runtime/invocation/{requestId}/error with Lambda's error shape and the error-type header.</summary>
    public Task PostInvocationErrorAsync(string requestId, LambdaError error, CancellationToken cancellationToken) =>
        PostAsync(
            $"runtime/invocation/{Uri.EscapeDataString(requestId)}/error",
            JsonSerializer.Serialize(error, RuntimeJsonContext.Default.LambdaError),
            error.ErrorType,
            cancellationToken);

    /// <summary>POST /runtime/init/error: the function cannot start (after this the process should exit).</summary>
    public Task PostInitErrorAsync(LambdaError error, CancellationToken cancellationToken) =>
        PostAsync("runtime/init/error", JsonSerializer.Serialize(error, RuntimeJsonContext.Default.LambdaError), error.ErrorType, cancellationToken);

    public void Dispose() => _http.Dispose();

    private async Task PostAsync(string path, string json, string? errorType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        if (errorType is not null)
        {
            request.Headers.TryAddWithoutValidation(FunctionErrorTypeHeader, errorType);
        }

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    private static string RequiredHeader(HttpResponseMessage response, string name) =>
        OptionalHeader(response, name) ?? throw new InvalidOperationException($"The Runtime API response has no {name} header.");

    private static string? OptionalHeader(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
