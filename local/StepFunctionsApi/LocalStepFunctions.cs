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

    public LocalStepFunctions(StepFunctionsApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Store = new SqliteStateStore(options.DatabasePath);
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
    /// Starts an execution the API has validated: its record is announced to the observer (stored with ExecutionStarted)
    /// and stored again once the engine accepted it, so it exists before StartExecution answers.
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
        Store.InsertExecution(record with { StartDate = execution.StartDate });
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
            var machine = new StateMachine(record.StateMachineArn, record.Arn.Split(':')[6], DefinitionParser.Parse(record.Definition),
                record.Definition, record.RoleArn, StateMachineType(record.StateMachineArn), record.StartDate);
            var history = Store.GetEvents(record.Arn, 1, long.MaxValue, int.MaxValue, descending: false);
            Engine.ResumeExecution(machine, new PersistedExecution(record.Arn, record.Name, record.Input, record.StartDate, record.TestCase,
                history, record.Checkpoint));
            resumed++;
        }
        return Task.FromResult(resumed);
    }

    private string StateMachineType(string arn) => Store.GetStateMachine(arn)?.Type ?? "STANDARD";

    public void Dispose() => Store.Dispose();
}
