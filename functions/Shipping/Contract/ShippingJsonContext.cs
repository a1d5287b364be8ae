using System.Text.Json;
using System.Text.Json.Serialization;

namespace ECommerce.Shipping.Contract;

/// <summary>Source-generated (AOT-safe) JSON metadata for the Shipping contract; camelCase, strict about nulls and missing fields.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ShipOrderRequest))]
[JsonSerializable(typeof(ShipOrderResponse))]
[JsonSerializable(typeof(CancelShipmentRequest))]
[JsonSerializable(typeof(CancelShipmentResponse))]
public sealed partial class ShippingJsonContext : JsonSerializerContext;
