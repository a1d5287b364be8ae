using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace StepFunctionsApi.Persistence;

/// <summary>
/// A statement prepared once on a connection and run through SQLite's own API: values are bound as they are (UTF-8
/// bytes included) with no parameter objects, which for the history insert, run for every event, Microsoft.Data.Sqlite
/// allocated per call. It runs inside whatever transaction the connection has open.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt _statement;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _connection = connection;
        Check(raw.sqlite3_prepare_v2(connection.Handle, sql, out _statement));
    }

    /// <summary>Binds with <paramref name="bind"/> and steps once; throws a <see cref="SqliteException"/> unless it completed.</summary>
    public void Run(Action<sqlite3_stmt> bind)
    {
        try
        {
            bind(_statement);
            var result = raw.sqlite3_step(_statement);
            if (result != raw.SQLITE_DONE)
            {
                Check(result);
            }
        }
        finally
        {
            raw.sqlite3_reset(_statement);
            raw.sqlite3_clear_bindings(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int result)
    {
        if (result != raw.SQLITE_OK)
        {
            throw new SqliteException(raw.sqlite3_errmsg(_connection.Handle).utf8_to_string(), result,
                raw.sqlite3_extended_errcode(_connection.Handle));
        }
    }
}
