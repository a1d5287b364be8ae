using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using StatesLanguage.Definition;
using StatesLanguage.Integrations;
using StatesLanguage.Json;
using StatesLanguage.Mocks;

namespace StatesLanguage.Runtime;

/// <summary>Engine settings: clock, integrations, mocks, account and region used in ARNs.</summary>
public sealed class EngineOptions
{
    /// <summary>The clock: <see cref="VirtualClock"/> for instant waits, <see cref="TimeProvider.System"/> (default) for real time.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Real-time mode only: 10 makes a 10 s Wait last 1 s.</summary>
    public double TimeScale { get; init; } = 1;

    public ILambdaInvoker? LambdaInvoker { get; init; }

    public LocalTopicStore? Topics { get; init; }

    public MockConfig? MockConfig { get; init; }

    public string Region { get; init; } = "us-east-1";

    public string AccountId { get; init; } = "123456789012";

    public string RoleArn { get; init; } = "arn:aws:iam::123456789012:role/StepFunctionsLocalRole";

    /// <summary>Maximum events in one execution history (AWS: 25,000).</summary>
    public int MaxHistoryEvents { get; init; } = 25_000;

    /// <summary>Maximum payload size in bytes (AWS: 256 KiB).</summary>
    public int MaxPayloadBytes { get; init; } = 256 * 1024;

    public IList<IExecutionObserver> Observers { get; init; } = [];

    /// <summary>
    /// How many ended executions the engine keeps in memory, oldest dropped first (they then answer
    /// ExecutionDoesNotExist, as AWS does once its retention period is over); null keeps every one. A host that persists
    /// executions elsewhere, or runs many of them, bounds this so memory stays flat.
    /// </summary>
    public int? MaxRetainedEndedExecutions { get; init; }
}

/// <summary>An error an API call returns (ExecutionAlreadyExists, TaskDoesNotExist, ...).</summary>
public sealed class StepFunctionsApiException(string errorCode, string message) : Exception(message)
{
    public string ErrorCode { get; } = errorCode;
}

/// <summary>The in-process Step Functions: create state machines, start, stop and describe executions, answer task tokens.</summary>
public sealed class StepFunctionsEngine
{
    private readonly ConcurrentDictionary<string, StateMachine> _machines = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Execution> _executions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskTokenWaiter> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Execution> _ended = new();
    private readonly List<ITaskIntegration> _integrations = [];
    // Which integration serves a resource ARN, decided once (guarded by _integrations; cleared when one is registered).
    private readonly Dictionary<string, ITaskIntegration?> _integrationByArn = new(StringComparer.Ordinal);
    private volatile bool _shutDown;

    public StepFunctionsEngine(EngineOptions? options = null)
    {
        Options = options ?? new EngineOptions();
        Topics = Options.Topics ?? new LocalTopicStore(Options.Clock);
        Clock = new EngineClock(Options.Clock, Options.TimeScale);
        if (Options.LambdaInvoker is not null)
        {
            _integrations.Add(new LambdaIntegration(Options.LambdaInvoker, Options.Region, Options.AccountId));
        }
        _integrations.Add(new SnsPublishIntegration(Topics));
    }

    public EngineOptions Options { get; }

    /// <summary>The topics <c>sns:publish</c> writes to.</summary>
    public LocalTopicStore Topics { get; }

    internal EngineClock Clock { get; }

    /// <summary>Adds an integration; it is consulted before the built-ins, so it can also replace them.</summary>
    public void RegisterIntegration(ITaskIntegration integration)
    {
        lock (_integrations)
        {
            _integrations.Insert(0, integration);
            _integrationByArn.Clear();
        }
    }

    internal ITaskIntegration? FindIntegration(TaskResource resource)
    {
        lock (_integrations)
        {
            if (!_integrationByArn.TryGetValue(resource.Arn, out var integration))
            {
                integration = _integrations.FirstOrDefault(i => i.CanHandle(resource));
                _integrationByArn[resource.Arn] = integration;
            }
            return integration;
        }
    }

    /// <summary>Validates and stores a definition (JSON or YAML); replaces a machine of the same name.</summary>
    /// <exception cref="DefinitionValidationException">The definition is invalid.</exception>
    public StateMachine CreateStateMachine(string name, string definition, string? roleArn = null, string type = "STANDARD")
    {
        var parsed = DefinitionParser.Parse(definition);
        var arn = $"arn:aws:states:{Options.Region}:{Options.AccountId}:stateMachine:{name}";
        var machine = new StateMachine(arn, name, parsed, definition, roleArn ?? Options.RoleArn, type, Clock.Now);
        _machines[arn] = machine;
        return machine;
    }

    public StateMachine? GetStateMachine(string arnOrName) =>
        _machines.TryGetValue(arnOrName, out var m) ? m : _machines.Values.FirstOrDefault(x => x.Name == arnOrName);

    public IReadOnlyCollection<StateMachine> StateMachines => _machines.Values.ToList();

    public IReadOnlyCollection<Execution> Executions => _executions.Values.ToList();

    public Execution? GetExecution(string executionArn) => _executions.TryGetValue(executionArn, out var e) ? e : null;

    /// <summary>Starts an execution. <paramref name="testCase"/> selects mocks ("Case" or "stateMachineArn#Case").</summary>
    public Task<Execution> StartExecutionAsync(StateMachine stateMachine, string? input = null, string? name = null,
        string? testCase = null, ExecutionCheckpoint? startFrom = null)
    {
        ArgumentNullException.ThrowIfNull(stateMachine);
        input ??= "{}";
        JsonNode? parsedInput;
        try
        {
            parsedInput = JsonUtil.Parse(input);
        }
        catch (JsonException ex)
        {
            throw new StepFunctionsApiException("InvalidExecutionInput", "Invalid State Machine Execution Input: " + ex.Message);
        }
        if (JsonUtil.Utf8Size(input) > Options.MaxPayloadBytes)
        {
            throw new StepFunctionsApiException("InvalidExecutionInput", "The input exceeds the maximum size of 262144 bytes.");
        }
        name ??= Guid.NewGuid().ToString();
        var arn = $"arn:aws:states:{Options.Region}:{Options.AccountId}:execution:{stateMachine.Name}:{name}";
        var mocks = Options.MockConfig?.Resolve(stateMachine.Name, testCase);
        var execution = new Execution(this, stateMachine, arn, name, input, parsedInput, Clock.Now, mocks);
        if (!_executions.TryAdd(arn, execution))
        {
            var existing = _executions[arn];
            if (existing.Input == input && existing.Status == ExecutionStatus.RUNNING)
            {
                return Task.FromResult(existing);
            }
            throw new StepFunctionsApiException("ExecutionAlreadyExists", $"Execution Already Exists: '{arn}'");
        }
        var plan = startFrom is null
            ? new RunPlan(stateMachine.Definition.StartAt, parsedInput, 0) { AppendStarted = true, TimeoutFrom = execution.StartDate }
            : new RunPlan(startFrom.StateName, JsonUtil.Parse(startFrom.StateInput), startFrom.LastEventId)
            {
                Variables = startFrom.Variables,
                TimeoutFrom = execution.StartDate,
            };
        execution.Start(plan, announce: startFrom is null);
        return Task.FromResult(execution);
    }

    /// <summary>
    /// Recreates an execution that was RUNNING when the process stopped and continues it: the recorded history is kept
    /// and new events follow it; states that completed are not run again; the state in flight runs again (its
    /// StateEntered event is not repeated), with the retries it had used, reusing the Parallel branches and Map
    /// iterations that had succeeded. A history that already ends with a terminal event only restores that status.
    /// </summary>
    /// <exception cref="StepFunctionsApiException">ExecutionAlreadyExists when the engine already has this execution.</exception>
    public Execution ResumeExecution(StateMachine machine, PersistedExecution persisted)
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(persisted);
        var parsedInput = JsonUtil.Parse(persisted.Input);
        var mocks = Options.MockConfig?.Resolve(machine.Name, persisted.TestCase);
        var execution = new Execution(this, machine, persisted.ExecutionArn, persisted.Name, persisted.Input, parsedInput,
            persisted.StartDate, mocks, persisted.History);
        if (!_executions.TryAdd(persisted.ExecutionArn, execution))
        {
            throw new StepFunctionsApiException("ExecutionAlreadyExists", $"Execution Already Exists: '{persisted.ExecutionArn}'");
        }
        var history = execution.History;
        if (history.Count > 0 && history[^1].Type is "ExecutionSucceeded" or "ExecutionFailed" or "ExecutionAborted" or "ExecutionTimedOut")
        {
            if (persisted.Checkpoint is not null)
            {
                execution.SetCheckpoint(persisted.Checkpoint);
            }
            execution.RestoreTerminal(history[^1]);
            return execution;
        }
        var timeoutFrom = execution.RedriveDate ?? execution.StartDate;
        if (history.Count == 0)
        {
            execution.Start(new RunPlan(machine.Definition.StartAt, parsedInput, 0) { AppendStarted = true, TimeoutFrom = timeoutFrom }, announce: true);
            return execution;
        }
        var checkpoint = persisted.Checkpoint;
        if (checkpoint is null)
        {
            execution.Start(new RunPlan(machine.Definition.StartAt, parsedInput, execution.LastEventId) { TimeoutFrom = timeoutFrom }, announce: false);
            return execution;
        }
        execution.SetCheckpoint(checkpoint);
        var entered = history.FirstOrDefault(e => e.Id > checkpoint.LastEventId && e.PreviousEventId == checkpoint.LastEventId
            && e.Type.EndsWith("StateEntered", StringComparison.Ordinal) && e.StateName == checkpoint.StateName);
        execution.Start(new RunPlan(checkpoint.StateName, JsonUtil.Parse(checkpoint.StateInput), entered is null ? checkpoint.LastEventId : execution.LastEventId)
        {
            EnteredEventId = entered?.Id,
            EnteredTime = entered?.Timestamp,
            RetryCounts = checkpoint.RetryCounts,
            CompletedChildren = checkpoint.CompletedChildren,
            Variables = checkpoint.Variables,
            TimeoutFrom = timeoutFrom,
        }, announce: false);
        return execution;
    }

    /// <summary>
    /// Recreates an execution that ended before this process started, as a store recorded it (its history ends with
    /// ExecutionSucceeded, Failed, Aborted or TimedOut), without announcing anything: it can then be described and redriven.
    /// </summary>
    /// <exception cref="ArgumentException">The history does not end with a terminal event.</exception>
    /// <exception cref="StepFunctionsApiException">ExecutionAlreadyExists when the engine already has this execution.</exception>
    public Execution RestoreExecution(StateMachine machine, PersistedExecution persisted)
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(persisted);
        var history = persisted.History;
        if (history.Count == 0 || history[^1].Type is not ("ExecutionSucceeded" or "ExecutionFailed" or "ExecutionAborted" or "ExecutionTimedOut"))
        {
            throw new ArgumentException("Only an execution whose history ends with a terminal event can be restored; resume a running one.", nameof(persisted));
        }
        var mocks = Options.MockConfig?.Resolve(machine.Name, persisted.TestCase);
        var execution = new Execution(this, machine, persisted.ExecutionArn, persisted.Name, persisted.Input, JsonUtil.Parse(persisted.Input),
            persisted.StartDate, mocks, history);
        if (!_executions.TryAdd(persisted.ExecutionArn, execution))
        {
            throw new StepFunctionsApiException("ExecutionAlreadyExists", $"Execution Already Exists: '{persisted.ExecutionArn}'");
        }
        if (persisted.Checkpoint is not null)
        {
            execution.RestoreCheckpoint(persisted.Checkpoint);
        }
        execution.RestoreTerminal(execution.History[^1], notify: false);
        return execution;
    }

    /// <summary>True after <see cref="ShutdownAsync"/>: no interpreter records anything more.</summary>
    public bool IsShutDown => _shutDown;

    /// <summary>How many executions have an interpreter running right now.</summary>
    public int RunningInterpreters => _executions.Values.Count(e => e.IsInterpreting);

    /// <summary>
    /// A clean shutdown: stops every running interpreter without recording an end (no ExecutionAborted, no status
    /// change), so a durable store keeps those executions RUNNING and the next process resumes them from their last
    /// checkpoint. Completes when the interpreters have exited, or after <paramref name="wait"/> (default 10 s).
    /// </summary>
    public async Task ShutdownAsync(TimeSpan? wait = null)
    {
        _shutDown = true;
        var exits = _executions.Values.Select(e => e.ShutDownAsync()).ToArray();
        try
        {
            await Task.WhenAll(exits).WaitAsync(wait ?? TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // An integration that ignores cancellation keeps its interpreter a little longer; it records nothing anyway.
        }
    }

    /// <summary>
    /// RedriveExecution: restarts a STANDARD execution that FAILED, was ABORTED or TIMED_OUT from its unsuccessful
    /// state, with that state's input, keeping the history and the results of the states that succeeded (a Parallel
    /// or inline Map reruns only its unsuccessful branches or iterations). Returns the redrive date.
    /// </summary>
    /// <exception cref="StepFunctionsApiException">ExecutionDoesNotExist, or ExecutionNotRedrivable with AWS's reason.</exception>
    public DateTimeOffset RedriveExecution(string executionArn, string? clientToken = null) =>
        (GetExecution(executionArn) ?? throw new StepFunctionsApiException("ExecutionDoesNotExist", $"Execution Does Not Exist: '{executionArn}'"))
            .Redrive(clientToken);

    /// <summary>Stops a running execution (ExecutionAborted).</summary>
    public Task StopExecutionAsync(string executionArn, string? error = null, string? cause = null)
    {
        var execution = GetExecution(executionArn) ?? throw new StepFunctionsApiException("ExecutionDoesNotExist", $"Execution Does Not Exist: '{executionArn}'");
        execution.Stop(error, cause);
        return Task.CompletedTask;
    }

    public ExecutionInfo DescribeExecution(string executionArn) =>
        (GetExecution(executionArn) ?? throw new StepFunctionsApiException("ExecutionDoesNotExist", $"Execution Does Not Exist: '{executionArn}'")).Describe();

    public void SendTaskSuccess(string taskToken, string output)
    {
        JsonNode? parsed;
        try
        {
            parsed = JsonUtil.Parse(output);
        }
        catch (JsonException ex)
        {
            throw new StepFunctionsApiException("InvalidOutput", "Invalid output: " + ex.Message);
        }
        Waiter(taskToken).Result.TrySetResult(parsed);
    }

    public void SendTaskFailure(string taskToken, string? error = null, string? cause = null) =>
        Waiter(taskToken).Result.TrySetException(new StatesException(error ?? "", cause));

    public void SendTaskHeartbeat(string taskToken) => Waiter(taskToken).Beat();

    private TaskTokenWaiter Waiter(string token) =>
        _tokens.TryGetValue(token, out var waiter) ? waiter : throw new StepFunctionsApiException("TaskDoesNotExist", "Task Does Not Exist");

    internal TaskTokenWaiter RegisterToken(string token)
    {
        var waiter = new TaskTokenWaiter();
        _tokens[token] = waiter;
        return waiter;
    }

    internal void ReleaseToken(string token) => _tokens.TryRemove(token, out _);

    /// <summary>An execution reached a terminal status: drop the oldest ended ones beyond <see cref="EngineOptions.MaxRetainedEndedExecutions"/>.</summary>
    internal void Ended(Execution execution)
    {
        if (Options.MaxRetainedEndedExecutions is not { } max)
        {
            return;
        }
        _ended.Enqueue(execution);
        while (_ended.Count > max && _ended.TryDequeue(out var oldest))
        {
            // A redriven execution runs again; it comes back to the queue when it ends again.
            if (oldest.Status != ExecutionStatus.RUNNING)
            {
                _executions.TryRemove(KeyValuePair.Create(oldest.ExecutionArn, oldest));
            }
        }
    }
}

/// <summary>Waits for SendTaskSuccess/Failure on one task token, noting heartbeats.</summary>
internal sealed class TaskTokenWaiter
{
    private TaskCompletionSource _heartbeat = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<JsonNode?> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task NextHeartbeat => Volatile.Read(ref _heartbeat).Task;

    public void Beat()
    {
        var previous = Interlocked.Exchange(ref _heartbeat, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        previous.TrySetResult();
    }
}
