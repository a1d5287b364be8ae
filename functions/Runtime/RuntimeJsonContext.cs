using System.Text.Json.Serialization;
using ECommerce.Runtime.Events;

namespace ECommerce.Runtime;

/// <summary>Source-generated (AOT-safe) JSON metadata for the runtime's own documents and the shared event records.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LambdaError))]
[JsonSerializable(typeof(SqsEvent))]
[JsonSerializable(typeof(SqsBatchResponse))]
[JsonSerializable(typeof(ApiGatewayProxyRequest))]
[JsonSerializable(typeof(ApiGatewayProxyResponse))]
[JsonSerializable(typeof(StepFunctionsStatusChangeEvent))]
public sealed partial class RuntimeJsonContext : JsonSerializerContext;
