using System.Text.Json;
using System.Text.Json.Serialization;

namespace ECommerce.Orders.Contract;

/// <summary>
/// The operations alert for an order whose saga execution failed, timed out or was aborted: the order is FAILED and
/// a person must fix the fault and redrive the execution. Every publisher sends <see cref="ToMessageJson"/> with
/// <see cref="Subject"/> and the message attribute eventType = <see cref="EventTypeName"/>.
/// </summary>
public sealed record OrderNeedsAttentionAlert(
    [property: JsonPropertyName("orderId")] string OrderId,
    [property: JsonPropertyName("executionArn")] string ExecutionArn,
    [property: JsonPropertyName("executionStatus")] string ExecutionStatus,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("cause")] string? Cause)
{
    public const string Subject = "Order needs attention";
    public const string EventTypeName = "OrderNeedsAttention";
    public const string EventTypeAttribute = "eventType";

    [JsonPropertyName("eventType"), JsonPropertyOrder(-1)]
    public string EventType => EventTypeName;

    /// <summary>What the person on call does about it.</summary>
    [JsonPropertyName("whatToDo")]
    public string WhatToDo =>
        "Find and fix the fault behind the error, then redrive the execution: "
        + $"aws stepfunctions redrive-execution --execution-arn {ExecutionArn}. "
        + "The saga reruns the failed step and records the order's final status.";

    /// <summary>The SNS message body (JSON, camelCase).</summary>
    public string ToMessageJson() => JsonSerializer.Serialize(this, OrdersJsonContext.Default.OrderNeedsAttentionAlert);
}
