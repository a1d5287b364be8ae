using ECommerce.Inventory.Contract;
using Microsoft.Data.Sqlite;

namespace ECommerce.LocalStores.Tests;

/// <summary>A fresh temporary folder per test, deleted with every pooled SQLite connection closed.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("stores-tests").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path, recursive: true);
    }
}

internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

internal static class TestData
{
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static ReserveInventoryRequest Reserve(string orderId, params (string Sku, int Quantity)[] lines) =>
        new(orderId, lines.Select(line => new OrderLine(line.Sku, line.Quantity)).ToList());
}
