using System.Buffers;
using System.Text;
using System.Text.Json;

namespace ECommerce.Orders.Saga;

/// <summary>
/// The OrdersNeedingAttention metric as one CloudWatch embedded-metric-format (EMF) log line: CloudWatch Logs turns
/// it into a metric with no dimensions, which the template's OrdersNeedingAttentionAlarm watches.
/// </summary>
public static class OrdersNeedingAttentionMetric
{
    public const string Namespace = "ECommerce/Orders";
    public const string MetricName = "OrdersNeedingAttention";

    /// <summary>One JSON line counting one order; orderId and executionArn ride along as searchable properties.</summary>
    public static string Format(DateTimeOffset timestamp, string orderId, string executionArn)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("_aws");
            json.WriteNumber("Timestamp", timestamp.ToUnixTimeMilliseconds());
            json.WriteStartArray("CloudWatchMetrics");
            json.WriteStartObject();
            json.WriteString("Namespace", Namespace);
            json.WriteStartArray("Dimensions");
            json.WriteStartArray();
            json.WriteEndArray();
            json.WriteEndArray();
            json.WriteStartArray("Metrics");
            json.WriteStartObject();
            json.WriteString("Name", MetricName);
            json.WriteString("Unit", "Count");
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteNumber(MetricName, 1);
            json.WriteString("orderId", orderId);
            json.WriteString("executionArn", executionArn);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
