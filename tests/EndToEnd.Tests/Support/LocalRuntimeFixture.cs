using System.Text.Json.Nodes;
using ECommerce.LocalHost;
using Microsoft.Extensions.Logging;
using StepFunctionsConsole;

namespace EndToEnd.Tests.Support;

/// <summary>
/// The whole local order service started in-process on free loopback ports over a fresh temporary data folder,
/// shared by the tests of one class and deleted afterwards.
/// </summary>
public sealed class LocalRuntimeFixture : IAsyncLifetime
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("e2e-runtime-").FullName;
    private LocalRuntime? _runtime;
    private OrdersApiClient? _orders;
    private HttpClient? _stepFunctionsHttp;

    public LocalRuntime Runtime => _runtime ?? throw new InvalidOperationException("The runtime has not started.");

    public OrdersApiClient Orders => _orders ?? throw new InvalidOperationException("The runtime has not started.");

    /// <summary>The runtime's Step Functions API (AWS JSON 1.0 over HTTP), as the AWS CLI would call it.</summary>
    public StepFunctionsReader StepFunctions { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        // Only warnings and errors: the handlers log a line per invocation, which would drown the test output.
        _runtime = await LocalRuntime.StartAsync(
            new LocalRuntimeOptions { DataDirectory = _dataDirectory, ApiPort = 0, StepFunctionsPort = 0 },
            logging => logging.SetMinimumLevel(LogLevel.Warning));
        _orders = new OrdersApiClient(_runtime.ApiEndpoint);
        _stepFunctionsHttp = new HttpClient { BaseAddress = _runtime.StepFunctionsEndpoint, Timeout = TimeSpan.FromSeconds(30) };
        StepFunctions = new StepFunctionsReader(_stepFunctionsHttp);
    }

    /// <summary>The names of the states an execution entered, in order, from GetExecutionHistory.</summary>
    public async Task<IReadOnlyList<string>> StatesEnteredAsync(string executionArn, CancellationToken cancellationToken)
    {
        var history = await StepFunctions.GetExecutionHistoryAsync(executionArn, cancellationToken);
        return history["events"]!.AsArray()
            .Where(e => ((string?)e!["type"])?.EndsWith("StateEntered", StringComparison.Ordinal) == true)
            .Select(e => (string)e!["stateEnteredEventDetails"]!["name"]!)
            .ToList();
    }

    /// <summary>Every execution of the saga's state machine with this name (the order id).</summary>
    public async Task<IReadOnlyList<JsonObject>> ExecutionsNamedAsync(string name, CancellationToken cancellationToken)
    {
        var executions = await StepFunctions.ListExecutionsAsync(Runtime.Services.StateMachineArn, null, cancellationToken);
        return executions.Select(e => e!.AsObject()).Where(e => (string?)e["name"] == name).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        _orders?.Dispose();
        _stepFunctionsHttp?.Dispose();
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A SQLite side file can outlive the runtime by a moment; the folder is in the temp area anyway.
        }
    }
}
