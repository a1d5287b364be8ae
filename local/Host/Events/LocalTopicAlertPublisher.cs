using System.Text.Json.Nodes;
using ECommerce.Orders.Contract;
using ECommerce.Orders.Domain;
using StatesLanguage.Integrations;

namespace ECommerce.LocalHost.Events;

/// <summary>Publishes "order needs attention" alerts to the local operations topic, as the SNS adapter does on AWS.</summary>
public sealed class LocalTopicAlertPublisher(LocalTopicStore topics, string topicArn) : IAlertPublisher
{
    public Task PublishAsync(OrderNeedsAttentionAlert alert, CancellationToken cancellationToken)
    {
        var attributes = new JsonObject
        {
            [OrderNeedsAttentionAlert.EventTypeAttribute] = new JsonObject
            {
                ["DataType"] = "String",
                ["StringValue"] = OrderNeedsAttentionAlert.EventTypeName,
            },
        };
        topics.Publish(topicArn, alert.ToMessageJson(), OrderNeedsAttentionAlert.Subject, attributes);
        return Task.CompletedTask;
    }
}
