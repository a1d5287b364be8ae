using System.Text.Json.Nodes;

namespace ECommerce.LocalHost.Api;

/// <summary>
/// What only the local runtime has: the topic's messages (SNS has no inbox to read), the stock, the simulators'
/// fault switches and the dead-letter queue.
/// </summary>
public static class LocalApi
{
    public static void MapLocalApi(this IEndpointRouteBuilder routes, LocalServices services, string host)
    {
        var local = routes.MapGroup("/local").RequireHost(host);

        local.MapGet("/topics/messages", (string? topic) =>
        {
            var messages = services.Topics.Topics
                .Where(t => topic is null || t.TopicArn.EndsWith(":" + topic, StringComparison.Ordinal))
                .SelectMany(t => t.Messages)
                .OrderBy(m => m.Timestamp)
                .Select(m => (JsonNode)new JsonObject
                {
                    ["topicArn"] = m.TopicArn,
                    ["messageId"] = m.MessageId,
                    ["subject"] = m.Subject,
                    ["message"] = m.Message,
                    ["messageAttributes"] = m.MessageAttributes?.DeepClone(),
                    ["timestamp"] = m.Timestamp.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                });
            return Results.Content(new JsonObject { ["messages"] = new JsonArray(messages.ToArray()) }.ToJsonString(), "application/json");
        });

        local.MapGet("/inventory", async () =>
        {
            var skus = await services.Stores.ListStockAsync().ConfigureAwait(false);
            return Results.Json(new { skus });
        });

        local.MapGet("/faults", () => Results.Json(Faults(services)));
        local.MapPost("/faults", (FaultSwitches switches) =>
        {
            if (switches.RefundsAvailable is { } refunds)
            {
                services.PaymentGateway.RefundsAvailable = refunds;
            }

            if (switches.CancellationsAvailable is { } cancellations)
            {
                services.Carrier.CancellationsAvailable = cancellations;
            }

            return Results.Json(Faults(services));
        });

        local.MapGet("/dlq", async () =>
        {
            var messages = await services.OrdersQueue.ListDeadLettersAsync().ConfigureAwait(false);
            return Results.Json(new { messages = messages.Select(m => new { m.MessageId, m.Body, m.Attributes }) });
        });
        local.MapPost("/dlq/redrive", async () =>
        {
            var moved = await services.OrdersQueue.RedriveDeadLettersAsync().ConfigureAwait(false);
            services.OrderEvents.NotifyMessageSent();
            return Results.Json(new { redriven = moved });
        });
    }

    private static FaultSwitches Faults(LocalServices services) =>
        new(services.PaymentGateway.RefundsAvailable, services.Carrier.CancellationsAvailable);

    /// <summary>The simulators' switches; a null leaves that switch as it is.</summary>
    public sealed record FaultSwitches(bool? RefundsAvailable, bool? CancellationsAvailable);
}
