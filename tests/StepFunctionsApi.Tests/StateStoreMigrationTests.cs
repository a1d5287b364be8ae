using Microsoft.Data.Sqlite;
using StatesLanguage.Runtime;
using StepFunctionsApi.Persistence;

namespace StepFunctionsApi.Tests;

/// <summary>
/// A database written by the version that kept each execution's definition and checkpoint in its row opens with
/// everything it held, and takes new executions.
/// </summary>
public sealed class StateStoreMigrationTests : IDisposable
{
    private const string MachineArn = "arn:aws:states:us-east-1:123456789012:stateMachine:M";
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("sfn-migrate").FullName;

    private string Database => Path.Combine(_directory, "sfn.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static string Arn(string name) => $"arn:aws:states:us-east-1:123456789012:execution:M:{name}";

    [Fact]
    public void AnOlderDatabase_KeepsEachExecutionsDefinitionAndCheckpoint_AndStoresOneCopyPerDefinition()
    {
        WriteOlderDatabase(
            ("running", "RUNNING", """{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}""", """{"stateName":"A","stateInput":"{\"n\":1}","lastEventId":2,"retryCounts":{}}"""),
            ("failed", "FAILED", """{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}""", """{"stateName":"A","stateInput":"{\"n\":2}","lastEventId":3,"retryCounts":{"A":1}}"""),
            ("newer", "SUCCEEDED", """{"StartAt":"B","States":{"B":{"Type":"Succeed"}}}""", null));

        using (var store = new SqliteStateStore(Database))
        {
            var running = store.GetExecution(Arn("running"))!;
            Assert.Equal("""{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}""", running.Definition);
            Assert.Equal(("A", """{"n":1}""", 2), (running.Checkpoint!.StateName, running.Checkpoint.StateInput, running.Checkpoint.LastEventId));
            var failed = store.GetExecution(Arn("failed"))!;
            Assert.Equal("FAILED", failed.Status);
            Assert.Equal(1, failed.Checkpoint!.RetryCounts["A"]);
            var newer = store.GetExecution(Arn("newer"))!;
            Assert.Equal("""{"StartAt":"B","States":{"B":{"Type":"Succeed"}}}""", newer.Definition);
            Assert.Null(newer.Checkpoint);
            Assert.Equal(["failed", "newer", "running"], store.ListExecutions(MachineArn, null, 10, null).Select(e => e.Name).Order());

            // The history moved into the appending table with everything in it.
            var history = store.GetEvents(Arn("running"), 1, long.MaxValue, 100, descending: false);
            Assert.Equal("ExecutionStarted", Assert.Single(history).Type);
            Assert.Equal("{}", history[0].Details!["input"]!.GetValue<string>());
            store.AppendEvent(Arn("running"), new HistoryEvent(2, 1, Start, "PassStateEntered", null), null);
            Assert.Equal(2, store.LastEventId(Arn("running")));

            // A new execution of a definition the old rows had shares its stored copy.
            Assert.True(store.InsertExecution(Record("after", """{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}""")));
            store.SaveCheckpoint(Arn("after"), new ExecutionCheckpoint("A", "{}", 1, new Dictionary<string, int>()));
            Assert.Equal("A", store.GetExecution(Arn("after"))!.Checkpoint!.StateName);
        }

        Assert.Equal(2L, Scalar("SELECT COUNT(*) FROM definitions"));
        Assert.Equal(0L, Scalar("SELECT COUNT(*) FROM pragma_table_info('executions') WHERE name IN ('definition', 'checkpoint')"));
        Assert.Equal(0L, Scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'events' AND sql LIKE '%WITHOUT ROWID%'"));
        Assert.Equal(4L, Scalar("SELECT COUNT(*) FROM events"));
        using var reopened = new SqliteStateStore(Database);
        Assert.Equal(4, reopened.ListExecutions(MachineArn, null, 10, null).Count);
    }

    [Fact]
    public void HistoryKeyedByExecutionArn_IsKeyedByTheExecutionsSeq_WithEveryEventKept()
    {
        using (var store = new SqliteStateStore(Database))
        {
            foreach (var name in new[] { "first", "second" })
            {
                store.InsertExecution(Record(name, "{}"));
                store.AppendEvents(Arn(name), [
                    new HistoryEvent(1, 0, Start, "ExecutionStarted", new System.Text.Json.Nodes.JsonObject { ["input"] = name }),
                    new HistoryEvent(2, 1, Start.AddSeconds(1), "PassStateEntered", null),
                ], null);
            }
        }
        // The layout of the version before: the events of an execution found by its ARN.
        Execute("""
            CREATE TABLE events_by_arn (
                execution_arn TEXT NOT NULL, id INTEGER NOT NULL, previous_id INTEGER NOT NULL, timestamp_ms INTEGER NOT NULL,
                type TEXT NOT NULL, details TEXT, PRIMARY KEY (execution_arn, id));
            INSERT INTO events_by_arn SELECT x.arn, e.id, e.previous_id, e.timestamp_ms, e.type, e.details FROM events e JOIN executions x ON x.seq = e.execution_seq;
            DROP TABLE events;
            ALTER TABLE events_by_arn RENAME TO events;
            """);

        using (var store = new SqliteStateStore(Database))
        {
            foreach (var name in new[] { "first", "second" })
            {
                var history = store.GetEvents(Arn(name), 1, long.MaxValue, 100, descending: false);
                Assert.Equal(["ExecutionStarted", "PassStateEntered"], history.Select(e => e.Type));
                Assert.Equal(name, history[0].Details!["input"]!.GetValue<string>());
                Assert.Equal(Start.AddSeconds(1), history[1].Timestamp);
            }
            store.AppendEvent(Arn("second"), new HistoryEvent(3, 2, Start, "PassStateExited", null), null);
            Assert.Equal(3, store.LastEventId(Arn("second")));
            Assert.Equal(2, store.LastEventId(Arn("first")));
        }
        Assert.Equal(0L, Scalar("SELECT COUNT(*) FROM pragma_table_info('events') WHERE name = 'execution_arn'"));
        Assert.Equal(5L, Scalar("SELECT COUNT(*) FROM events"));
    }

    [Fact]
    public void AnEventOfAnExecutionTheStoreDoesNotHold_IsRefusedWithItsArn()
    {
        using var store = new SqliteStateStore(Database);
        var refused = Assert.ThrowsAny<Exception>(() => store.AppendEvent(Arn("unknown"), new HistoryEvent(1, 0, Start, "ExecutionStarted", null), null));
        Assert.Contains(Arn("unknown"), refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACheckpoint_IsNotSavedForAnExecutionThatHasEnded()
    {
        using var store = new SqliteStateStore(Database);
        store.InsertExecution(Record("done", "{}"));
        store.AppendEvent(Arn("done"), new HistoryEvent(1, 0, Start, "ExecutionSucceeded", null), new ExecutionClosure("SUCCEEDED", Start, "{}", null, null));
        store.SaveCheckpoint(Arn("done"), new ExecutionCheckpoint("A", "{}", 1, new Dictionary<string, int>()));

        Assert.Null(store.GetExecution(Arn("done"))!.Checkpoint);
    }

    private static ExecutionRecord Record(string name, string definition) => new()
    {
        Arn = Arn(name),
        StateMachineArn = MachineArn,
        Name = name,
        Status = "RUNNING",
        StartDate = Start,
        Input = "{}",
        Definition = definition,
        RoleArn = OrderSaga.RoleArn,
    };

    private void WriteOlderDatabase(params (string Name, string Status, string Definition, string? Checkpoint)[] executions)
    {
        using var connection = new SqliteConnection($"Data Source={Database};Pooling=False");
        connection.Open();
        using var create = connection.CreateCommand();
        create.CommandText = """
            PRAGMA journal_mode=WAL;
            CREATE TABLE executions (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, arn TEXT NOT NULL UNIQUE, state_machine_arn TEXT NOT NULL, name TEXT NOT NULL,
                status TEXT NOT NULL, start_ms INTEGER NOT NULL, stop_ms INTEGER, input TEXT NOT NULL, output TEXT, error TEXT, cause TEXT,
                test_case TEXT, definition TEXT NOT NULL, role_arn TEXT NOT NULL, definition_update_ms INTEGER NOT NULL,
                checkpoint TEXT, redrive_count INTEGER NOT NULL DEFAULT 0, redrive_ms INTEGER);
            CREATE INDEX executions_by_machine ON executions (state_machine_arn, start_ms DESC, seq DESC);
            CREATE INDEX executions_by_status ON executions (status);
            CREATE TABLE events (
                execution_arn TEXT NOT NULL, id INTEGER NOT NULL, previous_id INTEGER NOT NULL, timestamp_ms INTEGER NOT NULL,
                type TEXT NOT NULL, details TEXT, PRIMARY KEY (execution_arn, id)) WITHOUT ROWID;
            """;
        create.ExecuteNonQuery();
        foreach (var (name, status, definition, checkpoint) in executions)
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO executions (arn, state_machine_arn, name, status, start_ms, input, definition, role_arn, definition_update_ms, checkpoint)
                VALUES ($arn, $machine, $name, $status, $start, '{}', $definition, 'arn:aws:iam::123456789012:role/r', $start, $checkpoint);
                """;
            insert.Parameters.AddWithValue("$arn", Arn(name));
            insert.Parameters.AddWithValue("$machine", MachineArn);
            insert.Parameters.AddWithValue("$name", name);
            insert.Parameters.AddWithValue("$status", status);
            insert.Parameters.AddWithValue("$start", Start.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$definition", definition);
            insert.Parameters.AddWithValue("$checkpoint", (object?)checkpoint ?? DBNull.Value);
            insert.ExecuteNonQuery();
            using var started = connection.CreateCommand();
            started.CommandText = """
                INSERT INTO events (execution_arn, id, previous_id, timestamp_ms, type, details)
                VALUES ($arn, 1, 0, $start, 'ExecutionStarted', '{"input":"{}","inputDetails":{"truncated":false}}');
                """;
            started.Parameters.AddWithValue("$arn", Arn(name));
            started.Parameters.AddWithValue("$start", Start.ToUnixTimeMilliseconds());
            started.ExecuteNonQuery();
        }
    }

    private void Execute(string sql) => OnDatabase(sql, command => command.ExecuteNonQuery());

    private long Scalar(string sql) => OnDatabase(sql, command => (long)command.ExecuteScalar()!);

    /// <summary>Runs <paramref name="sql"/> on a connection of its own, outside the store.</summary>
    private T OnDatabase<T>(string sql, Func<SqliteCommand, T> run)
    {
        using var connection = new SqliteConnection($"Data Source={Database};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return run(command);
    }
}
