using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ECommerce.LocalHost;
using Microsoft.Extensions.Logging;
using StepFunctionsConsole;

namespace Reliability.Tests.Support;

/// <summary>
/// One local runtime on free loopback ports over a fresh temporary data folder, with its log lines captured; the
/// options say how small its queue limits are. Disposing stops it and deletes the folder.
/// </summary>
public sealed class TestRuntime : IAsyncDisposable
{
    public static readonly IReadOnlySet<string> TerminalStatuses = new HashSet<string>(StringComparer.Ordinal) { "COMPLETED", "CANCELLED", "FAILED" };

    private readonly HttpClient _stepFunctionsHttp;

    private TestRuntime(LocalRuntime runtime, string dataDirectory, CapturingLoggerProvider logs)
    {
        Runtime = runtime;
        DataDirectory = dataDirectory;
        Logs = logs;
        Api = new HttpClient { BaseAddress = runtime.ApiEndpoint, Timeout = TimeSpan.FromSeconds(30) };
        _stepFunctionsHttp = new HttpClient { BaseAddress = runtime.StepFunctionsEndpoint, Timeout = TimeSpan.FromSeconds(60) };
        StepFunctions = new StepFunctionsReader(_stepFunctionsHttp);
    }

    public LocalRuntime Runtime { get; }

    public LocalServices Services => Runtime.Services;

    public string DataDirectory { get; }

    public CapturingLoggerProvider Logs { get; }

    /// <summary>The orders API and the console's port.</summary>
    public HttpClient Api { get; }

    public StepFunctionsReader StepFunctions { get; }

    public static async Task<TestRuntime> StartAsync(Func<LocalRuntimeOptions, LocalRuntimeOptions>? configure = null)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("reliability-").FullName;
        var options = new LocalRuntimeOptions { DataDirectory = dataDirectory, ApiPort = 0, StepFunctionsPort = 0 };
        var logs = new CapturingLoggerProvider();
        var runtime = await LocalRuntime.StartAsync(configure?.Invoke(options) ?? options, logging =>
        {
            logging.SetMinimumLevel(LogLevel.Information);
            logging.AddProvider(logs);
        });
        return new TestRuntime(runtime, dataDirectory, logs);
    }

    /// <summary>A valid order from the saga's fixtures; <paramref name="edit"/> changes it into the case under test.</summary>
    public static JsonObject OrderBody(string sku = "SKU-3", int quantity = 1, string token = "tok_visa", Action<JsonObject>? edit = null)
    {
        var body = new JsonObject
        {
            ["customerId"] = "c-reliability",
            ["lines"] = new JsonArray(new JsonObject { ["sku"] = sku, ["quantity"] = quantity }),
            ["payment"] = new JsonObject { ["token"] = token },
            ["shipping"] = new JsonObject
            {
                ["name"] = "Grace Hopper",
                ["line1"] = "1 Main St",
                ["city"] = "Arlington",
                ["postalCode"] = "22201",
                ["country"] = "US",
            },
        };
        edit?.Invoke(body);
        return body;
    }

    public static string NewOrderId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public async Task<HttpResponseMessage> PostOrderAsync(HttpContent content, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "orders") { Content = content };
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        return await Api.SendAsync(request, cancellationToken);
    }

    public Task<HttpResponseMessage> PostOrderAsync(string body, string? idempotencyKey, CancellationToken cancellationToken) =>
        PostOrderAsync(new StringContent(body, Encoding.UTF8, "application/json"), idempotencyKey, cancellationToken);

    /// <summary>GET /orders/{id}: the order, or null on 404.</summary>
    public async Task<JsonObject?> GetOrderAsync(string orderId, CancellationToken cancellationToken)
    {
        using var response = await Api.GetAsync("orders/" + orderId, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET /orders/{orderId} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task<JsonObject> WaitForTerminalAsync(string orderId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        JsonObject? order = null;
        await WaitUntilAsync(async () =>
        {
            order = await GetOrderAsync(orderId, cancellationToken);
            return order is not null && TerminalStatuses.Contains((string?)order["status"] ?? "");
        }, timeout, () => $"order {orderId} to reach a terminal status (last: {order?.ToJsonString() ?? "404"})", cancellationToken);
        return order!;
    }

    /// <summary>Every execution of the saga's state machine, from ListExecutions.</summary>
    public async Task<IReadOnlyList<JsonObject>> ExecutionsAsync(CancellationToken cancellationToken) =>
        (await StepFunctions.ListExecutionsAsync(Services.StateMachineArn, null, cancellationToken)).Select(e => e!.AsObject()).ToList();

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (!await condition())
        {
            Assert.True(Stopwatch.GetElapsedTime(started) < timeout, $"Waited {timeout.TotalSeconds:F0} s for {what()}.");
            await Task.Delay(50, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        _stepFunctionsHttp.Dispose();
        await Runtime.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A SQLite side file can outlive the runtime by a moment; the folder is in the temp area anyway.
        }
    }
}
