using System.Text.Json.Nodes;
using StatesLanguage.Runtime;
using StepFunctionsApi.Persistence;

namespace StepFunctionsApi.Tests;

/// <summary>The crash window between a state's exit and the checkpoint past it: both reach the store together or not at all.</summary>
public sealed class PersistingObserverTests : IDisposable
{
    private const string Arn = "arn:aws:states:us-east-1:123456789012:execution:M:e-1";
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly ExecutionInfo Running = new(Arn, "arn:aws:states:us-east-1:123456789012:stateMachine:M", "e-1", ExecutionStatus.RUNNING,
        Start, null, "{}", null, null, null);

    private readonly string _directory = Directory.CreateTempSubdirectory("sfn-observer").FullName;
    private readonly SqliteStateStore _store;
    private readonly PersistingObserver _observer;

    public PersistingObserverTests()
    {
        _store = new SqliteStateStore(Path.Combine(_directory, "sfn.db"));
        _observer = new PersistingObserver(_store);
        _store.InsertExecution(new ExecutionRecord
        {
            Arn = Arn,
            StateMachineArn = Running.StateMachineArn,
            Name = "e-1",
            Status = "RUNNING",
            StartDate = Start,
            Input = "{}",
            Definition = "{}",
            RoleArn = OrderSaga.RoleArn,
        });
    }

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static HistoryEvent Event(long id, string type, string? state = null) =>
        new(id, id - 1, Start.AddSeconds(id), type, state is null ? null : new JsonObject { ["name"] = state });

    private static ExecutionCheckpoint Checkpoint(string state, int lastEventId) => new(state, "{}", lastEventId, new Dictionary<string, int>());

    [Fact]
    public void ATopLevelStateExit_IsStoredOnlyWithTheCheckpointPastIt()
    {
        _observer.OnHistoryEvent(Running, Event(1, "ExecutionStarted"));
        _observer.OnCheckpoint(Running, Checkpoint("Work", 1));
        _observer.OnHistoryEvent(Running, Event(2, "TaskStateEntered", "Work"));
        _observer.OnHistoryEvent(Running, Event(3, "TaskStateExited", "Work"));
        var afterExit = (_store.LastEventId(Arn), _store.GetExecution(Arn)!.Checkpoint!.StateName);

        _observer.OnCheckpoint(Running, Checkpoint("Next", 3));
        var afterCheckpoint = (_store.LastEventId(Arn), _store.GetExecution(Arn)!.Checkpoint!.StateName);

        // A process killed between the two would resume "Work" from its entered event: it never completed on disk.
        Assert.Equal((2L, "Work"), afterExit);
        Assert.Equal((3L, "Next"), afterCheckpoint);
    }

    [Fact]
    public void TheLastStateExit_IsStoredWithTheExecutionsEnd_AndANestedStateExitAtOnce()
    {
        _observer.OnHistoryEvent(Running, Event(1, "ExecutionStarted"));
        _observer.OnCheckpoint(Running, Checkpoint("Both", 1));
        _observer.OnHistoryEvent(Running, Event(2, "ParallelStateEntered", "Both"));
        _observer.OnHistoryEvent(Running, Event(3, "PassStateExited", "Inner"));
        var nestedStored = _store.LastEventId(Arn);
        _observer.OnHistoryEvent(Running, Event(4, "ParallelStateExited", "Both"));
        var heldStored = _store.LastEventId(Arn);

        _observer.OnHistoryEvent(Running, Event(5, "ExecutionSucceeded") with { Details = new JsonObject { ["output"] = "{}" } });
        var ended = _store.GetExecution(Arn)!;

        Assert.Equal((3L, 3L), (nestedStored, heldStored));
        Assert.Equal(5L, _store.LastEventId(Arn));
        Assert.Equal("SUCCEEDED", ended.Status);
    }

    [Fact]
    public void ExecutionRedriven_ReopensTheStoredExecution_AndMovesItsCheckpointPastTheRedrive()
    {
        _observer.OnHistoryEvent(Running, Event(1, "ExecutionStarted"));
        _observer.OnCheckpoint(Running, Checkpoint("Work", 1) with { RetryCounts = new Dictionary<string, int> { ["0"] = 3 } });
        _observer.OnHistoryEvent(Running, Event(2, "TaskStateEntered", "Work"));
        _observer.OnHistoryEvent(Running, Event(3, "ExecutionFailed") with { Details = new JsonObject { ["error"] = "Boom" } });
        var failed = _store.GetExecution(Arn)!;

        _observer.OnHistoryEvent(Running, Event(4, "ExecutionRedriven") with { Details = new JsonObject { ["redriveCount"] = 1 } });
        var reopened = _store.GetExecution(Arn)!;

        Assert.Equal(("FAILED", "Boom"), (failed.Status, failed.Error));
        Assert.Equal(("RUNNING", 1, Start.AddSeconds(4)), (reopened.Status, reopened.RedriveCount, reopened.RedriveDate));
        Assert.Null(reopened.Error);
        Assert.Null(reopened.StopDate);
        Assert.Equal(("Work", 4), (reopened.Checkpoint!.StateName, reopened.Checkpoint.LastEventId));
        Assert.Empty(reopened.Checkpoint.RetryCounts);
    }
}
