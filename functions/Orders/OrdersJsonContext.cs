using System.Text.Json.Serialization;
using ECommerce.Orders.Contract;

namespace ECommerce.Orders;

/// <summary>Source-generated (AOT-safe) JSON metadata for the Orders service's documents.</summary>
[JsonSerializable(typeof(CreateOrderRequest))]
[JsonSerializable(typeof(SagaExecutionInput))]
[JsonSerializable(typeof(RecordOrderStatusRequest))]
[JsonSerializable(typeof(OrderStatusResponse))]
[JsonSerializable(typeof(OrderView))]
[JsonSerializable(typeof(ApiMessage))]
[JsonSerializable(typeof(OrderNeedsAttentionAlert))]
internal sealed partial class OrdersJsonContext : JsonSerializerContext;
