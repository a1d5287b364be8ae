using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using StatesLanguage.Runtime;

namespace StepFunctionsApi.Persistence;

/// <summary>
/// State machines, executions, their histories and checkpoints in one SQLite database (WAL). Every write is its own
/// committed transaction, so what a caller saw stored survives a killed process. <c>:memory:</c> keeps it all in RAM.
/// </summary>
public sealed class SqliteStateStore : IDisposable
{
    public const string InMemory = ":memory:";

    // One connection, serialized: writes come from many executions at once and SQLite has one writer anyway.
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    public SqliteStateStore(string? databasePath)
    {
        var path = string.IsNullOrEmpty(databasePath) ? InMemory : databasePath;
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        if (path != InMemory)
        {
            Execute("PRAGMA journal_mode=WAL;");
            // NORMAL in WAL mode: a commit survives a killed process (it is in the OS cache); only power loss can undo it.
            Execute("PRAGMA synchronous=NORMAL;");
        }
        Execute("""
            CREATE TABLE IF NOT EXISTS state_machines (
                arn TEXT PRIMARY KEY, name TEXT NOT NULL, definition TEXT NOT NULL, role_arn TEXT NOT NULL, type TEXT NOT NULL,
                creation_ms INTEGER NOT NULL, update_ms INTEGER NOT NULL, revision_id TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS executions (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, arn TEXT NOT NULL UNIQUE, state_machine_arn TEXT NOT NULL, name TEXT NOT NULL,
                status TEXT NOT NULL, start_ms INTEGER NOT NULL, stop_ms INTEGER, input TEXT NOT NULL, output TEXT, error TEXT, cause TEXT,
                test_case TEXT, definition TEXT NOT NULL, role_arn TEXT NOT NULL, definition_update_ms INTEGER NOT NULL,
                checkpoint TEXT);
            CREATE INDEX IF NOT EXISTS executions_by_machine ON executions (state_machine_arn, start_ms DESC, seq DESC);
            CREATE INDEX IF NOT EXISTS executions_by_status ON executions (status);
            CREATE TABLE IF NOT EXISTS events (
                execution_arn TEXT NOT NULL, id INTEGER NOT NULL, previous_id INTEGER NOT NULL, timestamp_ms INTEGER NOT NULL,
                type TEXT NOT NULL, details TEXT, PRIMARY KEY (execution_arn, id)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS redrive_tokens (
                execution_arn TEXT NOT NULL, token TEXT NOT NULL, used_ms INTEGER NOT NULL, redrive_ms INTEGER NOT NULL,
                PRIMARY KEY (execution_arn, token)) WITHOUT ROWID;
            """);
        // Databases written before redrive existed lack its columns.
        var columns = Query("SELECT name FROM pragma_table_info('executions')", _ => { }, r => r.GetString(0));
        if (!columns.Contains("redrive_count"))
        {
            Execute("ALTER TABLE executions ADD COLUMN redrive_count INTEGER NOT NULL DEFAULT 0;");
            Execute("ALTER TABLE executions ADD COLUMN redrive_ms INTEGER;");
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _connection.Dispose();
        }
    }

    public void UpsertStateMachine(StateMachineRecord machine)
    {
        Write("""
            INSERT INTO state_machines (arn, name, definition, role_arn, type, creation_ms, update_ms, revision_id)
            VALUES ($arn, $name, $definition, $role, $type, $created, $updated, $revision)
            ON CONFLICT (arn) DO UPDATE SET definition = $definition, role_arn = $role, update_ms = $updated, revision_id = $revision;
            """, c =>
        {
            c.Parameters.AddWithValue("$arn", machine.Arn);
            c.Parameters.AddWithValue("$name", machine.Name);
            c.Parameters.AddWithValue("$definition", machine.Definition);
            c.Parameters.AddWithValue("$role", machine.RoleArn);
            c.Parameters.AddWithValue("$type", machine.Type);
            c.Parameters.AddWithValue("$created", machine.CreationDate.ToUnixTimeMilliseconds());
            c.Parameters.AddWithValue("$updated", machine.UpdateDate.ToUnixTimeMilliseconds());
            c.Parameters.AddWithValue("$revision", machine.RevisionId);
        });
    }

    public StateMachineRecord? GetStateMachine(string arn) =>
        Query("SELECT * FROM state_machines WHERE arn = $arn", c => c.Parameters.AddWithValue("$arn", arn), ReadStateMachine).FirstOrDefault();

    public IReadOnlyList<StateMachineRecord> ListStateMachines() =>
        Query("SELECT * FROM state_machines ORDER BY name", _ => { }, ReadStateMachine);

    public void DeleteStateMachine(string arn) =>
        Write("DELETE FROM state_machines WHERE arn = $arn", c => c.Parameters.AddWithValue("$arn", arn));

    /// <summary>Records a new execution; false when one with this ARN already exists (nothing changes then).</summary>
    public bool InsertExecution(ExecutionRecord execution)
    {
        var inserted = 0;
        Write("""
            INSERT OR IGNORE INTO executions (arn, state_machine_arn, name, status, start_ms, input, test_case, definition, role_arn, definition_update_ms)
            VALUES ($arn, $machine, $name, $status, $start, $input, $testCase, $definition, $role, $defUpdated);
            """, c =>
        {
            c.Parameters.AddWithValue("$arn", execution.Arn);
            c.Parameters.AddWithValue("$machine", execution.StateMachineArn);
            c.Parameters.AddWithValue("$name", execution.Name);
            c.Parameters.AddWithValue("$status", execution.Status);
            c.Parameters.AddWithValue("$start", execution.StartDate.ToUnixTimeMilliseconds());
            c.Parameters.AddWithValue("$input", execution.Input);
            c.Parameters.AddWithValue("$testCase", (object?)execution.TestCase ?? DBNull.Value);
            c.Parameters.AddWithValue("$definition", execution.Definition);
            c.Parameters.AddWithValue("$role", execution.RoleArn);
            c.Parameters.AddWithValue("$defUpdated", execution.DefinitionUpdateDate.ToUnixTimeMilliseconds());
        }, rows => inserted = rows);
        return inserted == 1;
    }

    public ExecutionRecord? GetExecution(string arn) =>
        Query("SELECT * FROM executions WHERE arn = $arn", c => c.Parameters.AddWithValue("$arn", arn), ReadExecution).FirstOrDefault();

    public IReadOnlyList<ExecutionRecord> RunningExecutions() =>
        Query("SELECT * FROM executions WHERE status = 'RUNNING' ORDER BY seq", _ => { }, ReadExecution);

    /// <summary>
    /// One page of a state machine's executions, newest first, after the (start, seq) key of the previous page;
    /// <paramref name="redriven"/> keeps only those redriven at least once (true) or never (false).
    /// </summary>
    public IReadOnlyList<ExecutionRecord> ListExecutions(string stateMachineArn, string? status, int limit, (long StartMs, long Seq)? after,
        bool? redriven = null)
    {
        var sql = "SELECT * FROM executions WHERE state_machine_arn = $machine"
            + (status is null ? "" : " AND status = $status")
            + (redriven switch { true => " AND redrive_count > 0", false => " AND redrive_count = 0", null => "" })
            + (after is null ? "" : " AND (start_ms < $afterStart OR (start_ms = $afterStart AND seq < $afterSeq))")
            + " ORDER BY start_ms DESC, seq DESC LIMIT $limit";
        return Query(sql, c =>
        {
            c.Parameters.AddWithValue("$machine", stateMachineArn);
            c.Parameters.AddWithValue("$limit", limit);
            if (status is not null)
            {
                c.Parameters.AddWithValue("$status", status);
            }
            if (after is { } key)
            {
                c.Parameters.AddWithValue("$afterStart", key.StartMs);
                c.Parameters.AddWithValue("$afterSeq", key.Seq);
            }
        }, ReadExecution);
    }

    /// <summary>
    /// Appends a history event. A terminal event (ExecutionSucceeded/Failed/Aborted/TimedOut) closes the execution in
    /// the same transaction, so a crash can never leave a closed history on a RUNNING execution.
    /// </summary>
    public void AppendEvent(string executionArn, HistoryEvent historyEvent, ExecutionClosure? closure)
    {
        ArgumentNullException.ThrowIfNull(historyEvent);
        AppendEvents(executionArn, [historyEvent], null, closure);
    }

    /// <summary>
    /// Appends history events and then saves <paramref name="checkpoint"/> (when given), all in one transaction, so a
    /// state's exit and the checkpoint past it are on disk together or not at all. A terminal event closes the
    /// execution (with <paramref name="closure"/>, or the one the event implies); ExecutionRedriven reopens it: status
    /// RUNNING, the redrive counted and dated, and the stored checkpoint moved past the redrive with fresh retries, as
    /// the engine reruns it.
    /// </summary>
    public void AppendEvents(string executionArn, IReadOnlyList<HistoryEvent> events, ExecutionCheckpoint? checkpoint, ExecutionClosure? closure = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            foreach (var historyEvent in events)
            {
                using (var insert = _connection.CreateCommand())
                {
                    insert.Transaction = transaction;
                    insert.CommandText = """
                        INSERT OR REPLACE INTO events (execution_arn, id, previous_id, timestamp_ms, type, details)
                        VALUES ($arn, $id, $previous, $timestamp, $type, $details);
                        """;
                    insert.Parameters.AddWithValue("$arn", executionArn);
                    insert.Parameters.AddWithValue("$id", historyEvent.Id);
                    insert.Parameters.AddWithValue("$previous", historyEvent.PreviousEventId);
                    insert.Parameters.AddWithValue("$timestamp", historyEvent.Timestamp.ToUnixTimeMilliseconds());
                    insert.Parameters.AddWithValue("$type", historyEvent.Type);
                    insert.Parameters.AddWithValue("$details", (object?)historyEvent.Details?.ToJsonString() ?? DBNull.Value);
                    insert.ExecuteNonQuery();
                }
                if ((closure ?? PersistingObserver.ClosureFrom(historyEvent)) is { } ending)
                {
                    using var close = _connection.CreateCommand();
                    close.Transaction = transaction;
                    BindClosure(close, executionArn, ending);
                    close.ExecuteNonQuery();
                }
                else if (historyEvent.Type == "ExecutionRedriven")
                {
                    Reopen(transaction, executionArn, historyEvent);
                }
            }
            if (checkpoint is not null)
            {
                using var save = _connection.CreateCommand();
                save.Transaction = transaction;
                BindCheckpoint(save, executionArn, checkpoint);
                save.ExecuteNonQuery();
            }
            transaction.Commit();
        }
    }

    // Callers hold _gate inside the transaction.
    private void Reopen(SqliteTransaction transaction, string executionArn, HistoryEvent redriven)
    {
        string? stored;
        using (var read = _connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT checkpoint FROM executions WHERE arn = $arn";
            read.Parameters.AddWithValue("$arn", executionArn);
            stored = read.ExecuteScalar() as string;
        }
        var rebased = stored is null ? null : ExecutionCheckpoint.Parse(stored) with
        {
            LastEventId = (int)redriven.Id,
            RetryCounts = new Dictionary<string, int>(StringComparer.Ordinal),
        };
        using var reopen = _connection.CreateCommand();
        reopen.Transaction = transaction;
        reopen.CommandText = """
            UPDATE executions SET status = 'RUNNING', stop_ms = NULL, output = NULL, error = NULL, cause = NULL,
                redrive_count = $count, redrive_ms = $redriven, checkpoint = COALESCE($checkpoint, checkpoint)
            WHERE arn = $arn;
            """;
        reopen.Parameters.AddWithValue("$arn", executionArn);
        reopen.Parameters.AddWithValue("$count", redriven.Details?["redriveCount"]?.GetValue<int>() ?? 1);
        reopen.Parameters.AddWithValue("$redriven", redriven.Timestamp.ToUnixTimeMilliseconds());
        reopen.Parameters.AddWithValue("$checkpoint", (object?)rebased?.ToJson() ?? DBNull.Value);
        reopen.ExecuteNonQuery();
    }

    /// <summary>The redrive date a client token got within the last <paramref name="since"/>, if it was used for this execution.</summary>
    public DateTimeOffset? FindRedriveToken(string executionArn, string clientToken, DateTimeOffset since) =>
        Query("SELECT redrive_ms FROM redrive_tokens WHERE execution_arn = $arn AND token = $token AND used_ms >= $since", c =>
        {
            c.Parameters.AddWithValue("$arn", executionArn);
            c.Parameters.AddWithValue("$token", clientToken);
            c.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        }, r => (DateTimeOffset?)DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0))).FirstOrDefault();

    /// <summary>Remembers the redrive a client token made (the first use wins).</summary>
    public void RememberRedriveToken(string executionArn, string clientToken, DateTimeOffset usedAt, DateTimeOffset redriveDate) =>
        Write("INSERT OR IGNORE INTO redrive_tokens (execution_arn, token, used_ms, redrive_ms) VALUES ($arn, $token, $used, $redrive);", c =>
        {
            c.Parameters.AddWithValue("$arn", executionArn);
            c.Parameters.AddWithValue("$token", clientToken);
            c.Parameters.AddWithValue("$used", usedAt.ToUnixTimeMilliseconds());
            c.Parameters.AddWithValue("$redrive", redriveDate.ToUnixTimeMilliseconds());
        });

    /// <summary>
    /// Closes a RUNNING execution whose history already ends with a terminal event (a no-op otherwise: a late report of
    /// an attempt's end must not close the redrive that already reopened it).
    /// </summary>
    public void CloseExecution(string executionArn, ExecutionClosure closure) =>
        Write("", c =>
        {
            BindClosure(c, executionArn, closure);
            c.CommandText = c.CommandText.TrimEnd().TrimEnd(';') + """
                 AND (SELECT type FROM events WHERE execution_arn = $arn ORDER BY id DESC LIMIT 1)
                    IN ('ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut');
                """;
        });

    public void SaveCheckpoint(string executionArn, ExecutionCheckpoint checkpoint) =>
        Write("", c => BindCheckpoint(c, executionArn, checkpoint));

    private static void BindCheckpoint(SqliteCommand command, string executionArn, ExecutionCheckpoint checkpoint)
    {
        command.CommandText = "UPDATE executions SET checkpoint = $checkpoint WHERE arn = $arn AND status = 'RUNNING';";
        command.Parameters.AddWithValue("$arn", executionArn);
        command.Parameters.AddWithValue("$checkpoint", checkpoint.ToJson());
    }

    /// <summary>Events with ids in [<paramref name="fromId"/>, <paramref name="toId"/>], ascending or descending.</summary>
    public IReadOnlyList<HistoryEvent> GetEvents(string executionArn, long fromId, long toId, int limit, bool descending)
    {
        var sql = "SELECT id, previous_id, timestamp_ms, type, details FROM events WHERE execution_arn = $arn AND id BETWEEN $from AND $to ORDER BY id "
            + (descending ? "DESC" : "ASC") + " LIMIT $limit";
        return Query(sql, c =>
        {
            c.Parameters.AddWithValue("$arn", executionArn);
            c.Parameters.AddWithValue("$from", fromId);
            c.Parameters.AddWithValue("$to", toId);
            c.Parameters.AddWithValue("$limit", limit);
        }, r => new HistoryEvent(
            r.GetInt64(0),
            r.GetInt64(1),
            DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)),
            r.GetString(3),
            r.IsDBNull(4) ? null : JsonNode.Parse(r.GetString(4))!.AsObject()));
    }

    public long LastEventId(string executionArn) =>
        Query("SELECT COALESCE(MAX(id), 0) FROM events WHERE execution_arn = $arn", c => c.Parameters.AddWithValue("$arn", executionArn), r => r.GetInt64(0))[0];

    private static void BindClosure(SqliteCommand command, string executionArn, ExecutionClosure closure)
    {
        command.CommandText = """
            UPDATE executions SET status = $status, stop_ms = $stop, output = $output, error = $error, cause = $cause
            WHERE arn = $arn AND status = 'RUNNING';
            """;
        command.Parameters.AddWithValue("$arn", executionArn);
        command.Parameters.AddWithValue("$status", closure.Status);
        command.Parameters.AddWithValue("$stop", closure.StopDate.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$output", (object?)closure.Output ?? DBNull.Value);
        command.Parameters.AddWithValue("$error", (object?)closure.Error ?? DBNull.Value);
        command.Parameters.AddWithValue("$cause", (object?)closure.Cause ?? DBNull.Value);
    }

    private static StateMachineRecord ReadStateMachine(SqliteDataReader r) => new(
        r.GetString(r.GetOrdinal("arn")),
        r.GetString(r.GetOrdinal("name")),
        r.GetString(r.GetOrdinal("definition")),
        r.GetString(r.GetOrdinal("role_arn")),
        r.GetString(r.GetOrdinal("type")),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(r.GetOrdinal("creation_ms"))),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(r.GetOrdinal("update_ms"))),
        r.GetString(r.GetOrdinal("revision_id")));

    private static ExecutionRecord ReadExecution(SqliteDataReader r)
    {
        string? Text(string column) => r.IsDBNull(r.GetOrdinal(column)) ? null : r.GetString(r.GetOrdinal(column));
        var stop = r.GetOrdinal("stop_ms");
        var redriven = r.GetOrdinal("redrive_ms");
        return new ExecutionRecord
        {
            Sequence = r.GetInt64(r.GetOrdinal("seq")),
            Arn = r.GetString(r.GetOrdinal("arn")),
            StateMachineArn = r.GetString(r.GetOrdinal("state_machine_arn")),
            Name = r.GetString(r.GetOrdinal("name")),
            Status = r.GetString(r.GetOrdinal("status")),
            StartDate = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(r.GetOrdinal("start_ms"))),
            StopDate = r.IsDBNull(stop) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(stop)),
            Input = r.GetString(r.GetOrdinal("input")),
            Output = Text("output"),
            Error = Text("error"),
            Cause = Text("cause"),
            TestCase = Text("test_case"),
            Definition = r.GetString(r.GetOrdinal("definition")),
            RoleArn = r.GetString(r.GetOrdinal("role_arn")),
            DefinitionUpdateDate = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(r.GetOrdinal("definition_update_ms"))),
            Checkpoint = Text("checkpoint") is { } checkpoint ? ExecutionCheckpoint.Parse(checkpoint) : null,
            RedriveCount = r.GetInt32(r.GetOrdinal("redrive_count")),
            RedriveDate = r.IsDBNull(redriven) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(redriven)),
        };
    }

    private void Execute(string sql) => Write(sql, _ => { });

    private void Write(string sql, Action<SqliteCommand> bind, Action<int>? rowsAffected = null)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            bind(command);
            var rows = command.ExecuteNonQuery();
            rowsAffected?.Invoke(rows);
        }
    }

    private List<T> Query<T>(string sql, Action<SqliteCommand> bind, Func<SqliteDataReader, T> read)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            bind(command);
            using var reader = command.ExecuteReader();
            var rows = new List<T>();
            while (reader.Read())
            {
                rows.Add(read(reader));
            }
            return rows;
        }
    }
}

/// <summary>How an execution ended: status, stop date, and output or error and cause.</summary>
public sealed record ExecutionClosure(string Status, DateTimeOffset StopDate, string? Output, string? Error, string? Cause);
