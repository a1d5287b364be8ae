using System.Collections.Concurrent;
using StatesLanguage.Definition;
using StatesLanguage.Mocks;
using StatesLanguage.Runtime;
using StepFunctionsApi.Persistence;
using StepFunctionsApi.Protocol;

namespace StepFunctionsApi;

/// <summary>
/// The engine and its durable store together: state machines and executions live in SQLite, the engine runs them, and
/// <see cref="ResumeRunningExecutions"/> picks up what a killed process left running.
/// </summary>
public sealed class LocalStepFunctions : IDisposable
{
    private readonly ConcurrentDictionary<string, StateMachine> _machines = new(StringComparer.Ordinal);
    private readonly PersistingObserver _observer;
    private readonly Lock _restoreGate = new();
    private bool _disposed;

    public LocalStepFunctions(StepFunctionsApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Store = new SqliteStateStore(options.DatabasePath, options.Logger);
        _observer = new PersistingObserver(Store);
        MockConfig = options.MockConfig
            ?? (string.IsNullOrEmpty(options.MockConfigPath) ? null : StatesLanguage.Mocks.MockConfig.Parse(File.ReadAllText(options.MockConfigPath)));
        Engine = new StepFunctionsEngine(EngineOptionsFor(options, MockConfig, [_observer, .. options.Observers]));
        foreach (var integration in options.Integrations.Reverse())
        {
            Engine.RegisterIntegration(integration);
        }
        foreach (var machine in Store.ListStateMachines())
        {
            _machines[machine.Arn] = Engine.CreateStateMachine(machine.Name, machine.Definition, machine.RoleArn, machine.Type);
        }
    }

    public StepFunctionsApiOptions Options { get; }

    public StepFunctionsEngine Engine { get; }

    public SqliteStateStore Store { get; }

    public MockConfig? MockConfig { get; }

    internal PersistingObserver Observer => _observer;

    public string Region => Options.Region;

    public string AccountId => Options.AccountId;

    public string StateMachineArn(string name) => $"arn:aws:states:{Region}:{AccountId}:stateMachine:{name}";

    public string ExecutionArn(string stateMachineName, string executionName) =>
        $"arn:aws:states:{Region}:{AccountId}:execution:{stateMachineName}:{executionName}";

    /// <summary>Engine settings for this API's options; TestState builds its own throwaway engine from them too.</summary>
    internal static EngineOptions EngineOptionsFor(StepFunctionsApiOptions options, MockConfig? mocks, IList<IExecutionObserver> observers, TimeProvider? clock = null) => new()
    {
        Clock = clock ?? options.Clock,
        LambdaInvoker = options.LambdaInvoker,
        Topics = options.Topics,
        MockConfig = mocks,
        Region = options.Region,
        AccountId = options.AccountId,
        Observers = observers,
        MaxRetainedEndedExecutions = options.MaxRetainedEndedExecutions,
    };

    /// <summary>Parses and registers a definition with the engine (which validates it); throws InvalidDefinition.</summary>
    internal StateMachine Register(StateMachineRecord record)
    {
        try
        {
            var machine = Engine.CreateStateMachine(record.Name, record.Definition, record.RoleArn, record.Type);
            _machines[record.Arn] = machine;
            return machine;
        }
        catch (DefinitionValidationException ex)
        {
            throw new AwsApiException("InvalidDefinition", ex.Message);
        }
    }

    internal void Unregister(string arn) => _machines.TryRemove(arn, out _);

    internal StateMachine? RunnableMachine(string arn) => _machines.TryGetValue(arn, out var machine) ? machine : null;

    /// <summary>
    /// Starts an execution the API has validated: its record is announced to the observer (queued with ExecutionStarted)
    /// and stored again once the engine accepted it; that second write is awaited, so the execution and its first events
    /// are committed before StartExecution answers.
    /// </summary>
    internal async Task<Execution> StartAsync(StateMachine machine, ExecutionRecord record)
    {
        _observer.ExpectStart(record);
        Execution execution;
        try
        {
            execution = await Engine.StartExecutionAsync(machine, record.Input, record.Name, record.TestCase).ConfigureAwait(false);
        }
        catch (StepFunctionsApiException ex)
        {
            _observer.ForgetStart(record.Arn);
            throw new AwsApiException(ex.ErrorCode, ex.Message);
        }
        await Store.InsertExecutionAsync(record with { StartDate = execution.StartDate }).ConfigureAwait(false);
        return execution;
    }

    /// <summary>Runs an execution that is neither stored nor listed (StartSyncExecution of an EXPRESS machine).</summary>
    internal async Task<ExecutionResult> RunUnrecordedAsync(StateMachine machine, string input, string name, CancellationToken cancellationToken)
    {
        var arn = ExecutionArn(machine.Name, name);
        _observer.Ignore(arn);
        try
        {
            var execution = await Engine.StartExecutionAsync(machine, input, name).ConfigureAwait(false);
            return await execution.WaitForCompletionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (StepFunctionsApiException ex)
        {
            throw new AwsApiException(ex.ErrorCode, ex.Message);
        }
        finally
        {
            _observer.StopIgnoring(arn);
        }
    }

    /// <summary>
    /// Resumes every execution a previous process left RUNNING with the engine's <see cref="StepFunctionsEngine.ResumeExecution"/>:
    /// the recorded history is kept and continues without a gap, states that completed do not run again, and the state
    /// in flight at the crash runs again with the retries it had used (a task in flight is retried, as AWS would).
    /// Returns how many were resumed.
    /// </summary>
    public Task<int> ResumeRunningExecutions()
    {
        var resumed = 0;
        foreach (var record in Store.RunningExecutions())
        {
            if (Engine.GetExecution(record.Arn) is not null)
            {
                continue;
            }
            Engine.ResumeExecution(MachineOf(record), PersistedOf(record));
            resumed++;
        }
        return Task.FromResult(resumed);
    }

    /// <summary>
    /// RedriveExecution over the store: an execution this process never ran (it ended before a restart) is first
    /// restored into the engine from its stored history and checkpoint. The store records the redrive as the engine
    /// appends ExecutionRedriven (status RUNNING again, redrive count and date). Returns the redrive date.
    /// </summary>
    /// <exception cref="AwsApiException">ExecutionNotRedrivable with AWS's reason, or ExecutionDoesNotExist.</exception>
    internal async Task<DateTimeOffset> RedriveAsync(ExecutionRecord record, string? clientToken)
    {
        var held = Engine.GetExecution(record.Arn);
        if (held is null)
        {
            if (record.IsRunning)
            {
                throw new AwsApiException("ExecutionNotRedrivable", "Execution is RUNNING and cannot be redriven.");
            }
            Restore(record);
        }
        else if (!record.IsRunning && held.Status == ExecutionStatus.RUNNING)
        {
            // The store records the terminal event a moment before the engine finishes the attempt; let it finish.
            try
            {
                await held.WaitForCompletionAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                // The redrive below answers with the status the engine has.
            }
        }
        try
        {
            return Engine.RedriveExecution(record.Arn, clientToken);
        }
        catch (StepFunctionsApiException ex)
        {
            throw new AwsApiException(ex.ErrorCode, ex.Message);
        }
    }

    /// <summary>Recreates a finished execution in the engine from the store, announcing nothing (the store already knows how it ended).</summary>
    private void Restore(ExecutionRecord record)
    {
        lock (_restoreGate)
        {
            if (Engine.GetExecution(record.Arn) is not null)
            {
                return;
            }
            Engine.RestoreExecution(MachineOf(record), PersistedOf(record));
        }
    }

    /// <summary>AWS's redriveStatusReason for a stored execution; null when it can be redriven.</summary>
    internal string? NotRedrivableReason(ExecutionRecord record) => RedriveEligibility.NotRedrivableReason(
        StateMachineType(record.StateMachineArn),
        Enum.Parse<ExecutionStatus>(record.Status),
        record.StopDate,
        Options.Clock.GetUtcNow(),
        (int)Math.Min(int.MaxValue, Store.LastEventId(record.Arn)),
        Engine.Options.MaxHistoryEvents,
        record.RedriveCount,
        record.Checkpoint is not null);

    private StateMachine MachineOf(ExecutionRecord record) =>
        new(record.StateMachineArn, record.Arn.Split(':')[6], DefinitionParser.Parse(record.Definition), record.Definition, record.RoleArn,
            StateMachineType(record.StateMachineArn), record.StartDate);

    private PersistedExecution PersistedOf(ExecutionRecord record) =>
        new(record.Arn, record.Name, record.Input, record.StartDate, record.TestCase,
            Store.GetEvents(record.Arn, 1, long.MaxValue, int.MaxValue, descending: false), record.Checkpoint);

    private string StateMachineType(string arn) => Store.GetStateMachine(arn)?.Type ?? "STANDARD";

    /// <summary>
    /// Shuts the engine down cleanly (running executions stop without being recorded ABORTED, so the next process
    /// resumes them) and then closes the store.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        Engine.ShutdownAsync().GetAwaiter().GetResult();
        Store.Dispose();
    }
}
