using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using SQLitePCL;
using StatesLanguage.Json;
using StatesLanguage.Runtime;

namespace StepFunctionsApi.Persistence;

/// <summary>
/// State machines, executions, their histories and checkpoints in one SQLite database (WAL, synchronous=NORMAL: a
/// commit survives a killed process; only an OS crash or power loss can undo the last ones). <c>:memory:</c> keeps it
/// all in RAM.
/// </summary>
/// <remarks>
/// Every write goes through one queue, committed in order by one writer thread, as many queued writes per transaction
/// as have gathered (group commit): executions report events from many threads at once, and a transaction per event
/// made them queue on a lock, blocking thread-pool threads. Writes that return (or complete their task) are committed;
/// the <c>InBackground</c> writes the engine's observer uses return at once, and a crash can drop the last of them,
/// which leaves the store as it was a moment earlier (a history prefix with its checkpoint, never a gap). Reads first
/// wait for the writes queued before them, so a caller always reads what it wrote.
/// </remarks>
public sealed class SqliteStateStore : IDisposable
{
    public const string InMemory = ":memory:";

    // The write connection, used under _gate by the writer thread for each batch (and by readers of an in-memory database).
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();
    // Prepared statements by SQL text, reused (only under _gate).
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    // A file database is read through its own connection, which WAL never makes wait for a batch being committed.
    private readonly SqliteConnection? _readConnection;
    private readonly Lock _readGate = new();
    private readonly Dictionary<string, SqliteCommand> _readCommands = new(StringComparer.Ordinal);
    private readonly ILogger? _logger;
    private readonly ConcurrentDictionary<string, StateMachineRecord> _machines = new(StringComparer.Ordinal);
    // Definition text → its row id, for the writer thread; cleared whenever a transaction rolls back, as its ids may be gone.
    private readonly Dictionary<string, long> _definitionIds = new(StringComparer.Ordinal);

    // The writer's running executions' seqs, each looked up once instead of once per append; dropped when one ends.
    private readonly Dictionary<string, long> _executionSeqs = new(StringComparer.Ordinal);
    // The history insert, the store's most frequent statement, bound straight from UTF-8 (writer thread only).
    private RawStatement? _insertEvent;
    private int _machinesVersion;

    private readonly object _queueGate = new();
    private List<PendingWrite> _queue = [];
    private long _unflushed;
    private bool _stopping;
    private readonly Thread _writer;

    public SqliteStateStore(string? databasePath, ILogger? logger = null)
    {
        _logger = logger;
        var path = string.IsNullOrEmpty(databasePath) ? InMemory : databasePath;
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        if (path != InMemory)
        {
            Execute("PRAGMA journal_mode=WAL;");
            Execute("PRAGMA synchronous=NORMAL;");
            // Under load the history's hot pages outgrow the 2 MB default cache, and a checkpoint every 8,000 pages
            // instead of 1,000 copies a page rewritten by many commits back into the database once.
            Execute("PRAGMA cache_size=-65536;");
            Execute("PRAGMA wal_autocheckpoint=8000;");
        }
        Execute($$"""
            CREATE TABLE IF NOT EXISTS state_machines (
                arn TEXT PRIMARY KEY, name TEXT NOT NULL, definition TEXT NOT NULL, role_arn TEXT NOT NULL, type TEXT NOT NULL,
                creation_ms INTEGER NOT NULL, update_ms INTEGER NOT NULL, revision_id TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS definitions (id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, definition TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS executions (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, arn TEXT NOT NULL UNIQUE, state_machine_arn TEXT NOT NULL, name TEXT NOT NULL,
                status TEXT NOT NULL, start_ms INTEGER NOT NULL, stop_ms INTEGER, input TEXT NOT NULL, output TEXT, error TEXT, cause TEXT,
                test_case TEXT, definition_id INTEGER NOT NULL REFERENCES definitions (id), role_arn TEXT NOT NULL,
                definition_update_ms INTEGER NOT NULL, redrive_count INTEGER NOT NULL DEFAULT 0, redrive_ms INTEGER);
            CREATE INDEX IF NOT EXISTS executions_by_machine ON executions (state_machine_arn, start_ms DESC, seq DESC);
            CREATE INDEX IF NOT EXISTS executions_by_status ON executions (status);
            CREATE TABLE IF NOT EXISTS checkpoints (arn TEXT PRIMARY KEY, checkpoint TEXT NOT NULL);
            -- A rowid table, so new events append to its end; clustered by execution, each commit wrote into pages all over it.
            -- Keyed by the execution's seq, not its ARN: the key index then stays small and its recent executions' entries
            -- sit together, where ARNs scattered each commit's index entries over the whole index.
            CREATE TABLE IF NOT EXISTS events ({{EventsColumns}});
            CREATE TABLE IF NOT EXISTS redrive_tokens (
                execution_arn TEXT NOT NULL, token TEXT NOT NULL, used_ms INTEGER NOT NULL, redrive_ms INTEGER NOT NULL,
                PRIMARY KEY (execution_arn, token)) WITHOUT ROWID;
            """);
        MigrateOlderSchema();
        Execute("""
            CREATE VIEW IF NOT EXISTS execution_rows AS
                SELECT e.*, d.definition, c.checkpoint FROM executions e
                JOIN definitions d ON d.id = e.definition_id LEFT JOIN checkpoints c ON c.arn = e.arn;
            """);
        if (path != InMemory)
        {
            _readConnection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
            _readConnection.Open();
            using var timeout = _readConnection.CreateCommand();
            timeout.CommandText = "PRAGMA busy_timeout = 5000;";
            timeout.ExecuteNonQuery();
        }
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "sfn-store-writer" };
        _writer.Start();
    }

    /// <summary>Commits what is queued and closes the database.</summary>
    public void Dispose()
    {
        lock (_queueGate)
        {
            if (_stopping)
            {
                return;
            }
            _stopping = true;
            Monitor.PulseAll(_queueGate);
        }
        _writer.Join();
        lock (_gate)
        {
            DisposeCommands(_commands);
            _insertEvent?.Dispose();
            _connection.Dispose();
        }
        lock (_readGate)
        {
            DisposeCommands(_readCommands);
            _readConnection?.Dispose();
        }
    }

    private static void DisposeCommands(Dictionary<string, SqliteCommand> commands)
    {
        foreach (var command in commands.Values)
        {
            command.Dispose();
        }
        commands.Clear();
    }

    /// <summary>Completes once every write queued before this call is committed.</summary>
    public Task FlushAsync() =>
        Interlocked.Read(ref _unflushed) == 0 ? Task.CompletedTask : Enqueue(_ => { }, wait: true)!;

    /// <summary>
    /// Brings a database written by an earlier version up to this schema: redrive's columns, and the definition and
    /// checkpoint moved out of the executions row (kept there, every checkpoint rewrote the whole row, definition and all).
    /// </summary>
    private void MigrateOlderSchema()
    {
        var columns = Query("SELECT name FROM pragma_table_info('executions')", _ => { }, r => r.GetString(0), flush: false);
        if (!columns.Contains("redrive_count"))
        {
            Execute("ALTER TABLE executions ADD COLUMN redrive_count INTEGER NOT NULL DEFAULT 0;");
            Execute("ALTER TABLE executions ADD COLUMN redrive_ms INTEGER;");
        }
        RebuildEventsKeyedByArn();
        if (!columns.Contains("definition"))
        {
            return;
        }
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            Run(transaction, "ALTER TABLE executions ADD COLUMN definition_id INTEGER REFERENCES definitions (id);", _ => { });
            var read = Command("SELECT DISTINCT definition FROM executions", transaction);
            var definitions = new List<string>();
            using (var reader = read.ExecuteReader())
            {
                while (reader.Read())
                {
                    definitions.Add(reader.GetString(0));
                }
            }
            foreach (var definition in definitions)
            {
                var id = DefinitionId(transaction, definition);
                Run(transaction, "UPDATE executions SET definition_id = $id WHERE definition = $definition;", c =>
                {
                    c.Parameters.AddWithValue("$id", id);
                    c.Parameters.AddWithValue("$definition", definition);
                });
            }
            Run(transaction, """
                INSERT OR REPLACE INTO checkpoints (arn, checkpoint) SELECT arn, checkpoint FROM executions WHERE checkpoint IS NOT NULL;
                ALTER TABLE executions DROP COLUMN checkpoint;
                ALTER TABLE executions DROP COLUMN definition;
                """, _ => { });
            transaction.Commit();
            DisposeCommands(_commands);
        }
    }

    /// <summary>
    /// An events table keyed by execution ARN, whether clustered by it (WITHOUT ROWID) or appending, is copied once into
    /// the appending layout keyed by the execution's seq. Events of an execution the store does not hold are left behind.
    /// </summary>
    private void RebuildEventsKeyedByArn()
    {
        var columns = Query("SELECT name FROM pragma_table_info('events')", _ => { }, r => r.GetString(0), flush: false);
        if (!columns.Contains("execution_arn"))
        {
            return;
        }
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            Run(transaction, $$"""
                CREATE TABLE events_by_seq ({{EventsColumns}});
                INSERT INTO events_by_seq (execution_seq, id, previous_id, timestamp_ms, type, details)
                    SELECT x.seq, e.id, e.previous_id, e.timestamp_ms, e.type, e.details
                    FROM events e JOIN executions x ON x.arn = e.execution_arn ORDER BY x.seq, e.id;
                DROP TABLE events;
                ALTER TABLE events_by_seq RENAME TO events;
                """, _ => { });
            transaction.Commit();
            DisposeCommands(_commands);
        }
    }

    /// <summary>A failed transaction may have inserted the definitions and executions whose ids the writer remembers.</summary>
    private void ForgetUncommittedIds()
    {
        _definitionIds.Clear();
        _executionSeqs.Clear();
    }

    /// <summary>The id of a stored definition, adding it the first time: executions of one state machine version share one copy.</summary>
    private long DefinitionId(SqliteTransaction transaction, string definition)
    {
        if (_definitionIds.TryGetValue(definition, out var id))
        {
            return id;
        }
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(definition)));
        Run(transaction, "INSERT OR IGNORE INTO definitions (hash, definition) VALUES ($hash, $definition);", c =>
        {
            c.Parameters.AddWithValue("$hash", hash);
            c.Parameters.AddWithValue("$definition", definition);
        });
        var find = Command("SELECT id FROM definitions WHERE hash = $hash", transaction);
        find.Parameters.AddWithValue("$hash", hash);
        id = (long)find.ExecuteScalar()!;
        _definitionIds[definition] = id;
        return id;
    }

    public void UpsertStateMachine(StateMachineRecord machine)
    {
        ArgumentNullException.ThrowIfNull(machine);
        _machines.TryRemove(machine.Arn, out _);
        Write(transaction => Run(transaction, """
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
        }));
        // The stored row keeps its first creation date, so the next read fills the cache from the table.
        Interlocked.Increment(ref _machinesVersion);
        _machines.TryRemove(machine.Arn, out _);
    }

    /// <summary>The state machine, from memory after the first read: every StartExecution asks, and state machines rarely change.</summary>
    public StateMachineRecord? GetStateMachine(string arn)
    {
        if (_machines.TryGetValue(arn, out var cached))
        {
            return cached;
        }
        // State machine writes always wait for their commit, so this read need not wait for the queue.
        var version = Volatile.Read(ref _machinesVersion);
        var stored = Query("SELECT * FROM state_machines WHERE arn = $arn", c => c.Parameters.AddWithValue("$arn", arn), ReadStateMachine, flush: false)
            .FirstOrDefault();
        if (stored is not null)
        {
            _machines.TryAdd(arn, stored);
            if (Volatile.Read(ref _machinesVersion) != version)
            {
                // A write raced this read: the row may be the old one, so do not keep it.
                _machines.TryRemove(arn, out _);
            }
        }
        return stored;
    }

    public IReadOnlyList<StateMachineRecord> ListStateMachines() =>
        Query("SELECT * FROM state_machines ORDER BY name", _ => { }, ReadStateMachine, flush: false);

    public void DeleteStateMachine(string arn)
    {
        Write(transaction => Run(transaction, "DELETE FROM state_machines WHERE arn = $arn", c => c.Parameters.AddWithValue("$arn", arn)));
        Interlocked.Increment(ref _machinesVersion);
        _machines.TryRemove(arn, out _);
    }

    /// <summary>Records a new execution; false when one with this ARN already exists (nothing changes then).</summary>
    public bool InsertExecution(ExecutionRecord execution) => InsertExecutionAsync(execution).GetAwaiter().GetResult();

    /// <inheritdoc cref="InsertExecution"/>
    /// <remarks>Completes once committed, with every write queued before it (the execution's first events).</remarks>
    public async Task<bool> InsertExecutionAsync(ExecutionRecord execution)
    {
        var inserted = 0;
        await Enqueue(transaction => inserted = InsertExecution(transaction, execution), wait: true)!.ConfigureAwait(false);
        return inserted == 1;
    }

    /// <summary>Queues the insertion of a new execution without waiting for its commit (an existing one is left as it is).</summary>
    public void InsertExecutionInBackground(ExecutionRecord execution) =>
        Enqueue(transaction => InsertExecution(transaction, execution), wait: false);

    private int InsertExecution(SqliteTransaction transaction, ExecutionRecord execution) => Run(transaction, """
            INSERT OR IGNORE INTO executions (arn, state_machine_arn, name, status, start_ms, input, test_case, definition_id, role_arn, definition_update_ms)
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
            c.Parameters.AddWithValue("$definition", DefinitionId(transaction, execution.Definition));
            c.Parameters.AddWithValue("$role", execution.RoleArn);
            c.Parameters.AddWithValue("$defUpdated", execution.DefinitionUpdateDate.ToUnixTimeMilliseconds());
        });

    public ExecutionRecord? GetExecution(string arn) =>
        Query("SELECT * FROM execution_rows WHERE arn = $arn", c => c.Parameters.AddWithValue("$arn", arn), ReadExecution).FirstOrDefault();

    /// <summary>
    /// The execution as committed so far, without waiting for queued writes: for a caller that only needs to know whether
    /// an execution this process does not hold was stored by an earlier one.
    /// </summary>
    internal ExecutionRecord? GetCommittedExecution(string arn) =>
        Query("SELECT * FROM execution_rows WHERE arn = $arn", c => c.Parameters.AddWithValue("$arn", arn), ReadExecution, flush: false).FirstOrDefault();

    public IReadOnlyList<ExecutionRecord> RunningExecutions() =>
        Query("SELECT * FROM execution_rows WHERE status = 'RUNNING' ORDER BY seq", _ => { }, ReadExecution);

    /// <summary>
    /// One page of a state machine's executions, newest first, after the (start, seq) key of the previous page;
    /// <paramref name="redriven"/> keeps only those redriven at least once (true) or never (false).
    /// </summary>
    public IReadOnlyList<ExecutionRecord> ListExecutions(string stateMachineArn, string? status, int limit, (long StartMs, long Seq)? after,
        bool? redriven = null)
    {
        var sql = "SELECT * FROM execution_rows WHERE state_machine_arn = $machine"
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
    /// the engine reruns it. Returns once committed.
    /// </summary>
    public void AppendEvents(string executionArn, IReadOnlyList<HistoryEvent> events, ExecutionCheckpoint? checkpoint, ExecutionClosure? closure = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        Write(transaction => Append(transaction, executionArn, Serialized(events), checkpoint?.ToJson(), closure));
    }

    /// <summary>
    /// <see cref="AppendEvents"/> without waiting for the commit: the writes keep their order with every other write, and
    /// the events and checkpoint of one call still commit together.
    /// </summary>
    public void AppendEventsInBackground(string executionArn, IReadOnlyList<HistoryEvent> events, ExecutionCheckpoint? checkpoint)
    {
        ArgumentNullException.ThrowIfNull(events);
        // Serialised on the caller's thread: the event objects are not touched again once queued.
        var serialized = Serialized(events);
        var checkpointJson = checkpoint?.ToJson();
        Enqueue(transaction => Append(transaction, executionArn, serialized, checkpointJson, null), wait: false);
    }

    private static readonly ReusableJsonWriter DetailsText = new();

    /// <summary>Each event's details as UTF-8 JSON, the text SQLite stores, written without a JsonObject or a string between.</summary>
    private static (HistoryEvent Event, byte[]? Details)[] Serialized(IReadOnlyList<HistoryEvent> events)
    {
        var serialized = new (HistoryEvent, byte[]?)[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var historyEvent = events[i];
            if (!historyEvent.HasDetails)
            {
                serialized[i] = (historyEvent, null);
                continue;
            }
            historyEvent.WriteDetails(DetailsText.Start());
            serialized[i] = (historyEvent, DetailsText.Written().ToArray());
        }
        return serialized;
    }

    // Runs on the writer thread inside a batch's transaction.
    private void Append(SqliteTransaction transaction, string executionArn, (HistoryEvent Event, byte[]? Details)[] events, string? checkpointJson,
        ExecutionClosure? closure)
    {
        _insertEvent ??= new RawStatement(_connection, """
            INSERT OR REPLACE INTO events (execution_seq, id, previous_id, timestamp_ms, type, details) VALUES (?1, ?2, ?3, ?4, ?5, ?6);
            """);
        var executionSeq = ExecutionSeq(transaction, executionArn);
        foreach (var (historyEvent, details) in events)
        {
            _insertEvent.Run(statement =>
            {
                raw.sqlite3_bind_int64(statement, 1, executionSeq);
                raw.sqlite3_bind_int64(statement, 2, historyEvent.Id);
                raw.sqlite3_bind_int64(statement, 3, historyEvent.PreviousEventId);
                raw.sqlite3_bind_int64(statement, 4, historyEvent.Timestamp.ToUnixTimeMilliseconds());
                raw.sqlite3_bind_text(statement, 5, historyEvent.Type);
                if (details is null)
                {
                    raw.sqlite3_bind_null(statement, 6);
                }
                else
                {
                    raw.sqlite3_bind_text(statement, 6, details);
                }
            });
            if ((closure ?? PersistingObserver.ClosureFrom(historyEvent)) is { } ending)
            {
                Run(transaction, CloseSql, close => BindClosure(close, executionArn, ending));
                _executionSeqs.Remove(executionArn);
            }
            else if (historyEvent.Type == "ExecutionRedriven")
            {
                Reopen(transaction, executionArn, historyEvent);
            }
        }
        if (checkpointJson is not null)
        {
            Run(transaction, CheckpointSql, save => BindCheckpoint(save, executionArn, checkpointJson));
        }
    }

    // Runs on the writer thread inside a batch's transaction.
    private void Reopen(SqliteTransaction transaction, string executionArn, HistoryEvent redriven)
    {
        var read = Command("SELECT checkpoint FROM checkpoints WHERE arn = $arn", transaction);
        read.Parameters.AddWithValue("$arn", executionArn);
        var stored = read.ExecuteScalar() as string;
        var rebased = stored is null ? null : ExecutionCheckpoint.Parse(stored) with
        {
            LastEventId = (int)redriven.Id,
            RetryCounts = new Dictionary<string, int>(StringComparer.Ordinal),
        };
        Run(transaction, """
            UPDATE executions SET status = 'RUNNING', stop_ms = NULL, output = NULL, error = NULL, cause = NULL,
                redrive_count = $count, redrive_ms = $redriven
            WHERE arn = $arn;
            """, reopen =>
        {
            reopen.Parameters.AddWithValue("$arn", executionArn);
            reopen.Parameters.AddWithValue("$count", redriven.Details?["redriveCount"]?.GetValue<int>() ?? 1);
            reopen.Parameters.AddWithValue("$redriven", redriven.Timestamp.ToUnixTimeMilliseconds());
        });
        if (rebased is not null)
        {
            Run(transaction, CheckpointSql, save => BindCheckpoint(save, executionArn, rebased.ToJson()));
        }
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
        Write(transaction => Run(transaction, "INSERT OR IGNORE INTO redrive_tokens (execution_arn, token, used_ms, redrive_ms) VALUES ($arn, $token, $used, $redrive);", c =>
        {
            c.Parameters.AddWithValue("$arn", executionArn);
            c.Parameters.AddWithValue("$token", clientToken);
            c.Parameters.AddWithValue("$used", usedAt.ToUnixTimeMilliseconds());
            c.Parameters.AddWithValue("$redrive", redriveDate.ToUnixTimeMilliseconds());
        }));

    /// <summary>
    /// Closes a RUNNING execution whose history already ends with a terminal event (a no-op otherwise: a late report of
    /// an attempt's end must not close the redrive that already reopened it).
    /// </summary>
    public void CloseExecution(string executionArn, ExecutionClosure closure) =>
        Write(transaction => CloseIfEnded(transaction, executionArn, closure));

    /// <summary><see cref="CloseExecution"/> without waiting for the commit.</summary>
    public void CloseExecutionInBackground(string executionArn, ExecutionClosure closure) =>
        Enqueue(transaction => CloseIfEnded(transaction, executionArn, closure), wait: false);

    private const string CloseSql = """
        UPDATE executions SET status = $status, stop_ms = $stop, output = $output, error = $error, cause = $cause
        WHERE arn = $arn AND status = 'RUNNING'
        """;

    private const string EventsColumns = """
        execution_seq INTEGER NOT NULL, id INTEGER NOT NULL, previous_id INTEGER NOT NULL, timestamp_ms INTEGER NOT NULL,
        type TEXT NOT NULL, details TEXT, PRIMARY KEY (execution_seq, id)
        """;

    /// <summary>The execution's seq, which keys its events; an execution the store does not hold has no history to append to.</summary>
    private long ExecutionSeq(SqliteTransaction transaction, string executionArn)
    {
        if (_executionSeqs.TryGetValue(executionArn, out var seq))
        {
            return seq;
        }
        var find = Command("SELECT seq FROM executions WHERE arn = $arn", transaction);
        find.Parameters.AddWithValue("$arn", executionArn);
        seq = find.ExecuteScalar() as long? ?? throw new InvalidOperationException($"No execution {executionArn} is stored, so its events cannot be");
        _executionSeqs[executionArn] = seq;
        return seq;
    }

    /// <summary>The events of the execution with ARN $arn.</summary>
    private const string EventsOfExecution = "events WHERE execution_seq = (SELECT seq FROM executions WHERE arn = $arn)";

    private const string CheckpointSql = """
        INSERT INTO checkpoints (arn, checkpoint) SELECT $arn, $checkpoint WHERE EXISTS (SELECT 1 FROM executions WHERE arn = $arn AND status = 'RUNNING')
        ON CONFLICT (arn) DO UPDATE SET checkpoint = excluded.checkpoint;
        """;

    private const string CloseIfEndedSql = CloseSql + $"""
         AND (SELECT type FROM {EventsOfExecution} ORDER BY id DESC LIMIT 1)
            IN ('ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut');
        """;

    private void CloseIfEnded(SqliteTransaction transaction, string executionArn, ExecutionClosure closure) =>
        Run(transaction, CloseIfEndedSql, c => BindClosure(c, executionArn, closure));

    public void SaveCheckpoint(string executionArn, ExecutionCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var json = checkpoint.ToJson();
        Write(transaction => Run(transaction, CheckpointSql, c => BindCheckpoint(c, executionArn, json)));
    }

    private static void BindCheckpoint(SqliteCommand command, string executionArn, string checkpointJson)
    {
        command.Parameters.AddWithValue("$arn", executionArn);
        command.Parameters.AddWithValue("$checkpoint", checkpointJson);
    }

    /// <summary>Events with ids in [<paramref name="fromId"/>, <paramref name="toId"/>], ascending or descending.</summary>
    public IReadOnlyList<HistoryEvent> GetEvents(string executionArn, long fromId, long toId, int limit, bool descending)
    {
        var sql = "SELECT id, previous_id, timestamp_ms, type, details FROM " + EventsOfExecution + " AND id BETWEEN $from AND $to ORDER BY id "
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
        Query("SELECT COALESCE(MAX(id), 0) FROM " + EventsOfExecution, c => c.Parameters.AddWithValue("$arn", executionArn), r => r.GetInt64(0))[0];

    private static void BindClosure(SqliteCommand command, string executionArn, ExecutionClosure closure)
    {
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

    /// <summary>A queued write: what to run inside the batch's transaction, and who waits for its commit (if anyone).</summary>
    private sealed record PendingWrite(Action<SqliteTransaction> Apply, TaskCompletionSource? Committed);

    /// <summary>Queues a write; returns the task its commit completes when <paramref name="wait"/>, else null.</summary>
    private Task? Enqueue(Action<SqliteTransaction> apply, bool wait)
    {
        var committed = wait ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null;
        lock (_queueGate)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            _queue.Add(new PendingWrite(apply, committed));
            Interlocked.Increment(ref _unflushed);
            if (_queue.Count == 1)
            {
                Monitor.Pulse(_queueGate);
            }
        }
        return committed?.Task;
    }

    /// <summary>Queues a write and blocks until it is committed (rethrowing its failure).</summary>
    private void Write(Action<SqliteTransaction> apply) => Enqueue(apply, wait: true)!.GetAwaiter().GetResult();

    private void WriteLoop()
    {
        var spare = new List<PendingWrite>();
        while (true)
        {
            List<PendingWrite> batch;
            lock (_queueGate)
            {
                while (_queue.Count == 0 && !_stopping)
                {
                    Monitor.Wait(_queueGate);
                }
                if (_queue.Count == 0)
                {
                    return;
                }
                batch = _queue;
                _queue = spare;
            }
            Commit(batch);
            Interlocked.Add(ref _unflushed, -batch.Count);
            batch.Clear();
            spare = batch;
        }
    }

    /// <summary>Commits a batch in one transaction; if any write fails, commits each on its own so only the failing one is lost.</summary>
    private void Commit(List<PendingWrite> batch)
    {
        Exception? batchFailure = null;
        lock (_gate)
        {
            try
            {
                using var transaction = _connection.BeginTransaction();
                foreach (var write in batch)
                {
                    write.Apply(transaction);
                }
                transaction.Commit();
            }
            catch (Exception ex) when (batch.Count > 1)
            {
                ForgetUncommittedIds();
                batchFailure = ex;
            }
            catch (Exception ex)
            {
                ForgetUncommittedIds();
                Fail(batch[0], ex);
                return;
            }
            if (batchFailure is not null)
            {
                foreach (var write in batch)
                {
                    try
                    {
                        using var transaction = _connection.BeginTransaction();
                        write.Apply(transaction);
                        transaction.Commit();
                    }
                    catch (Exception ex)
                    {
                        ForgetUncommittedIds();
                        Fail(write, ex);
                        continue;
                    }
                    write.Committed?.TrySetResult();
                }
                return;
            }
        }
        foreach (var write in batch)
        {
            write.Committed?.TrySetResult();
        }
    }

    private void Fail(PendingWrite write, Exception exception)
    {
        if (write.Committed is not null)
        {
            write.Committed.TrySetException(exception);
        }
        else
        {
            _logger?.LogError(exception, "A queued Step Functions store write failed; the execution's history on disk stops before it");
        }
    }

    /// <summary>The cached command for <paramref name="sql"/>, its parameters cleared, in <paramref name="transaction"/>. Callers hold _gate.</summary>
    private SqliteCommand Command(string sql, SqliteTransaction? transaction)
    {
        var command = Prepared(_commands, _connection, sql);
        command.Transaction = transaction;
        return command;
    }

    /// <summary>The command cached in <paramref name="commands"/> for <paramref name="sql"/> on <paramref name="connection"/>, its parameters cleared.</summary>
    private static SqliteCommand Prepared(Dictionary<string, SqliteCommand> commands, SqliteConnection connection, string sql)
    {
        if (!commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            commands[sql] = command;
        }
        command.Parameters.Clear();
        return command;
    }

    private int Run(SqliteTransaction transaction, string sql, Action<SqliteCommand> bind)
    {
        var command = Command(sql, transaction);
        bind(command);
        return command.ExecuteNonQuery();
    }

    private void Execute(string sql)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
    }

    private List<T> Query<T>(string sql, Action<SqliteCommand> bind, Func<SqliteDataReader, T> read, bool flush = true)
    {
        if (flush && Interlocked.Read(ref _unflushed) > 0 && Thread.CurrentThread != _writer)
        {
            FlushAsync().GetAwaiter().GetResult();
        }
        if (_readConnection is null)
        {
            lock (_gate)
            {
                return Read(Command(sql, null), bind, read);
            }
        }
        lock (_readGate)
        {
            return Read(Prepared(_readCommands, _readConnection, sql), bind, read);
        }
    }

    private static List<T> Read<T>(SqliteCommand command, Action<SqliteCommand> bind, Func<SqliteDataReader, T> read)
    {
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

/// <summary>How an execution ended: status, stop date, and output or error and cause.</summary>
public sealed record ExecutionClosure(string Status, DateTimeOffset StopDate, string? Output, string? Error, string? Cause);
