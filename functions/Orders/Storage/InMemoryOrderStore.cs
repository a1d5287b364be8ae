using ECommerce.Orders.Domain;

namespace ECommerce.Orders.Storage;

/// <summary>An <see cref="IOrderStore"/> in memory with the same conditional semantics as the DynamoDB adapter (tests).</summary>
public sealed class InMemoryOrderStore : IOrderStore
{
    private readonly Dictionary<string, Order> _orders = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public Task<bool> TryCreateAsync(Order order, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_orders.TryAdd(order.OrderId, order));
        }
    }

    public Task<Order?> GetAsync(string orderId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_orders.GetValueOrDefault(orderId));
        }
    }

    public Task<bool> SetExecutionArnAsync(string orderId, string executionArn, DateTimeOffset updatedAt, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_orders.TryGetValue(orderId, out var order))
            {
                return Task.FromResult(false);
            }

            _orders[orderId] = order with { ExecutionArn = executionArn, UpdatedAt = updatedAt };
            return Task.FromResult(true);
        }
    }

    public Task<bool> TryChangeStatusAsync(OrderStatusChange change, string expectedStatus, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_orders.TryGetValue(change.OrderId, out var order) || order.Status != expectedStatus)
            {
                return Task.FromResult(false);
            }

            _orders[change.OrderId] = order with
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
            return Task.FromResult(true);
        }
    }
}
