using StatesLanguage.Runtime;
using StepFunctionsApi.Persistence;

namespace StepFunctionsApi.Tests;

/// <summary>The store's write queue: background writes keep their order, reads see them, and closing commits them.</summary>
public sealed class StateStoreWriteQueueTests : IDisposable
{
    private const string MachineArn = "arn:aws:states:us-east-1:123456789012:stateMachine:M";
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("sfn-queue").FullName;

    private string Database => Path.Combine(_directory, "sfn.db");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Arn(int i) => $"arn:aws:states:us-east-1:123456789012:execution:M:e-{i}";

    private static ExecutionRecord Record(int i) => new()
    {
        Arn = Arn(i),
        StateMachineArn = MachineArn,
        Name = $"e-{i}",
        Status = "RUNNING",
        StartDate = Start,
        Input = "{}",
        Definition = "{}",
        RoleArn = OrderSaga.RoleArn,
    };

    private static HistoryEvent Event(long id, string type) => new(id, id - 1, Start.AddSeconds(id), type, null);

    /// <summary>Queues, from many threads, each execution's insert, its events one by one with checkpoints, and its end.</summary>
    private static void WriteInBackground(SqliteStateStore store, int executions, int eventsEach) =>
        Parallel.For(0, executions, i =>
        {
            store.InsertExecutionInBackground(Record(i));
            store.AppendEventsInBackground(Arn(i), [Event(1, "ExecutionStarted")], null);
            for (var id = 2; id < eventsEach; id++)
            {
                store.AppendEventsInBackground(Arn(i), [Event(id, "PassStateEntered")], new ExecutionCheckpoint($"S{id}", "{}", id, new Dictionary<string, int>()));
            }
            store.AppendEventsInBackground(Arn(i), [Event(eventsEach, "ExecutionSucceeded")], null);
        });

    [Fact]
    public void ReadsAfterBackgroundWrites_SeeEveryOneOfThem_InOrder()
    {
        using var store = new SqliteStateStore(Database);

        WriteInBackground(store, executions: 50, eventsEach: 8);

        for (var i = 0; i < 50; i++)
        {
            var record = store.GetExecution(Arn(i))!;
            Assert.Equal("SUCCEEDED", record.Status);
            Assert.Equal("S7", record.Checkpoint!.StateName);
            Assert.Equal(Enumerable.Range(1, 8).Select(id => (long)id), store.GetEvents(Arn(i), 1, long.MaxValue, 100, descending: false).Select(e => e.Id));
        }
    }

    [Fact]
    public void Dispose_CommitsWhatIsStillQueued()
    {
        using (var store = new SqliteStateStore(Database))
        {
            WriteInBackground(store, executions: 20, eventsEach: 5);
        }

        using var reopened = new SqliteStateStore(Database);
        Assert.All(Enumerable.Range(0, 20), i => Assert.Equal(5L, reopened.LastEventId(Arn(i))));
        Assert.Empty(reopened.RunningExecutions());
    }

    [Fact]
    public async Task InsertExecutionAsync_Completes_OnlyOnceTheEarlierQueuedWritesAreCommitted()
    {
        using var store = new SqliteStateStore(Database);
        store.InsertExecutionInBackground(Record(1));
        store.AppendEventsInBackground(Arn(1), [Event(1, "ExecutionStarted")], null);

        Assert.False(await store.InsertExecutionAsync(Record(1))); // already queued first, so already there

        // Another connection reads only what is committed.
        using var other = new SqliteStateStore(Database);
        Assert.Equal(1L, other.LastEventId(Arn(1)));
    }

    [Fact]
    public async Task AWriteThatFails_FailsItsCaller_AndTheWritesQueuedAroundItStillCommit()
    {
        using var store = new SqliteStateStore(Database);
        // No name: the NOT NULL column refuses it when the batch runs.
        var invalid = new StateMachineRecord(MachineArn, null!, "{}", OrderSaga.RoleArn, "STANDARD", Start, Start, "r-1");

        store.InsertExecutionInBackground(Record(1));
        var failing = Task.Run(() => store.UpsertStateMachine(invalid), TestContext.Current.CancellationToken);
        store.InsertExecutionInBackground(Record(2));

        await Assert.ThrowsAnyAsync<Exception>(() => failing);
        Assert.NotNull(store.GetExecution(Arn(1)));
        Assert.NotNull(store.GetExecution(Arn(2)));
        Assert.Null(store.GetStateMachine(MachineArn));
    }
}
