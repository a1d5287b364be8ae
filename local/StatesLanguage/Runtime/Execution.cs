using System.Text.Json.Nodes;
using StatesLanguage.Json;
using StatesLanguage.Mocks;

namespace StatesLanguage.Runtime;

/// <summary>One execution: status, output or error, and its history as it grows.</summary>
public sealed class Execution
{
    /// <summary>AWS: an execution can be redriven up to 14 days after it stopped.</summary>
    public static readonly TimeSpan RedrivablePeriod = TimeSpan.FromDays(14);

    /// <summary>AWS: at most 1,000 redrives of one execution.</summary>
    public const int MaxRedrives = 1000;

    private static readonly TimeSpan ClientTokenLifetime = TimeSpan.FromMinutes(15);
    private const int RememberedClientTokens = 10;

    private readonly Lock _gate = new();
    private readonly List<HistoryEvent> _history = [];
    private readonly List<(string Token, DateTimeOffset FirstUsed, DateTimeOffset RedriveDate)> _redriveTokens = [];
    // Continuations run synchronously: the interpreter completes it as the very last thing it does (see Start), so a
    // waiter resumes on that thread instead of waiting for another thread-pool thread.
    private TaskCompletionSource<ExecutionResult> _completion = new();
    private (TaskCompletionSource<ExecutionResult> Completion, ExecutionResult Result)? _finished;
    private CancellationTokenSource _abort = new();
    private string? _abortError;
    private string? _abortCause;
    private bool _shutDown;
    private Task _run = Task.CompletedTask;

    internal Execution(StepFunctionsEngine engine, StateMachine stateMachine, string arn, string name, string input,
        JsonNode? parsedInput, DateTimeOffset startDate, MockTestCase? mocks, IEnumerable<HistoryEvent>? recordedHistory = null)
    {
        Engine = engine;
        StateMachine = stateMachine;
        ExecutionArn = arn;
        Name = name;
        Input = input;
        ParsedInput = parsedInput;
        StartDate = startDate;
        Mocks = mocks;
        if (recordedHistory is not null)
        {
            _history.AddRange(recordedHistory.OrderBy(e => e.Id));
            var redrives = _history.Where(e => e.Type == "ExecutionRedriven").ToList();
            RedriveCount = redrives.Count;
            RedriveDate = redrives.Count > 0 ? redrives[^1].Timestamp : null;
        }
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

    /// <summary>How many times RedriveExecution restarted this execution.</summary>
    public int RedriveCount { get; private set; }

    public DateTimeOffset? RedriveDate { get; private set; }

    /// <summary>Where the top level of the execution is (state and its input), for persistence, resume and redrive.</summary>
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

    internal CancellationToken AbortToken
    {
        get
        {
            lock (_gate)
            {
                return _abort.Token;
            }
        }
    }

    public ExecutionInfo Describe()
    {
        lock (_gate)
        {
            var reason = NotRedrivableReason();
            return new ExecutionInfo(ExecutionArn, StateMachine.Arn, Name, Status, StartDate, StopDate, Input, Output, Error, Cause)
            {
                RedriveCount = RedriveCount,
                RedriveDate = RedriveDate,
                RedriveStatus = reason is null ? ExecutionRedriveStatus.Redrivable : ExecutionRedriveStatus.NotRedrivable,
                RedriveStatusReason = reason,
            };
        }
    }

    /// <summary>Completes when the execution reaches a terminal status (the current attempt, if it was redriven).</summary>
    public Task<ExecutionResult> WaitForCompletionAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return _completion.Task.WaitAsync(cancellationToken);
        }
    }

    // Callers hold _gate.
    private string? NotRedrivableReason() => RedriveEligibility.NotRedrivableReason(StateMachine.Type, Status, StopDate, Engine.Clock.Now,
        _history.Count, Engine.Options.MaxHistoryEvents, RedriveCount, Checkpoint is not null);

    /// <summary>True once the engine shut down: the interpreter stops and records nothing more.</summary>
    internal bool IsShutDown
    {
        get
        {
            lock (_gate)
            {
                return _shutDown || Engine.IsShutDown;
            }
        }
    }

    /// <summary>
    /// Stops the interpreter without recording an end (a clean process shutdown: a store keeps the execution RUNNING
    /// and the next process resumes it). Completes when the interpreter has exited.
    /// </summary>
    internal Task ShutDownAsync()
    {
        CancellationTokenSource abort;
        Task run;
        TaskCompletionSource<ExecutionResult> completion;
        lock (_gate)
        {
            _shutDown = true;
            abort = _abort;
            run = _run;
            completion = _completion;
        }
        abort.Cancel();
        return run.ContinueWith(_ => completion.TrySetCanceled(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>True while an interpreter runs this execution.</summary>
    internal bool IsInterpreting
    {
        get
        {
            lock (_gate)
            {
                return !_run.IsCompleted;
            }
        }
    }

    internal void Start(RunPlan plan, bool announce)
    {
        var interpreter = new Interpreter(this);
        Engine.Clock.Enter();
        if (announce && Engine.Options.Observers.Count > 0)
        {
            NotifyStatusChange(Describe());
        }
        var run = Task.Run(async () =>
        {
            try
            {
                await interpreter.RunAsync(plan).ConfigureAwait(false);
            }
            finally
            {
                Engine.Clock.Exit();
                SignalFinished();
            }
        });
        lock (_gate)
        {
            _run = run;
        }
    }

    /// <summary>
    /// Restarts a FAILED, ABORTED or TIMED_OUT execution from its unsuccessful state (RedriveExecution). A client token
    /// used for one of the last 10 successful redrives within 15 minutes returns that redrive's date without redriving.
    /// </summary>
    internal DateTimeOffset Redrive(string? clientToken)
    {
        RunPlan plan;
        DateTimeOffset redriveDate;
        lock (_gate)
        {
            var now = Engine.Clock.Now;
            _redriveTokens.RemoveAll(t => now - t.FirstUsed > ClientTokenLifetime);
            if (clientToken is not null && _redriveTokens.FirstOrDefault(t => t.Token == clientToken) is { Token: not null } known)
            {
                return known.RedriveDate;
            }
            if (NotRedrivableReason() is { } reason)
            {
                throw new StepFunctionsApiException("ExecutionNotRedrivable", reason);
            }
            var checkpoint = Checkpoint!;
            RedriveCount++;
            RedriveDate = redriveDate = now;
            Status = ExecutionStatus.RUNNING;
            StopDate = null;
            Output = Error = Cause = null;
            _abortError = _abortCause = null;
            _abort.Dispose();
            _abort = new CancellationTokenSource();
            _completion = new TaskCompletionSource<ExecutionResult>();
            if (clientToken is not null)
            {
                _redriveTokens.Add((clientToken, now, now));
                if (_redriveTokens.Count > RememberedClientTokens)
                {
                    _redriveTokens.RemoveAt(0);
                }
            }
            plan = new RunPlan(checkpoint.StateName, JsonUtil.Parse(checkpoint.StateInput), 0)
            {
                CompletedChildren = checkpoint.CompletedChildren,
                Variables = checkpoint.Variables,
                TimeoutFrom = now,
            };
        }
        // Stamped with the redrive date itself: RedriveExecution's answer and the stored execution (read from this event) agree.
        var redrivenId = Append(LastEventId, "ExecutionRedriven", new EventDetails(("redriveCount", RedriveCount)), timestamp: redriveDate);
        Start(plan with { LastEventId = redrivenId }, announce: true);
        return redriveDate;
    }

    /// <summary>The id of the newest history event (0 when there is none).</summary>
    internal long LastEventId
    {
        get
        {
            lock (_gate)
            {
                return _history.Count == 0 ? 0 : _history[^1].Id;
            }
        }
    }

    internal void Stop(string? error, string? cause)
    {
        CancellationTokenSource abort;
        lock (_gate)
        {
            if (Status != ExecutionStatus.RUNNING)
            {
                return;
            }
            _abortError = error;
            _abortCause = cause;
            abort = _abort;
        }
        abort.Cancel();
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

    /// <summary>
    /// Appends an event, stamped now unless <paramref name="timestamp"/> says when it happened; returns its id. Throws when
    /// the history limit would be passed (unless terminal).
    /// </summary>
    internal long Append(long previousEventId, string type, EventDetails? details, bool terminal = false, DateTimeOffset? timestamp = null)
    {
        HistoryEvent appended;
        lock (_gate)
        {
            if (_shutDown || Engine.IsShutDown)
            {
                throw new OperationCanceledException("The engine shut down; the execution is left for the next process to resume.");
            }
            if (!terminal && _history.Count >= Engine.Options.MaxHistoryEvents - 1)
            {
                throw new HistoryLimitExceededException();
            }
            appended = HistoryEvent.Recorded(_history.Count + 1, previousEventId, timestamp ?? Engine.Clock.Now, type, details);
            _history.Add(appended);
        }
        var observers = Engine.Options.Observers;
        if (observers.Count > 0)
        {
            var info = Describe();
            foreach (var observer in observers)
            {
                observer.OnHistoryEvent(info, appended);
            }
        }
        return appended.Id;
    }

    internal void SetCheckpoint(ExecutionCheckpoint checkpoint) => UpdateCheckpoint(_ => checkpoint);

    /// <summary>Takes back the checkpoint a store kept, without reporting it again.</summary>
    internal void RestoreCheckpoint(ExecutionCheckpoint checkpoint)
    {
        lock (_gate)
        {
            Checkpoint = checkpoint;
        }
    }

    /// <summary>Changes the checkpoint atomically (branches of a Parallel report their results concurrently).</summary>
    internal void UpdateCheckpoint(Func<ExecutionCheckpoint?, ExecutionCheckpoint> change)
    {
        ExecutionCheckpoint checkpoint;
        lock (_gate)
        {
            checkpoint = change(Checkpoint);
            Checkpoint = checkpoint;
        }
        var observers = Engine.Options.Observers;
        if (observers.Count > 0)
        {
            var info = Describe();
            foreach (var observer in observers)
            {
                observer.OnCheckpoint(info, checkpoint);
            }
        }
    }

    /// <param name="output">The output as JSON text (SUCCEEDED only).</param>
    /// <remarks>Waiters are released when the interpreter has exited (<see cref="SignalFinished"/>).</remarks>
    internal void Complete(ExecutionStatus status, string? output, string? error, string? cause) =>
        Complete(status, status == ExecutionStatus.SUCCEEDED ? output : null, error, cause, notify: true, fromInterpreter: true);

    private void SignalFinished()
    {
        (TaskCompletionSource<ExecutionResult> Completion, ExecutionResult Result)? finished;
        lock (_gate)
        {
            finished = _finished;
            _finished = null;
        }
        finished?.Completion.TrySetResult(finished.Value.Result);
    }

    private void Complete(ExecutionStatus status, string? output, string? error, string? cause, bool notify, bool fromInterpreter = false)
    {
        TaskCompletionSource<ExecutionResult> completion;
        lock (_gate)
        {
            Status = status;
            StopDate = _history.Count > 0 && _history[^1].Type.StartsWith("Execution", StringComparison.Ordinal)
                ? _history[^1].Timestamp
                : Engine.Clock.Now;
            Output = output;
            Error = error;
            Cause = cause;
            completion = _completion;
        }
        var info = Describe();
        if (notify)
        {
            foreach (var observer in Engine.Options.Observers)
            {
                observer.OnStatusChanged(info);
            }
            NotifyStatusChange(info);
        }
        var result = new ExecutionResult(info, History);
        Engine.Ended(this);
        if (fromInterpreter)
        {
            (TaskCompletionSource<ExecutionResult> Completion, ExecutionResult Result)? unsignalled;
            lock (_gate)
            {
                // A redrive that ended before the previous run's interpreter exited must not hide that run's result.
                unsignalled = _finished;
                _finished = (completion, result);
            }
            unsignalled?.Completion.TrySetResult(unsignalled.Value.Result);
        }
        else
        {
            completion.TrySetResult(result);
        }
    }

    /// <summary>Restores the terminal status a recorded history ends with (the process stopped before the store saw it).</summary>
    internal void RestoreTerminal(HistoryEvent terminal, bool notify = true)
    {
        var details = terminal.Details;
        string? Text(string key) => details?[key]?.GetValue<string>();
        var status = terminal.Type switch
        {
            "ExecutionSucceeded" => ExecutionStatus.SUCCEEDED,
            "ExecutionFailed" => ExecutionStatus.FAILED,
            "ExecutionTimedOut" => ExecutionStatus.TIMED_OUT,
            _ => ExecutionStatus.ABORTED,
        };
        Complete(status, status == ExecutionStatus.SUCCEEDED ? Text("output") : null, Text("error"), Text("cause"), notify);
    }

    private void NotifyStatusChange(ExecutionInfo info)
    {
        var options = Engine.Options;
        if (options.Observers.Count == 0)
        {
            return;
        }
        var change = new ExecutionStatusChange(Guid.NewGuid().ToString(), Engine.Clock.Now, options.Region, options.AccountId, info);
        foreach (var observer in options.Observers)
        {
            observer.OnExecutionStatusChange(change);
        }
    }
}

/// <summary>Where an interpreter run starts: a fresh start, a checkpoint (resume) or a redrive.</summary>
internal sealed record RunPlan(string StartAt, JsonNode? Input, long LastEventId)
{
    /// <summary>A fresh start appends ExecutionStarted first.</summary>
    public bool AppendStarted { get; init; }

    /// <summary>Resume only: the first state was entered already (this event), so it is not entered again.</summary>
    public long? EnteredEventId { get; init; }

    public DateTimeOffset? EnteredTime { get; init; }

    /// <summary>Retries the first state already used, by retrier index.</summary>
    public IReadOnlyDictionary<string, int> RetryCounts { get; init; } = new Dictionary<string, int>();

    /// <summary>Outputs of the first state's branches or iterations that already succeeded.</summary>
    public IReadOnlyDictionary<int, string>? CompletedChildren { get; init; }

    /// <summary>The variables on entry to the first state (JSON object text).</summary>
    public string? Variables { get; init; }

    /// <summary>The execution-level TimeoutSeconds counts from here (the start, or the last redrive).</summary>
    public DateTimeOffset TimeoutFrom { get; init; }
}

/// <summary>The execution history reached its event limit.</summary>
internal sealed class HistoryLimitExceededException() : Exception("The execution history reached the maximum number of events.");
