using ECommerce.Orders.Domain;

namespace ECommerce.LocalStores;

/// <summary>
/// The Orders table in SQLite (document key = order id, as <c>pk</c> on DynamoDB), with the DynamoDB adapter's
/// conditional semantics; a locked or failing file surfaces as the transient OrdersUnavailable.
/// </summary>
public sealed class SqliteOrderStore(SqliteDocumentStore table) : IOrderStore
{
    /// <summary>
    /// Raised after a status change is committed, with the order as stored; lets an in-process observer (the load
    /// driver, a test) learn that an order reached a status without polling GET /orders/{id}. Handlers run on the
    /// writer's thread and must be quick.
    /// </summary>
    public event EventHandler<OrderStatusChangedEventArgs>? StatusChanged;

    public Task<bool> TryCreateAsync(Order order, CancellationToken cancellationToken) =>
        Guard(() => table.WriteAsync(items =>
        {
            if (items.Get<Order>(order.OrderId) is not null)
            {
                return false;
            }

            items.Put(order.OrderId, order);
            return true;
        }, cancellationToken));

    public Task<Order?> GetAsync(string orderId, CancellationToken cancellationToken) =>
        Guard(() => table.ReadAsync(items => items.Get<Order>(orderId)));

    public Task<bool> SetExecutionArnAsync(
        string orderId, string executionArn, DateTimeOffset updatedAt, CancellationToken cancellationToken) =>
        Guard(() => table.WriteAsync(items =>
        {
            if (items.Get<Order>(orderId) is not { } order)
            {
                return false;
            }

            items.Put(orderId, order with { ExecutionArn = executionArn, UpdatedAt = updatedAt });
            return true;
        }, cancellationToken));

    public async Task<bool> TryChangeStatusAsync(OrderStatusChange change, string expectedStatus, CancellationToken cancellationToken)
    {
        var changed = await Guard(() => table.WriteAsync<Order?>(items =>
        {
            if (items.Get<Order>(change.OrderId) is not { } order || order.Status != expectedStatus)
            {
                return null;
            }

            var updated = order with
            {
                Status = change.Status,
                Reason = change.Reason,
                UpdatedAt = change.UpdatedAt,
                TotalAmount = change.TotalAmount ?? order.TotalAmount,
                Currency = change.Currency ?? order.Currency,
                ChargeId = change.ChargeId ?? order.ChargeId,
                TrackingNumber = change.TrackingNumber ?? order.TrackingNumber,
                ExecutionArn = change.ExecutionArn ?? order.ExecutionArn,
            };
            items.Put(change.OrderId, updated);
            return updated;
        }, cancellationToken)).ConfigureAwait(false);
        if (changed is null)
        {
            return false;
        }

        StatusChanged?.Invoke(this, new OrderStatusChangedEventArgs(changed));
        return true;
    }

    /// <summary>Every order, in order id order (for the console and the invariant checks).</summary>
    public Task<IReadOnlyList<Order>> ListAsync() => Guard(() => table.ReadAsync(items => items.Scan<Order>("")));

    private static Task<T> Guard<T>(Func<Task<T>> operation) =>
        SqliteFaults.Guard(operation, (message, exception) => new DependencyUnavailableException(
            DependencyUnavailableException.OrdersUnavailable, $"The Orders table is unavailable: {message}", exception));
}

/// <summary>An order whose new status has just been committed.</summary>
public sealed class OrderStatusChangedEventArgs(Order order) : EventArgs
{
    public Order Order { get; } = order;
}
