using ECommerce.Orders.Contract;
using ECommerce.Orders.Domain;
using ECommerce.Runtime;
using ECommerce.Runtime.Events;

namespace ECommerce.Orders.Saga;

/// <summary>RecordOrderStatus and RecordFailedExecution: the saga's outcome written onto the order.</summary>
/// <param name="log">Receives the OrdersNeedingAttention metric line (Lambda ships it to CloudWatch Logs).</param>
public sealed class OrderStatusService(IOrderStore store, IAlertPublisher alerts, TimeProvider clock, TextWriter log)
{
    public const string OrderNotFound = "OrderNotFound";
    public const string InvalidStatusTransition = "InvalidStatusTransition";

    // Concurrent writers are rare (the saga and the failure event); a few optimistic attempts settle any race.
    private const int MaxAttempts = 5;

    private static readonly HashSet<string> FailedExecutionStatuses = ["FAILED", "TIMED_OUT", "ABORTED"];

    public async Task<OrderStatusResponse> RecordStatusAsync(RecordOrderStatusRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!OrderStatus.IsSagaOutcome(request.Status))
        {
            throw new FunctionErrorException(
                InvalidStatusTransition,
                $"Order '{request.OrderId}': '{request.Status}' is not a saga outcome (COMPLETED, CANCELLED or FAILED).");
        }

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var order = await GetExistingAsync(request.OrderId, cancellationToken).ConfigureAwait(false);
            if (order.Status == request.Status)
            {
                return new OrderStatusResponse(order.OrderId, order.Status);
            }

            if (!OrderStatus.CanMove(order.Status, request.Status))
            {
                throw new FunctionErrorException(
                    InvalidStatusTransition, $"Order '{order.OrderId}' cannot move from {order.Status} to {request.Status}.");
            }

            var change = new OrderStatusChange(
                order.OrderId, request.Status, request.Reason ?? FailureReason.Describe(request.Failure), clock.GetUtcNow(),
                request.TotalAmount, request.Currency, request.ChargeId, request.TrackingNumber, request.ExecutionArn);
            if (await store.TryChangeStatusAsync(change, order.Status, cancellationToken).ConfigureAwait(false))
            {
                return new OrderStatusResponse(order.OrderId, request.Status);
            }
        }

        throw new DependencyUnavailableException(
            DependencyUnavailableException.OrdersUnavailable, $"Order '{request.OrderId}' kept changing while its status was recorded.");
    }

    /// <summary>
    /// Marks the order FAILED ("needs attention") when its execution failed, timed out or was aborted, unless the saga
    /// already settled it (COMPLETED, CANCELLED). A later failure of a redriven execution refreshes the reason.
    /// Moving a PENDING order to FAILED also publishes one <see cref="OrderNeedsAttentionAlert"/> and logs one
    /// OrdersNeedingAttention metric; a repeated event or a refreshed reason does neither.
    /// </summary>
    public async Task<OrderStatusResponse> RecordFailedExecutionAsync(StepFunctionsStatusChangeEvent statusChange, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statusChange);
        var detail = statusChange.Detail;
        var orderId = detail.Name;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var order = await GetExistingAsync(orderId, cancellationToken).ConfigureAwait(false);
            if (!FailedExecutionStatuses.Contains(detail.Status) || order.Status is not (OrderStatus.Pending or OrderStatus.Failed))
            {
                return new OrderStatusResponse(order.OrderId, order.Status);
            }

            var reason = $"{detail.Status}: {detail.Error}: {detail.Cause}";
            if (order.Status == OrderStatus.Failed && order.Reason == reason)
            {
                return new OrderStatusResponse(order.OrderId, order.Status);
            }

            var needsAttention = order.Status == OrderStatus.Pending;
            if (needsAttention)
            {
                // Published before the write: if publishing fails the order stays PENDING, the invocation fails and the
                // event's retry publishes again. Writing first would turn that retry into a silent repeat (alert lost).
                var alert = new OrderNeedsAttentionAlert(orderId, detail.ExecutionArn, detail.Status, detail.Error, detail.Cause);
                await alerts.PublishAsync(alert, cancellationToken).ConfigureAwait(false);
            }

            var change = new OrderStatusChange(orderId, OrderStatus.Failed, reason, clock.GetUtcNow(), ExecutionArn: detail.ExecutionArn);
            if (await store.TryChangeStatusAsync(change, order.Status, cancellationToken).ConfigureAwait(false))
            {
                if (needsAttention)
                {
                    await log.WriteLineAsync(OrdersNeedingAttentionMetric.Format(change.UpdatedAt, orderId, detail.ExecutionArn))
                        .ConfigureAwait(false);
                }

                return new OrderStatusResponse(orderId, OrderStatus.Failed);
            }
        }

        throw new DependencyUnavailableException(
            DependencyUnavailableException.OrdersUnavailable, $"Order '{orderId}' kept changing while its failure was recorded.");
    }

    private async Task<Order> GetExistingAsync(string orderId, CancellationToken cancellationToken) =>
        await store.GetAsync(orderId, cancellationToken).ConfigureAwait(false)
        ?? throw new FunctionErrorException(OrderNotFound, $"Order '{orderId}' not found.");
}
