using ECommerce.Orders.Contract;
using ECommerce.Runtime;

namespace ECommerce.Orders.Domain;

/// <summary>The Orders table. Every write is conditional, so a repeated message changes nothing.</summary>
public interface IOrderStore
{
    /// <summary>Creates the order unless one with its id exists (attribute_not_exists); false when it existed.</summary>
    Task<bool> TryCreateAsync(Order order, CancellationToken cancellationToken);

    /// <summary>The order, read consistently, or null.</summary>
    Task<Order?> GetAsync(string orderId, CancellationToken cancellationToken);

    /// <summary>Stores the saga execution's ARN on an existing order; false when the order does not exist.</summary>
    Task<bool> SetExecutionArnAsync(string orderId, string executionArn, DateTimeOffset updatedAt, CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="change"/> only if the order's status is still <paramref name="expectedStatus"/>
    /// (optimistic concurrency); false when it is not (or the order is gone). A null reason removes the old one.
    /// </summary>
    Task<bool> TryChangeStatusAsync(OrderStatusChange change, string expectedStatus, CancellationToken cancellationToken);
}

/// <summary>Starts the order saga's execution.</summary>
public interface IExecutionStarter
{
    /// <summary>
    /// Starts an execution named <paramref name="orderId"/> and returns its ARN. An execution of that name that already
    /// exists counts as started (its ARN is returned).
    /// </summary>
    Task<string> StartAsync(string orderId, string inputJson, CancellationToken cancellationToken);
}

/// <summary>Tells the people on call about an order that needs attention (SNS in AWS, the local topic locally).</summary>
public interface IAlertPublisher
{
    /// <summary>Publishes one alert; a failure throws (a transient one as <see cref="DependencyUnavailableException"/>).</summary>
    Task PublishAsync(OrderNeedsAttentionAlert alert, CancellationToken cancellationToken);
}

/// <summary>A dependency (DynamoDB, Step Functions, SNS) is throttled or unreachable: retrying later may succeed.</summary>
public sealed class DependencyUnavailableException(string errorType, string message, Exception? innerException = null)
    : FunctionErrorException(errorType, message, isTransient: true, innerException)
{
    public const string OrdersUnavailable = "OrdersUnavailable";
    public const string StepFunctionsUnavailable = "StepFunctionsUnavailable";
    public const string AlertsUnavailable = "AlertsUnavailable";
}
