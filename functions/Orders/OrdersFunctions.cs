using ECommerce.Orders.Domain;
using ECommerce.Orders.Handlers;
using ECommerce.Orders.Saga;
using ECommerce.Orders.Validation;
using ECommerce.Runtime;

namespace ECommerce.Orders;

/// <summary>The Orders service's Lambda handlers, by the names the template and the state machine use.</summary>
public static class OrdersFunctions
{
    public const string StartOrderSaga = "StartOrderSaga";
    public const string GetOrder = "GetOrder";
    public const string RecordOrderStatus = "RecordOrderStatus";
    public const string RecordFailedExecution = "RecordFailedExecution";

    /// <summary>
    /// The registry every host uses: the Lambda runtime loop (Program.cs) and the local host, in process.
    /// <paramref name="alerts"/> receives "order needs attention" alerts; <paramref name="log"/> receives per-message
    /// diagnostics and metric lines (default: standard error, which Lambda ships to CloudWatch Logs).
    /// </summary>
    public static LambdaHandlerRegistry CreateRegistry(
        IOrderStore store,
        IExecutionStarter starter,
        IAlertPublisher alerts,
        TimeProvider clock,
        TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(starter);
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(clock);
        log = TextWriter.Synchronized(log ?? Console.Error);
        // Built on first use: a GetOrder cold start does not load the order schema StartOrderSaga validates with.
        var intake = new Lazy<OrderIntakeService>(() => new OrderIntakeService(store, starter, clock, OrderRequestValidator.Default, log));
        var statuses = new OrderStatusService(store, alerts, clock, log);
        var getOrder = new GetOrderHandler(store);

        return new LambdaHandlerRegistry()
            .Register(
                StartOrderSaga,
                () => RuntimeJsonContext.Default.SqsEvent,
                () => RuntimeJsonContext.Default.SqsBatchResponse,
                (batch, _, ct) => intake.Value.ProcessBatchAsync(batch, ct))
            .Register(
                GetOrder,
                () => RuntimeJsonContext.Default.ApiGatewayProxyRequest,
                () => RuntimeJsonContext.Default.ApiGatewayProxyResponse,
                (request, _, ct) => getOrder.HandleAsync(request, ct))
            .Register(
                RecordOrderStatus,
                () => OrdersJsonContext.Default.RecordOrderStatusRequest,
                () => OrdersJsonContext.Default.OrderStatusResponse,
                (request, _, ct) => statuses.RecordStatusAsync(request, ct))
            .Register(
                RecordFailedExecution,
                () => RuntimeJsonContext.Default.StepFunctionsStatusChangeEvent,
                () => OrdersJsonContext.Default.OrderStatusResponse,
                (statusChange, _, ct) => statuses.RecordFailedExecutionAsync(statusChange, ct));
    }
}
