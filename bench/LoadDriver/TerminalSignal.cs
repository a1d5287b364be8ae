using System.Collections.Concurrent;
using ECommerce.LocalStores;

namespace ECommerce.Bench.LoadDriver;

/// <summary>Tells a worker when an order reaches a terminal status (COMPLETED, CANCELLED or FAILED).</summary>
public interface ITerminalSignal : IDisposable
{
    /// <summary>Call before posting the order, so a status reached before the POST answers is not missed.</summary>
    void Expect(string orderId);

    /// <summary>The terminal status, or null when <paramref name="cancellationToken"/> fired first.</summary>
    Task<string?> WaitAsync(string orderId, CancellationToken cancellationToken);

    /// <summary>Stops expecting an order the API did not accept.</summary>
    void Forget(string orderId);
}

/// <summary>
/// In-process: listens to the order store's committed status changes, so waiting costs nothing on the host (no GET
/// polling competing for the same cores). An order counts as terminal at the commit that GET would next read.
/// </summary>
public sealed class OrderStoreSignal : ITerminalSignal
{
    private readonly SqliteOrderStore _store;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _waiting = new(StringComparer.Ordinal);

    public OrderStoreSignal(SqliteOrderStore store)
    {
        _store = store;
        _store.StatusChanged += OnStatusChanged;
    }

    public void Expect(string orderId) =>
        _waiting.TryAdd(orderId, new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));

    public async Task<string?> WaitAsync(string orderId, CancellationToken cancellationToken)
    {
        var waiting = _waiting[orderId];
        try
        {
            return await waiting.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        finally
        {
            _waiting.TryRemove(orderId, out _);
        }
    }

    public void Forget(string orderId) => _waiting.TryRemove(orderId, out _);

    public void Dispose() => _store.StatusChanged -= OnStatusChanged;

    private void OnStatusChanged(object? sender, OrderStatusChangedEventArgs change)
    {
        if (OrdersClient.IsTerminal(change.Order.Status) && _waiting.TryGetValue(change.Order.OrderId, out var waiting))
        {
            waiting.TrySetResult(change.Order.Status);
        }
    }
}

/// <summary>Against a host in another process: polls GET /orders/{id} until the status is terminal.</summary>
public sealed class PollingSignal(OrdersClient client, TimeSpan interval) : ITerminalSignal
{
    public void Expect(string orderId)
    {
    }

    public void Forget(string orderId)
    {
    }

    public async Task<string?> WaitAsync(string orderId, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var status = await client.StatusAsync(orderId, cancellationToken).ConfigureAwait(false);
                if (OrdersClient.IsTerminal(status))
                {
                    return status;
                }
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public void Dispose()
    {
    }
}
