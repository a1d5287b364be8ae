using ECommerce.LocalStores;
using ECommerce.Orders.Domain;

namespace EndToEnd.Tests.Support;

/// <summary>A temporary data folder for host processes that crash and restart over it; read only while no host runs.</summary>
public sealed class HostDataFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("e2e-crash-").FullName;

    /// <summary>Reads the four stores straight from the folder.</summary>
    public async Task<EmbeddedStoresSnapshot> ReadStoresAsync(CancellationToken cancellationToken)
    {
        using var stores = await EmbeddedStores.OpenAsync(Path, cancellationToken);
        return await stores.ReadSnapshotAsync();
    }

    /// <summary>How far each order got: terminal, PENDING (saga running), or no order record yet (still queued or never accepted).</summary>
    public async Task<OrderStages> StagesAsync(IEnumerable<string> orderIds, CancellationToken cancellationToken)
    {
        var snapshot = await ReadStoresAsync(cancellationToken);
        var statuses = snapshot.Orders.ToDictionary(o => o.OrderId, o => o.Status, StringComparer.Ordinal);
        var terminal = 0;
        var pending = 0;
        var queued = 0;
        foreach (var orderId in orderIds)
        {
            switch (statuses.GetValueOrDefault(orderId))
            {
                case null:
                    queued++;
                    break;
                case OrderStatus.Pending:
                    pending++;
                    break;
                default:
                    terminal++;
                    break;
            }
        }

        return new OrderStages(terminal, pending, queued);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Left in the temp folder; nothing depends on it.
        }
    }
}

/// <summary>Counts of orders by how far they got when a host was killed.</summary>
public sealed record OrderStages(int Terminal, int Pending, int NotYetStarted)
{
    public int Unfinished => Pending + NotYetStarted;

    public override string ToString() => $"{Terminal} terminal, {Pending} PENDING (saga running), {NotYetStarted} still queued (no order record yet)";
}
