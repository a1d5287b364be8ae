using System.Text.Json.Serialization;

namespace ECommerce.LocalHost.Queue;

[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
internal sealed partial class QueueJsonContext : JsonSerializerContext;
