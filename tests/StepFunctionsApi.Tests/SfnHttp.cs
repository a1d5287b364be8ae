using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace StepFunctionsApi.Tests;

/// <summary>A raw AWS JSON 1.0 caller, for what the SDK clients cannot send (bad targets, broken JSON, unsigned calls).</summary>
public sealed class SfnHttp(Uri endpoint) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = endpoint, Timeout = TimeSpan.FromSeconds(60) };

    public async Task<(int Status, JsonObject Body)> SendRawAsync(string? target, string body, string contentType = "application/x-amz-json-1.0")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (target is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        }
        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }

    public Task<(int Status, JsonObject Body)> SendAsync(string operation, JsonObject body) =>
        SendRawAsync("AWSStepFunctions." + operation, body.ToJsonString());

    /// <summary>Calls an operation that must succeed; fails the test with AWS's error otherwise.</summary>
    public async Task<JsonObject> CallAsync(string operation, JsonObject body)
    {
        var (status, result) = await SendAsync(operation, body);
        Assert.True(status == 200, $"{operation} answered {status}: {result.ToJsonString()}");
        return result;
    }

    public void Dispose() => _http.Dispose();
}
