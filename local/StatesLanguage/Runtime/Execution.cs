using System.Text.Json.Nodes;
using StatesLanguage.Json;
using StatesLanguage.Mocks;

namespace StatesLanguage.Runtime;

/// <summary>One execution: status, output or error, and its history as it grows.</summary>
public sealed class Execution
{
    private readonly Lock _gate = new();
    private readonly List<HistoryEvent> _history = [];
    private readonly TaskCompletionSource<ExecutionResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _abort = new();
    private string? _abortError;
    private string? _abortCause;

    internal Execution(StepFunctionsEngine engine, StateMachine stateMachine, string arn, string name, string input,
        JsonNode? parsedInput, DateTimeOffset startDate, MockTestCase? mocks)
    {
        Engine = engine;
        StateMachine = stateMachine;
        ExecutionArn = arn;
        Name = name;
        Input = input;
        ParsedInput = parsedInput;
        StartDate = startDate;
        Mocks = mocks;
    }

    public StateMachine StateMachine { get; }

    public string ExecutionArn { get; }

    public string Name { get; }

    public string Input { get; }

    public DateTimeOffset StartDate { get; }

    public ExecutionStatus Status { get; private set; } = ExecutionStatus.RUNNING;

    public DateTimeOffset? StopDate { get; private set; }

    public string? Output { get; private set; }

    public string? Error { get; private set; }

    public string? Cause { get; private set; }

    /// <summary>Where the top level of the execution is (state and its input), for persistence and resume.</summary>
    public ExecutionCheckpoint? Checkpoint { get; private set; }

    public IReadOnlyList<HistoryEvent> History
    {
        get
        {
            lock (_gate)
            {
                return _history.ToList();
            }
        }
    }

    internal StepFunctionsEngine Engine { get; }

    internal JsonNode? ParsedInput { get; }

    internal MockTestCase? Mocks { get; }

    internal CancellationToken AbortToken => _abort.Token;

    public ExecutionInfo Describe()
    {
        lock (_gate)
        {
            return new ExecutionInfo(ExecutionArn, StateMachine.Arn, Name, Status, StartDate, StopDate, Input, Output, Error, Cause);
        }
    }

    /// <summary>Completes when the execution reaches a terminal status.</summary>
    public Task<ExecutionResult> WaitForCompletionAsync(CancellationToken cancellationToken = default) =>
        _completion.Task.WaitAsync(cancellationToken);

    internal void Start(ExecutionCheckpoint? startFrom)
    {
        var interpreter = new Interpreter(this);
        Engine.Clock.Enter();
        _ = Task.Run(async () =>
        {
            try
            {
                await interpreter.RunAsync(startFrom).ConfigureAwait(false);
            }
            finally
            {
                Engine.Clock.Exit();
            }
        });
    }

    internal void Stop(string? error, string? cause)
    {
        lock (_gate)
        {
            if (Status != ExecutionStatus.RUNNING)
            {
                return;
            }
            _abortError = error;
            _abortCause = cause;
        }
        _abort.Cancel();
    }

    internal (string? Error, string? Cause) AbortReason
    {
        get
        {
            lock (_gate)
            {
                return (_abortError, _abortCause);
            }
        }
    }

    /// <summary>Appends an event; returns its id. Throws when the history limit would be passed (unless terminal).</summary>
    internal long Append(long previousEventId, string type, JsonObject? details, bool terminal = false)
    {
        HistoryEvent appended;
        lock (_gate)
        {
            if (!terminal && _history.Count >= Engine.Options.MaxHistoryEvents - 1)
            {
                throw new HistoryLimitExceededException();
            }
            appended = new HistoryEvent(_history.Count + 1, previousEventId, Engine.Clock.Now, type, details);
            _history.Add(appended);
        }
        var info = Describe();
        foreach (var observer in Engine.Options.Observers)
        {
            observer.OnHistoryEvent(info, appended);
        }
        return appended.Id;
    }

    internal void SetCheckpoint(ExecutionCheckpoint checkpoint)
    {
        Checkpoint = checkpoint;
        var info = Describe();
        foreach (var observer in Engine.Options.Observers)
        {
            observer.OnCheckpoint(info, checkpoint);
        }
    }

    internal void Complete(ExecutionStatus status, JsonNode? output, string? error, string? cause)
    {
        lock (_gate)
        {
            Status = status;
            StopDate = Engine.Clock.Now;
            Output = status == ExecutionStatus.SUCCEEDED ? JsonUtil.Serialize(output) : null;
            Error = error;
            Cause = cause;
        }
        var info = Describe();
        foreach (var observer in Engine.Options.Observers)
        {
            observer.OnStatusChanged(info);
        }
        _completion.TrySetResult(new ExecutionResult(info, History));
    }
}

/// <summary>The execution history reached its event limit.</summary>
internal sealed class HistoryLimitExceededException() : Exception("The execution history reached the maximum number of events.");
