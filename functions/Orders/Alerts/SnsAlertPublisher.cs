using ECommerce.Orders.Contract;
using ECommerce.Orders.Domain;
using ECommerce.Runtime;
using ECommerce.Runtime.Sns;

namespace ECommerce.Orders.Alerts;

/// <summary>Publishes "order needs attention" alerts to the operations SNS topic (ALERTS_TOPIC_ARN).</summary>
public sealed class SnsAlertPublisher(SnsClient client, string topicArn) : IAlertPublisher
{
    public async Task PublishAsync(OrderNeedsAttentionAlert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (string.IsNullOrWhiteSpace(topicArn))
        {
            throw new InvalidOperationException("ALERTS_TOPIC_ARN is not set: cannot publish the alert for an order that needs attention.");
        }

        var request = new PublishRequest
        {
            TopicArn = topicArn,
            Message = alert.ToMessageJson(),
            Subject = OrderNeedsAttentionAlert.Subject,
            MessageAttributes = new Dictionary<string, MessageAttributeValue>
            {
                [OrderNeedsAttentionAlert.EventTypeAttribute] = MessageAttributeValue.String(OrderNeedsAttentionAlert.EventTypeName),
            },
        };
        try
        {
            await client.PublishAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (SnsException exception) when (exception.IsTransient)
        {
            throw new DependencyUnavailableException(DependencyUnavailableException.AlertsUnavailable, exception.Message, exception);
        }
        catch (SnsException exception)
        {
            // NotFound, AuthorizationError, InvalidParameter: a deployment fault; AWS's code becomes the Lambda errorType.
            throw new FunctionErrorException(exception.ErrorCode, exception.ServiceMessage, isTransient: false, exception);
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutException or IOException)
        {
            throw new DependencyUnavailableException(
                DependencyUnavailableException.AlertsUnavailable, $"SNS is unreachable: {exception.Message}", exception);
        }
    }
}
