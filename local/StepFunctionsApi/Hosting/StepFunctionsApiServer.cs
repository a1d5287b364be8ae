using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StepFunctionsApi.Protocol;

namespace StepFunctionsApi.Hosting;

/// <summary>
/// The Step Functions API on 127.0.0.1: either its own small web app (<see cref="StartAsync"/>, <see cref="RunAsync"/>)
/// or mounted on a host's app (<see cref="MapStepFunctionsApi"/>).
/// </summary>
public sealed class StepFunctionsApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StepFunctionsApiServer(WebApplication app, LocalStepFunctions sfn, Uri endpoint, int resumed)
    {
        _app = app;
        StepFunctions = sfn;
        Endpoint = endpoint;
        ResumedExecutions = resumed;
    }

    /// <summary>Where clients point <c>--endpoint-url</c>.</summary>
    public Uri Endpoint { get; }

    public LocalStepFunctions StepFunctions { get; }

    /// <summary>How many executions a previous process left running and this one resumed.</summary>
    public int ResumedExecutions { get; }

    /// <summary>Starts the API on loopback (port 0 picks a free one) and resumes what a previous run left running.</summary>
    public static async Task<StepFunctionsApiServer> StartAsync(StepFunctionsApiOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sfn = new LocalStepFunctions(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port));
        var app = builder.Build();
        app.MapStepFunctionsApi(sfn);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var resumed = options.ResumeRunningExecutions ? await sfn.ResumeRunningExecutions().ConfigureAwait(false) : 0;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new StepFunctionsApiServer(app, sfn, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)), resumed);
    }

    /// <summary>
    /// Runs the API until <paramref name="cancellationToken"/> fires: <c>--port N</c> (default 8083), <c>--db PATH</c>
    /// (default: in memory), <c>--mock-config PATH</c> (default: SFN_MOCK_CONFIG). Prints "listening on URL" when ready.
    /// </summary>
    public static async Task RunAsync(string[] args, StepFunctionsApiOptions? defaults = null, TextWriter? output = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = defaults ?? new StepFunctionsApiOptions();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options = args[i] switch
            {
                "--port" => options with { Port = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--db" => options with { DatabasePath = args[i + 1] },
                "--mock-config" => options with { MockConfigPath = args[i + 1] },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'. Options: --port N, --db PATH, --mock-config PATH."),
            };
        }
        await using var server = await StartAsync(options, cancellationToken).ConfigureAwait(false);
        output ??= Console.Out;
        await output.WriteLineAsync($"listening on {server.Endpoint} (resumed {server.ResumedExecutions} executions)").ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // asked to stop
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        StepFunctions.Dispose();
    }
}

/// <summary>Mounts the Step Functions API on a host's routes.</summary>
public static class StepFunctionsApiRouteExtensions
{
    /// <summary>Maps <c>POST {pattern}</c> (default "/") to the AWS JSON 1.0 Step Functions API over <paramref name="sfn"/>.</summary>
    public static IEndpointConventionBuilder MapStepFunctionsApi(this IEndpointRouteBuilder routes, LocalStepFunctions sfn, string pattern = "/")
    {
        ArgumentNullException.ThrowIfNull(routes);
        var logger = routes.ServiceProvider.GetService<ILoggerFactory>()?.CreateLogger<StepFunctionsEndpoint>();
        var endpoint = new StepFunctionsEndpoint(sfn, logger);
        return routes.MapPost(pattern, endpoint.HandleAsync);
    }
}
