using System.Text.Json;
using ECommerce.LocalStores;
using Microsoft.Data.Sqlite;

namespace ECommerce.LocalHost.Queue;

/// <summary>
/// A durable queue with SQS semantics in one SQLite file: a received message stays invisible for the visibility
/// timeout and comes back unless deleted; past maxReceiveCount it moves to the dead-letter queue. An accepted
/// message is committed before <see cref="SendAsync"/> returns, so a killed process never loses it (WAL with
/// synchronous=NORMAL: only an OS crash or power loss could drop the last commits).
/// </summary>
/// <remarks>
/// One write connection serves every change, one at a time (SQLite has one writer; separate connections only met as
/// SQLITE_BUSY and slept in its busy handler), with its statements prepared once. Sends that arrive while a commit is
/// under way are committed together in the next transaction (group commit), so a burst of POSTs costs one commit, not
/// one each. Counts and peeks use their own read connection, which WAL never makes wait for the writer.
/// </remarks>
public sealed class SqliteQueue : IDisposable
{
    private readonly TimeProvider _clock;
    private readonly PreparedConnection _writeConnection;
    private readonly PreparedConnection _readConnection;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly Lock _reader = new();
    private readonly Lock _sendsGate = new();
    private List<PendingSend> _sends = [];
    private bool _disposed;

    public SqliteQueue(string databasePath, string name, QueueOptions options, TimeProvider clock)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        DeadLetterName = name + "-dlq";
        Options = options;
        _clock = clock;
        var connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString();
        _writeConnection = new PreparedConnection(Open(connectionString));
        Execute(_writeConnection.Connection, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS queue_messages (
                message_id     TEXT PRIMARY KEY,
                queue          TEXT NOT NULL,
                body           TEXT NOT NULL,
                attributes     TEXT NOT NULL,
                sent_at        INTEGER NOT NULL,
                visible_at     INTEGER NOT NULL,
                receive_count  INTEGER NOT NULL DEFAULT 0,
                receipt_handle TEXT
            );
            CREATE INDEX IF NOT EXISTS queue_messages_ready ON queue_messages (queue, visible_at, sent_at);
            -- Deletes and visibility changes find a message by its receipt handle; without this each scanned the queue.
            CREATE INDEX IF NOT EXISTS queue_messages_in_flight ON queue_messages (receipt_handle) WHERE receipt_handle IS NOT NULL;
            """);
        KeepDepths(_writeConnection.Connection);
        _readConnection = new PreparedConnection(Open(connectionString));
    }

    /// <summary>
    /// Keeps each queue's depth in a row of its own, maintained by triggers in every connection's transactions: POST
    /// /orders asks for the depth each time, and counting the backlog's rows then cost more than the POST.
    /// Created, and counted once, the first time a database is opened by a version that keeps them.
    /// </summary>
    private static void KeepDepths(SqliteConnection connection)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        using var exists = connection.CreateCommand();
        exists.Transaction = transaction;
        exists.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'queue_depths'";
        if ((long)exists.ExecuteScalar()! == 0)
        {
            using var create = connection.CreateCommand();
            create.Transaction = transaction;
            create.CommandText = """
                CREATE TABLE queue_depths (queue TEXT PRIMARY KEY, depth INTEGER NOT NULL) WITHOUT ROWID;
                INSERT INTO queue_depths (queue, depth) SELECT queue, COUNT(*) FROM queue_messages GROUP BY queue;
                CREATE TRIGGER queue_depth_on_insert AFTER INSERT ON queue_messages BEGIN
                    INSERT OR IGNORE INTO queue_depths (queue, depth) VALUES (NEW.queue, 0);
                    UPDATE queue_depths SET depth = depth + 1 WHERE queue = NEW.queue;
                END;
                CREATE TRIGGER queue_depth_on_delete AFTER DELETE ON queue_messages BEGIN
                    UPDATE queue_depths SET depth = depth - 1 WHERE queue = OLD.queue;
                END;
                CREATE TRIGGER queue_depth_on_move AFTER UPDATE OF queue ON queue_messages WHEN OLD.queue <> NEW.queue BEGIN
                    UPDATE queue_depths SET depth = depth - 1 WHERE queue = OLD.queue;
                    INSERT OR IGNORE INTO queue_depths (queue, depth) VALUES (NEW.queue, 0);
                    UPDATE queue_depths SET depth = depth + 1 WHERE queue = NEW.queue;
                END;
                """;
            create.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    public string Name { get; }

    public string DeadLetterName { get; }

    public QueueOptions Options { get; }

    /// <summary>Stores a message; returns its id once it is committed (with any other sends that arrived meanwhile).</summary>
    public async Task<string> SendAsync(string body, IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken = default)
    {
        var send = new PendingSend(Guid.NewGuid().ToString(), body,
            JsonSerializer.Serialize(attributes, QueueJsonContext.Default.IReadOnlyDictionaryStringString),
            new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_sendsGate)
        {
            _sends.Add(send);
        }

        // Not cancellable from here on: once queued, the send commits (a caller told "cancelled" must not find it sent).
        await _writer.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            CommitSends();
        }
        finally
        {
            _writer.Release();
        }

        await send.Committed.Task.ConfigureAwait(false);
        return send.MessageId;
    }

    /// <summary>Receives up to <paramref name="maxMessages"/> visible messages, oldest first, hiding them for the visibility timeout.</summary>
    public Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken = default) =>
        WriteAsync<IReadOnlyList<QueueMessage>>(transaction =>
        {
            var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
            var hiddenUntil = now + (long)Options.VisibilityTimeout.TotalMilliseconds;
            var candidates = new List<(string Id, string Body, string Attributes, long SentAt, int ReceiveCount)>();
            var select = Command(transaction, """
                SELECT message_id, body, attributes, sent_at, receive_count FROM queue_messages
                WHERE queue = $queue AND visible_at <= $now ORDER BY sent_at, rowid LIMIT $max
                """);
            select.Parameters.AddWithValue("$queue", Name);
            select.Parameters.AddWithValue("$now", now);
            select.Parameters.AddWithValue("$max", maxMessages);
            using (var reader = select.ExecuteReader())
            {
                while (reader.Read())
                {
                    candidates.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt32(4)));
                }
            }

            var received = new List<QueueMessage>(candidates.Count);
            foreach (var candidate in candidates)
            {
                if (candidate.ReceiveCount >= Options.MaxReceiveCount)
                {
                    Move(transaction, candidate.Id, DeadLetterName, now);
                    continue;
                }

                var handle = Guid.NewGuid().ToString("N");
                var update = Command(transaction, """
                    UPDATE queue_messages SET receive_count = receive_count + 1, visible_at = $hidden, receipt_handle = $handle
                    WHERE message_id = $id
                    """);
                update.Parameters.AddWithValue("$hidden", hiddenUntil);
                update.Parameters.AddWithValue("$handle", handle);
                update.Parameters.AddWithValue("$id", candidate.Id);
                update.ExecuteNonQuery();
                var attributes = JsonSerializer.Deserialize(candidate.Attributes, QueueJsonContext.Default.IReadOnlyDictionaryStringString) ?? new Dictionary<string, string>();
                received.Add(new QueueMessage(candidate.Id, handle, candidate.Body, attributes, candidate.ReceiveCount + 1,
                    DateTimeOffset.FromUnixTimeMilliseconds(candidate.SentAt)));
            }

            return received;
        }, cancellationToken);

    /// <summary>Deletes a received message; a stale receipt handle (the message was received again since) deletes nothing.</summary>
    public async Task<bool> DeleteAsync(string receiptHandle, CancellationToken cancellationToken = default) =>
        await DeleteBatchAsync([receiptHandle], cancellationToken).ConfigureAwait(false) == 1;

    /// <summary>Deletes received messages in one commit (SQS's DeleteMessageBatch); returns how many were deleted.</summary>
    public Task<int> DeleteBatchAsync(IReadOnlyCollection<string> receiptHandles, CancellationToken cancellationToken = default) =>
        receiptHandles.Count == 0
            ? Task.FromResult(0)
            : WriteAsync(transaction =>
            {
                var deleted = 0;
                foreach (var handle in receiptHandles)
                {
                    var command = Command(transaction, "DELETE FROM queue_messages WHERE queue = $queue AND receipt_handle = $handle");
                    command.Parameters.AddWithValue("$queue", Name);
                    command.Parameters.AddWithValue("$handle", handle);
                    deleted += command.ExecuteNonQuery();
                }

                return deleted;
            }, cancellationToken);

    /// <summary>Makes a received message visible again after <paramref name="timeout"/> (zero: at once).</summary>
    public Task ChangeVisibilityAsync(string receiptHandle, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WriteAsync(transaction =>
        {
            var command = Command(transaction, "UPDATE queue_messages SET visible_at = $visible WHERE queue = $queue AND receipt_handle = $handle");
            command.Parameters.AddWithValue("$visible", _clock.GetUtcNow().Add(timeout).ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$queue", Name);
            command.Parameters.AddWithValue("$handle", receiptHandle);
            return command.ExecuteNonQuery();
        }, cancellationToken);

    /// <summary>
    /// Makes every in-flight message visible again at once; returns how many. The local host calls it as it starts,
    /// before it receives anything: a message still in flight then was received by a host process that died with it,
    /// and nobody will delete it, so waiting out its visibility timeout would only delay recovery. Its receive count
    /// stays, so a message that keeps killing the host still reaches the dead-letter queue.
    /// </summary>
    public Task<int> ReleaseInFlightAsync(CancellationToken cancellationToken = default) =>
        WriteAsync(transaction =>
        {
            var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
            var command = Command(transaction, """
                UPDATE queue_messages SET visible_at = $now, receipt_handle = NULL
                WHERE queue = $queue AND receipt_handle IS NOT NULL AND visible_at > $now
                """);
            command.Parameters.AddWithValue("$now", now);
            command.Parameters.AddWithValue("$queue", Name);
            return command.ExecuteNonQuery();
        }, cancellationToken);

    /// <summary>Messages in the queue (visible or in flight), as SQS's ApproximateNumberOfMessages plus NotVisible.</summary>
    public Task<long> CountAsync(CancellationToken cancellationToken = default) => CountAsync(Name);

    public Task<long> CountDeadLettersAsync(CancellationToken cancellationToken = default) => CountAsync(DeadLetterName);

    /// <summary>Peeks at the dead-letter queue without receiving, oldest first.</summary>
    public Task<IReadOnlyList<(string MessageId, string Body, IReadOnlyDictionary<string, string> Attributes)>> ListDeadLettersAsync(
        CancellationToken cancellationToken = default) =>
        Read<IReadOnlyList<(string, string, IReadOnlyDictionary<string, string>)>>(
            "SELECT message_id, body, attributes FROM queue_messages WHERE queue = $queue ORDER BY sent_at, rowid", command =>
        {
            command.Parameters.AddWithValue("$queue", DeadLetterName);
            var messages = new List<(string, string, IReadOnlyDictionary<string, string>)>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var attributes = JsonSerializer.Deserialize(reader.GetString(2), QueueJsonContext.Default.IReadOnlyDictionaryStringString)!;
                messages.Add((reader.GetString(0), reader.GetString(1), attributes));
            }

            return messages;
        });

    /// <summary>Moves every dead letter back to the queue with a fresh receive count (SQS's DLQ redrive); returns how many.</summary>
    public Task<int> RedriveDeadLettersAsync(CancellationToken cancellationToken = default) =>
        WriteAsync(transaction =>
        {
            var command = Command(transaction, """
                UPDATE queue_messages SET queue = $queue, receive_count = 0, receipt_handle = NULL, visible_at = $now
                WHERE queue = $dlq
                """);
            command.Parameters.AddWithValue("$queue", Name);
            command.Parameters.AddWithValue("$dlq", DeadLetterName);
            command.Parameters.AddWithValue("$now", _clock.GetUtcNow().ToUnixTimeMilliseconds());
            return command.ExecuteNonQuery();
        }, cancellationToken);

    /// <summary>Closes the queue's connections, waiting for a commit under way.</summary>
    public void Dispose()
    {
        _writer.Wait();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _writeConnection.Dispose();
            lock (_reader)
            {
                _readConnection.Dispose();
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    private Task<long> CountAsync(string queue) => Read("SELECT COALESCE((SELECT depth FROM queue_depths WHERE queue = $queue), 0)", command =>
    {
        command.Parameters.AddWithValue("$queue", queue);
        return (long)command.ExecuteScalar()!;
    });

    /// <summary>Commits every queued send in one transaction. Callers hold _writer.</summary>
    private void CommitSends()
    {
        List<PendingSend> batch;
        lock (_sendsGate)
        {
            if (_sends.Count == 0)
            {
                return;
            }

            batch = _sends;
            _sends = [];
        }

        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
            using var transaction = _writeConnection.Connection.BeginTransaction();
            foreach (var send in batch)
            {
                var insert = Command(transaction, """
                    INSERT INTO queue_messages (message_id, queue, body, attributes, sent_at, visible_at)
                    VALUES ($id, $queue, $body, $attributes, $now, $now)
                    """);
                insert.Parameters.AddWithValue("$id", send.MessageId);
                insert.Parameters.AddWithValue("$queue", Name);
                insert.Parameters.AddWithValue("$body", send.Body);
                insert.Parameters.AddWithValue("$attributes", send.Attributes);
                insert.Parameters.AddWithValue("$now", now);
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }
        catch (Exception exception)
        {
            foreach (var send in batch)
            {
                send.Committed.TrySetException(exception);
            }

            return;
        }

        foreach (var send in batch)
        {
            send.Committed.TrySetResult();
        }
    }

    private async Task<T> WriteAsync<T>(Func<SqliteTransaction, T> work, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var transaction = _writeConnection.Connection.BeginTransaction();
            var result = work(transaction);
            transaction.Commit();
            return result;
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Runs <paramref name="work"/> with the read connection's prepared command for <paramref name="sql"/>.</summary>
    private Task<T> Read<T>(string sql, Func<SqliteCommand, T> work)
    {
        try
        {
            lock (_reader)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return Task.FromResult(work(_readConnection.Command(sql, transaction: null)));
            }
        }
        catch (Exception exception)
        {
            return Task.FromException<T>(exception);
        }
    }

    private void Move(SqliteTransaction transaction, string messageId, string queue, long now)
    {
        var command = Command(transaction, """
            UPDATE queue_messages SET queue = $queue, receive_count = 0, receipt_handle = NULL, visible_at = $now
            WHERE message_id = $id
            """);
        command.Parameters.AddWithValue("$queue", queue);
        command.Parameters.AddWithValue("$now", now);
        command.Parameters.AddWithValue("$id", messageId);
        command.ExecuteNonQuery();
    }

    /// <summary>The write connection's prepared command for <paramref name="sql"/>, parameters cleared. Callers hold _writer.</summary>
    private SqliteCommand Command(SqliteTransaction transaction, string sql) => _writeConnection.Command(sql, transaction);

    private static SqliteConnection Open(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        // busy_timeout: another process on the same file (the dlq-redrive command) waits instead of failing.
        Execute(connection, "PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;");
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private sealed record PendingSend(string MessageId, string Body, string Attributes, TaskCompletionSource Committed);
}
