using Microsoft.Extensions.Logging;
using StatesLanguage.Integrations;
using StatesLanguage.Mocks;
using StatesLanguage.Runtime;

namespace StepFunctionsApi;

/// <summary>How the local Step Functions API runs: where it listens, where it keeps its state, what its tasks call.</summary>
public sealed record StepFunctionsApiOptions
{
    /// <summary>Step Functions Local's default port.</summary>
    public const int DefaultPort = 8083;

    /// <summary>Loopback port; 0 picks a free one.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>SQLite file for state machines, executions and histories; null or <c>:memory:</c> keeps nothing on disk.</summary>
    public string? DatabasePath { get; init; }

    /// <summary>The MockConfigFile (Step Functions Local format); defaults to the SFN_MOCK_CONFIG environment variable.</summary>
    public string? MockConfigPath { get; init; } = Environment.GetEnvironmentVariable("SFN_MOCK_CONFIG");

    /// <summary>A parsed mock config; takes precedence over <see cref="MockConfigPath"/>.</summary>
    public MockConfig? MockConfig { get; init; }

    public ILambdaInvoker? LambdaInvoker { get; init; }

    public LocalTopicStore? Topics { get; init; }

    /// <summary>Further task integrations (consulted before the built-in Lambda and SNS ones).</summary>
    public IReadOnlyList<ITaskIntegration> Integrations { get; init; } = [];

    /// <summary>More observers of every execution (after the one that persists it), e.g. a host's status-change rules.</summary>
    public IReadOnlyList<IExecutionObserver> Observers { get; init; } = [];

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Where a failed background write of the store is reported (none by default).</summary>
    public ILogger? Logger { get; init; }

    public string Region { get; init; } = "us-east-1";

    public string AccountId { get; init; } = "123456789012";

    /// <summary>Resume the executions a previous process left RUNNING when the service starts.</summary>
    public bool ResumeRunningExecutions { get; init; } = true;

    /// <summary>
    /// Ended executions the engine keeps in memory (the store keeps all of them; an older one is read back from it when
    /// asked for, e.g. to redrive it), so a long-running API's memory stays flat.
    /// </summary>
    /// <remarks>
    /// Few, so that under load an ended execution's history dies young: with 1,000 kept, at 800 executions/s each lived
    /// long enough to be promoted to the GC's oldest generation before it was dropped, and the collections that then
    /// had to copy and later reclaim it cost about an eighth of the host's throughput (bench/RESULTS.md).
    /// </remarks>
    public int? MaxRetainedEndedExecutions { get; init; } = 100;
}
