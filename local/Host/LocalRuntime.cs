using System.Net;
using System.Net.Sockets;
using ECommerce.LocalHost.Api;
using ECommerce.LocalHost.Queue;
using ECommerce.Orders;
using ECommerce.Runtime;
using ECommerce.Runtime.Events;
using StepFunctionsApi.Hosting;
using StepFunctionsConsole;

namespace ECommerce.LocalHost;

/// <summary>
/// The whole order service on one machine: the orders API and queue, the real handlers of the four services on
/// embedded stores, the Step Functions API running the saga definition from template.yaml, the topic and the console.
/// </summary>
public sealed class LocalRuntime : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _eventSource;

    private LocalRuntime(WebApplication app, LocalServices services, Uri apiEndpoint, Uri stepFunctionsEndpoint)
    {
        _app = app;
        Services = services;
        ApiEndpoint = apiEndpoint;
        StepFunctionsEndpoint = stepFunctionsEndpoint;
        _eventSource = services.OrderEvents.RunAsync(_stopping.Token);
    }

    public Uri ApiEndpoint { get; }

    public Uri StepFunctionsEndpoint { get; }

    public Uri ConsoleEndpoint => new(ApiEndpoint, "/console/");

    public LocalServices Services { get; }

    public static async Task<LocalRuntime> StartAsync(LocalRuntimeOptions options, Action<ILoggingBuilder>? logging = null,
        CancellationToken cancellationToken = default)
    {
        var apiPort = options.ApiPort == 0 ? FreeLoopbackPort() : options.ApiPort;
        var stepFunctionsPort = options.StepFunctionsPort == 0 ? FreeLoopbackPort() : options.StepFunctionsPort;
        var apiEndpoint = new Uri($"http://127.0.0.1:{apiPort}/");
        var stepFunctionsEndpoint = new Uri($"http://127.0.0.1:{stepFunctionsPort}/");

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        (logging ?? DefaultLogging)(builder.Logging);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, apiPort);
            kestrel.Listen(IPAddress.Loopback, stepFunctionsPort);
        });
        var app = builder.Build();
        var services = await LocalServices.CreateAsync(options, stepFunctionsEndpoint, app.Services.GetRequiredService<ILoggerFactory>(), cancellationToken)
            .ConfigureAwait(false);

        app.UseMiddleware<LoopbackHostFilter>();
        var onApiPort = $"*:{apiPort}";
        app.MapStepFunctionsApi(services.StepFunctions).RequireHost($"*:{stepFunctionsPort}");
        app.MapOrdersApi(new OrdersApiOptions(services.OrdersQueue, services.OrderEvents, services.Functions.RegistryOf("Orders"), options.MaxQueueDepth), onApiPort);
        app.MapLocalApi(services, onApiPort);
        app.MapStepFunctionsConsole(stepFunctionsEndpoint).RequireHost(onApiPort);
        app.MapGet("/", () => Results.Redirect("/console/")).RequireHost(onApiPort);

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        await services.DeployStateMachineAsync(cancellationToken).ConfigureAwait(false);
        await services.StepFunctions.ResumeRunningExecutions().ConfigureAwait(false);
        return new LocalRuntime(app, services, apiEndpoint, stepFunctionsEndpoint);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _eventSource.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }

        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        Services.Dispose();
        _stopping.Dispose();
    }

    private static void DefaultLogging(ILoggingBuilder logging)
    {
        logging.AddJsonConsole(json => json.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false });
        logging.AddFilter("Microsoft", LogLevel.Warning);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
