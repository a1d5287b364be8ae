using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace ECommerce.LocalHost.Queue;

/// <summary>
/// A durable queue with SQS semantics in one SQLite file: a received message stays invisible for the visibility
/// timeout and comes back unless deleted; past maxReceiveCount it moves to the dead-letter queue. An accepted
/// message is on disk before <see cref="SendAsync"/> returns, so a crash right after never loses it.
/// </summary>
public sealed class SqliteQueue
{
    private readonly string _connectionString;
    private readonly TimeProvider _clock;

    public SqliteQueue(string databasePath, string name, QueueOptions options, TimeProvider clock)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        DeadLetterName = name + "-dlq";
        Options = options;
        _clock = clock;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = true }.ToString();
        using var connection = Open();
        Execute(connection, """
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
            """);
    }

    public string Name { get; }

    public string DeadLetterName { get; }

    public QueueOptions Options { get; }

    public async Task<string> SendAsync(string body, IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken = default)
    {
        var messageId = Guid.NewGuid().ToString();
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO queue_messages (message_id, queue, body, attributes, sent_at, visible_at)
            VALUES ($id, $queue, $body, $attributes, $now, $now)
            """;
        command.Parameters.AddWithValue("$id", messageId);
        command.Parameters.AddWithValue("$queue", Name);
        command.Parameters.AddWithValue("$body", body);
        command.Parameters.AddWithValue("$attributes", JsonSerializer.Serialize(attributes, QueueJsonContext.Default.IReadOnlyDictionaryStringString));
        command.Parameters.AddWithValue("$now", now);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return messageId;
    }

    /// <summary>Receives up to <paramref name="maxMessages"/> visible messages, oldest first, hiding them for the visibility timeout.</summary>
    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken = default)
    {
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var hiddenUntil = now + (long)Options.VisibilityTimeout.TotalMilliseconds;
        await using var connection = Open();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        var candidates = new List<(string Id, string Body, string Attributes, long SentAt, int ReceiveCount)>();
        await using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = """
                SELECT message_id, body, attributes, sent_at, receive_count FROM queue_messages
                WHERE queue = $queue AND visible_at <= $now ORDER BY sent_at, rowid LIMIT $max
                """;
            select.Parameters.AddWithValue("$queue", Name);
            select.Parameters.AddWithValue("$now", now);
            select.Parameters.AddWithValue("$max", maxMessages);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                candidates.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt32(4)));
            }
        }

        var received = new List<QueueMessage>();
        foreach (var candidate in candidates)
        {
            if (candidate.ReceiveCount >= Options.MaxReceiveCount)
            {
                await MoveAsync(connection, transaction, candidate.Id, DeadLetterName, now, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var handle = Guid.NewGuid().ToString("N");
            await using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = """
                UPDATE queue_messages SET receive_count = receive_count + 1, visible_at = $hidden, receipt_handle = $handle
                WHERE message_id = $id
                """;
            update.Parameters.AddWithValue("$hidden", hiddenUntil);
            update.Parameters.AddWithValue("$handle", handle);
            update.Parameters.AddWithValue("$id", candidate.Id);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            var attributes = JsonSerializer.Deserialize(candidate.Attributes, QueueJsonContext.Default.IReadOnlyDictionaryStringString) ?? new Dictionary<string, string>();
            received.Add(new QueueMessage(candidate.Id, handle, candidate.Body, attributes, candidate.ReceiveCount + 1,
                DateTimeOffset.FromUnixTimeMilliseconds(candidate.SentAt)));
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return received;
    }

    /// <summary>Deletes a received message; a stale receipt handle (the message was received again since) deletes nothing.</summary>
    public async Task<bool> DeleteAsync(string receiptHandle, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM queue_messages WHERE queue = $queue AND receipt_handle = $handle";
        command.Parameters.AddWithValue("$queue", Name);
        command.Parameters.AddWithValue("$handle", receiptHandle);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Makes a received message visible again after <paramref name="timeout"/> (zero: at once).</summary>
    public async Task ChangeVisibilityAsync(string receiptHandle, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE queue_messages SET visible_at = $visible WHERE queue = $queue AND receipt_handle = $handle";
        command.Parameters.AddWithValue("$visible", _clock.GetUtcNow().Add(timeout).ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$queue", Name);
        command.Parameters.AddWithValue("$handle", receiptHandle);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Messages in the queue (visible or in flight), as SQS's ApproximateNumberOfMessages plus NotVisible.</summary>
    public Task<long> CountAsync(CancellationToken cancellationToken = default) => CountAsync(Name, cancellationToken);

    public Task<long> CountDeadLettersAsync(CancellationToken cancellationToken = default) => CountAsync(DeadLetterName, cancellationToken);

    /// <summary>Peeks at the dead-letter queue without receiving, oldest first.</summary>
    public async Task<IReadOnlyList<(string MessageId, string Body, IReadOnlyDictionary<string, string> Attributes)>> ListDeadLettersAsync(
        CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT message_id, body, attributes FROM queue_messages WHERE queue = $queue ORDER BY sent_at, rowid";
        command.Parameters.AddWithValue("$queue", DeadLetterName);
        var messages = new List<(string, string, IReadOnlyDictionary<string, string>)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var attributes = JsonSerializer.Deserialize(reader.GetString(2), QueueJsonContext.Default.IReadOnlyDictionaryStringString)!;
            messages.Add((reader.GetString(0), reader.GetString(1), attributes));
        }

        return messages;
    }

    /// <summary>Moves every dead letter back to the queue with a fresh receive count (SQS's DLQ redrive); returns how many.</summary>
    public async Task<int> RedriveDeadLettersAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE queue_messages SET queue = $queue, receive_count = 0, receipt_handle = NULL, visible_at = $now
            WHERE queue = $dlq
            """;
        command.Parameters.AddWithValue("$queue", Name);
        command.Parameters.AddWithValue("$dlq", DeadLetterName);
        command.Parameters.AddWithValue("$now", _clock.GetUtcNow().ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<long> CountAsync(string queue, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM queue_messages WHERE queue = $queue";
        command.Parameters.AddWithValue("$queue", queue);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task MoveAsync(SqliteConnection connection, SqliteTransaction transaction, string messageId, string queue, long now,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            UPDATE queue_messages SET queue = $queue, receive_count = 0, receipt_handle = NULL, visible_at = $now
            WHERE message_id = $id
            """;
        command.Parameters.AddWithValue("$queue", queue);
        command.Parameters.AddWithValue("$now", now);
        command.Parameters.AddWithValue("$id", messageId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
