using System.Text.Json;
using System.Text.Json.Serialization;

namespace ECommerce.Payments.Contract;

/// <summary>Source-generated (AOT-safe) JSON metadata for the Payments contract; camelCase, strict about nulls and missing fields.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ChargePaymentRequest))]
[JsonSerializable(typeof(ChargePaymentResponse))]
[JsonSerializable(typeof(RefundPaymentRequest))]
[JsonSerializable(typeof(RefundPaymentResponse))]
public sealed partial class PaymentsJsonContext : JsonSerializerContext;
