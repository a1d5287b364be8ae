using System.Text.Json.Serialization;
using ECommerce.Orders.Domain;

namespace ECommerce.Orders.Contract;

/// <summary>RecordOrderStatus input, sent by the state machine when the saga ends.</summary>
public sealed record RecordOrderStatusRequest
{
    [JsonPropertyName("orderId")] public required string OrderId { get; init; }
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("reason")] public string? Reason { get; init; }

    /// <summary>The caught error as the state machine passes it (<c>$.failure</c> of a Catch): Error and Cause.</summary>
    [JsonPropertyName("failure")] public SagaFailure? Failure { get; init; }

    [JsonPropertyName("totalAmount")] public long? TotalAmount { get; init; }
    [JsonPropertyName("currency")] public string? Currency { get; init; }
    [JsonPropertyName("chargeId")] public string? ChargeId { get; init; }
    [JsonPropertyName("trackingNumber")] public string? TrackingNumber { get; init; }

    /// <summary>The saga's own execution (<c>$$.Execution.Id</c>), so the outcome and its execution are recorded together.</summary>
    [JsonPropertyName("executionArn")] public string? ExecutionArn { get; init; }
}

/// <summary>
/// A Catch's error output, <c>{"Error","Cause"}</c>. For a Lambda error the Cause is itself JSON
/// (<c>{"errorType","errorMessage","trace"}</c>); for States.Timeout it is a sentence or absent.
/// </summary>
public sealed record SagaFailure(
    [property: JsonPropertyName("Error")] string? Error,
    [property: JsonPropertyName("Cause")] string? Cause);

/// <summary>RecordOrderStatus / RecordFailedExecution output.</summary>
public sealed record OrderStatusResponse(
    [property: JsonPropertyName("orderId")] string OrderId,
    [property: JsonPropertyName("status")] string Status);

/// <summary>The GET /orders/{orderId} document (every field present, null when unknown).</summary>
public sealed record OrderView(
    [property: JsonPropertyName("orderId")] string OrderId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("customerId")] string? CustomerId,
    [property: JsonPropertyName("lines")] IReadOnlyList<OrderLine> Lines,
    [property: JsonPropertyName("totalAmount")] long? TotalAmount,
    [property: JsonPropertyName("currency")] string? Currency,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updatedAt")] DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("executionArn")] string? ExecutionArn)
{
    public static OrderView From(Order order) => new(
        order.OrderId,
        order.Status,
        order.Reason,
        order.CustomerId,
        [.. order.Lines.Select(line => new OrderLine(line.Sku, line.Quantity))],
        order.TotalAmount,
        order.Currency,
        order.CreatedAt,
        order.UpdatedAt,
        order.ExecutionArn);
}

/// <summary>An API error body, as API Gateway shapes its own: <c>{"message": "..."}</c>.</summary>
public sealed record ApiMessage([property: JsonPropertyName("message")] string Message);
