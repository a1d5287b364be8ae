using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Data.Sqlite;

namespace ECommerce.LocalStores;

/// <summary>
/// One service's table as a SQLite file of JSON documents keyed like its DynamoDB table (<c>pk</c>). Every write runs
/// in one SQLite transaction, so a multi-item rule (a reservation and its stock decrements) is atomic and survives a
/// crash, as the DynamoDB transaction is on AWS.
/// </summary>
public sealed class SqliteDocumentStore : IDisposable
{
    private static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(5);

    private readonly string _connectionString;
    private readonly int _busyTimeoutMilliseconds;
    // Reads and writes waiting for the next round, and whether a caller is running them (both under the list's lock).
    private readonly List<PendingWork> _pending = [];
    private bool _committing;
    private readonly Lock _connectionGate = new();
    // One connection, open with its prepared statements, serves reads and writes: opening one and setting its pragmas
    // per operation, and preparing each statement again, cost more than the reads and writes themselves, and a second
    // connection would lose its page cache to every commit of the first.
    private PreparedConnection? _connection;
    private bool _disposed;

    /// <param name="databasePath">The SQLite file; created with its table when missing.</param>
    /// <param name="busyTimeout">
    /// How long a write waits for another connection's lock (another process on the same file) before it fails as
    /// unavailable. Five seconds unless given.
    /// </param>
    public SqliteDocumentStore(string databasePath, TimeSpan? busyTimeout = null)
    {
        DatabasePath = Path.GetFullPath(databasePath);
        var timeout = busyTimeout ?? DefaultBusyTimeout;
        _busyTimeoutMilliseconds = (int)timeout.TotalMilliseconds;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Pooling = false,
            // Microsoft.Data.Sqlite retries SQLITE_BUSY itself for up to the command timeout (whole seconds).
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds)),
        }.ToString();

        using var connection = Open();
        using var command = connection.Connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS items (pk TEXT PRIMARY KEY, doc TEXT NOT NULL);
            """;
        command.ExecuteNonQuery();
    }

    public string DatabasePath { get; }

    /// <summary>
    /// Runs <paramref name="work"/> as one atomic write (BEGIN IMMEDIATE, so it holds the file's write lock from its first
    /// read) and completes once it is committed; an exception thrown by <paramref name="work"/> undoes all it wrote.
    /// </summary>
    /// <remarks>
    /// Writes that arrive while one is being committed are committed together (group commit): each runs in its own
    /// savepoint inside one transaction, in arrival order, so each sees the ones before it and a failing one is undone
    /// alone. A commit per write made every write pay for a WAL commit of its own; under load that was most of a
    /// service's cost. Whichever caller finds no round in progress runs one on its own thread.
    /// </remarks>
    public Task<T> WriteAsync<T>(Func<DocumentTransaction, T> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        return Enqueue(new PendingWork<T>(work, readOnly: false));
    }

    private Task<T> Enqueue<T>(PendingWork<T> work)
    {
        lock (_pending)
        {
            _pending.Add(work);
            if (_committing)
            {
                return work.Task;
            }

            _committing = true;
        }

        RunRound();
        return work.Task;
    }

    /// <summary>
    /// Runs one round: everything pending, its own work among it. What arrives meanwhile gets the next round on the
    /// thread pool, so under a steady stream no caller goes on running other callers' work instead of returning.
    /// </summary>
    private void RunRound()
    {
        List<PendingWork> batch;
        lock (_pending)
        {
            batch = [.. _pending];
            _pending.Clear();
        }

        Commit(batch);
        lock (_pending)
        {
            if (_pending.Count == 0)
            {
                _committing = false;
                return;
            }
        }

        ThreadPool.UnsafeQueueUserWorkItem(static store => store.RunRound(), this, preferLocal: false);
    }

    private void Commit(List<PendingWork> batch)
    {
        // Reads first, in a read transaction of their own: they need only what completed before they were asked for,
        // which is committed, and a read transaction waits neither for this batch's commit nor for another process's
        // write lock.
        var reads = batch.FindAll(w => w.ReadOnly);
        if (reads.Count > 0)
        {
            RunInOneTransaction(reads, deferred: true);
            batch.RemoveAll(w => w.ReadOnly);
        }

        if (batch.Count > 0)
        {
            RunInOneTransaction(batch, deferred: false);
        }
    }

    private void RunInOneTransaction(List<PendingWork> batch, bool deferred)
    {
        lock (_connectionGate)
        {
            if (_disposed)
            {
                batch.ForEach(w => w.Fail(new ObjectDisposedException(nameof(SqliteDocumentStore))));
                return;
            }

            var connection = _connection ??= Open();
            try
            {
                using var transaction = connection.Connection.BeginTransaction(deferred);
                var items = new DocumentTransaction(connection, transaction);
                foreach (var write in batch)
                {
                    write.RunInSavepoint(items);
                }

                transaction.Commit();
            }
            catch (Exception exception)
            {
                if (exception is SqliteException sqlite && !SqliteFaults.IsLockContention(sqlite))
                {
                    // Not another writer's lock: the connection itself may be broken (file gone, I/O error); open a fresh one next time.
                    _connection = null;
                    connection.Dispose();
                }

                batch.ForEach(w => w.Fail(exception));
                return;
            }
        }

        batch.ForEach(w => w.Complete());
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one read transaction, so every read inside it sees the same snapshot, which holds
    /// every write that completed before the call; anything it writes is undone. Reads that gather while a round is
    /// running share the next read transaction.
    /// </summary>
    public Task<T> ReadAsync<T>(Func<DocumentTransaction, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Enqueue(new PendingWork<T>(work, readOnly: true));
    }

    /// <summary>Deletes every document (the file and its schema stay).</summary>
    public Task ClearAsync(CancellationToken cancellationToken) =>
        WriteAsync(items => items.DeleteAll(), cancellationToken);

    /// <summary>Closes the connections to the file, so it can be deleted or reopened by another process.</summary>
    public void Dispose()
    {
        lock (_connectionGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _connection?.Dispose();
            _connection = null;
        }
    }

    /// <summary>Deletes a database file with its WAL and shared-memory side files; missing files are fine.</summary>
    public static void DeleteFiles(string databasePath)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            File.Delete(databasePath + suffix);
        }
    }

    private PreparedConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var pragma = connection.CreateCommand();
            // NORMAL in WAL mode: a commit survives the process crashing or being killed (the restart case); only an OS
            // crash or power loss can drop the last commits. FULL would fsync every commit, about ten times slower here.
            pragma.CommandText = string.Create(
                CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {_busyTimeoutMilliseconds}; PRAGMA synchronous = NORMAL;");
            pragma.ExecuteNonQuery();
            return new PreparedConnection(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}

/// <summary>
/// A read or write waiting for its round: the work, run in its own savepoint (always undone for a read), and the task
/// the round's commit completes.
/// </summary>
internal abstract class PendingWork(bool readOnly)
{
    private const string Savepoint = "SAVEPOINT write";
    private const string Release = "RELEASE write";
    private const string Undo = "ROLLBACK TO write";
    private Exception? _failure;

    public bool ReadOnly => readOnly;

    public void RunInSavepoint(DocumentTransaction items)
    {
        items.Execute(Savepoint);
        try
        {
            Run(items);
            if (readOnly)
            {
                items.Execute(Undo);
            }
        }
        catch (Exception exception) when (exception is not SqliteException sqlite || !SqliteFaults.IsStorageFailure(sqlite))
        {
            // Only this write's changes go; an I/O error or a full disk fails the whole batch instead.
            items.Execute(Undo);
            _failure = exception;
        }

        items.Execute(Release);
    }

    public void Complete()
    {
        if (_failure is null)
        {
            Succeed();
        }
        else
        {
            Fail(_failure);
        }
    }

    public abstract void Fail(Exception exception);

    protected abstract void Run(DocumentTransaction items);

    protected abstract void Succeed();
}

internal sealed class PendingWork<T>(Func<DocumentTransaction, T> work, bool readOnly) : PendingWork(readOnly)
{
    private readonly TaskCompletionSource<T> _committed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T _result = default!;

    public Task<T> Task => _committed.Task;

    public override void Fail(Exception exception) => _committed.TrySetException(exception);

    protected override void Run(DocumentTransaction items) => _result = work(items);

    protected override void Succeed() => _committed.TrySetResult(_result);
}

/// <summary>An open connection with the statements already prepared on it, by SQL text (one writer at a time).</summary>
public sealed class PreparedConnection(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public SqliteConnection Connection { get; } = connection;

    /// <summary>The prepared command for <paramref name="sql"/>, its parameters cleared, in <paramref name="transaction"/> (null: none).</summary>
    public SqliteCommand Command(string sql, SqliteTransaction? transaction)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
        }

        command.Parameters.Clear();
        command.Transaction = transaction;
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        Connection.Dispose();
    }
}

/// <summary>Reads and writes documents inside one transaction of a <see cref="SqliteDocumentStore"/>.</summary>
public sealed class DocumentTransaction
{
    // Enums are stored by their contract names (RESERVED, CHARGED, SHIPPED...) and absent values are left out, as
    // the DynamoDB items do, so a file reads like the table it stands in for.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly PreparedConnection _connection;
    private readonly SqliteTransaction _transaction;

    internal DocumentTransaction(PreparedConnection connection, SqliteTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    public T? Get<T>(string pk)
    {
        var command = Command("SELECT doc FROM items WHERE pk = $pk");
        command.Parameters.AddWithValue("$pk", pk);
        return command.ExecuteScalar() is string doc ? JsonSerializer.Deserialize<T>(doc, Json) : default;
    }

    public void Put<T>(string pk, T document)
    {
        var command = Command("INSERT INTO items (pk, doc) VALUES ($pk, $doc) ON CONFLICT (pk) DO UPDATE SET doc = excluded.doc");
        command.Parameters.AddWithValue("$pk", pk);
        command.Parameters.AddWithValue("$doc", JsonSerializer.Serialize(document, Json));
        command.ExecuteNonQuery();
    }

    /// <summary>Every document whose key starts with <paramref name="prefix"/>, in key order.</summary>
    public IReadOnlyList<T> Scan<T>(string prefix)
    {
        // substr compares the leading characters exactly, so LIKE's wildcards and case folding never come into it.
        var command = Command("SELECT doc FROM items WHERE substr(pk, 1, length($prefix)) = $prefix ORDER BY pk");
        command.Parameters.AddWithValue("$prefix", prefix);
        using var reader = command.ExecuteReader();
        var documents = new List<T>();
        while (reader.Read())
        {
            documents.Add(JsonSerializer.Deserialize<T>(reader.GetString(0), Json)!);
        }

        return documents;
    }

    internal void Execute(string sql) => Command(sql).ExecuteNonQuery();

    internal int DeleteAll()
    {
        var command = Command("DELETE FROM items");
        return command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql) => _connection.Command(sql, _transaction);
}
