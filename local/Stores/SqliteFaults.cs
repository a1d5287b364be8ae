using Microsoft.Data.Sqlite;

namespace ECommerce.LocalStores;

/// <summary>
/// Tells SQLite faults worth retrying (the file locked by another writer, disk full, I/O errors) from the rest, and
/// turns them into the service's transient error, as the DynamoDB adapters do with throttling and outages.
/// </summary>
public static class SqliteFaults
{
    private const int Busy = 5;
    private const int Locked = 6;
    private const int IoError = 10;
    private const int Full = 13;
    private const int CannotOpen = 14;

    public static bool IsTransient(SqliteException exception) =>
        // Extended result codes (SQLITE_BUSY_SNAPSHOT = 517...) carry the primary code in their low byte.
        (exception.SqliteErrorCode & 0xFF) is Busy or Locked or IoError or Full or CannotOpen;

    /// <summary>The file was locked by another connection (SQLITE_BUSY or SQLITE_LOCKED): the connection itself is fine.</summary>
    public static bool IsLockContention(SqliteException exception) =>
        (exception?.SqliteErrorCode & 0xFF) is Busy or Locked;

    /// <summary>The disk failed the database (SQLITE_IOERR or SQLITE_FULL): no write on the connection can be trusted to commit.</summary>
    public static bool IsStorageFailure(SqliteException exception) =>
        (exception?.SqliteErrorCode & 0xFF) is IoError or Full;

    /// <summary>
    /// Awaits <paramref name="operation"/>; a transient SQLite fault comes out as <paramref name="unavailable"/>'s exception.
    /// </summary>
    public static async Task<T> Guard<T>(Func<Task<T>> operation, Func<string, Exception, Exception> unavailable)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(unavailable);
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (SqliteException exception) when (IsTransient(exception))
        {
            throw unavailable(exception.Message, exception);
        }
    }
}
