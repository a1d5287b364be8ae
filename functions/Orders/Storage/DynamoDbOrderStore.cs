using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using ECommerce.Orders.Domain;
using ECommerce.Runtime.Aws;

namespace ECommerce.Orders.Storage;

/// <summary>
/// The Orders table on DynamoDB (low-level client, AOT-clean): item <c>pk = orderId</c>. Throttling, server faults and
/// network failures surface as <see cref="DependencyUnavailableException"/> (OrdersUnavailable).
/// </summary>
public sealed class DynamoDbOrderStore(IAmazonDynamoDB dynamoDb, string tableName) : IOrderStore
{
    public Task<bool> TryCreateAsync(Order order, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            try
            {
                await dynamoDb.PutItemAsync(
                    new PutItemRequest
                    {
                        TableName = tableName,
                        Item = ToItem(order),
                        ConditionExpression = "attribute_not_exists(pk)",
                    },
                    cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (ConditionalCheckFailedException)
            {
                return false;
            }
        });

    public Task<Order?> GetAsync(string orderId, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            var response = await dynamoDb.GetItemAsync(
                new GetItemRequest { TableName = tableName, Key = Key(orderId), ConsistentRead = true },
                cancellationToken).ConfigureAwait(false);
            return response.Item is { Count: > 0 } item ? FromItem(item) : null;
        });

    public Task<bool> SetExecutionArnAsync(string orderId, string executionArn, DateTimeOffset updatedAt, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            try
            {
                await dynamoDb.UpdateItemAsync(
                    new UpdateItemRequest
                    {
                        TableName = tableName,
                        Key = Key(orderId),
                        UpdateExpression = "SET executionArn = :arn, updatedAt = :updatedAt",
                        ConditionExpression = "attribute_exists(pk)",
                        ExpressionAttributeValues = new Dictionary<string, AttributeValue>
                        {
                            [":arn"] = new() { S = executionArn },
                            [":updatedAt"] = new() { S = Timestamp(updatedAt) },
                        },
                    },
                    cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (ConditionalCheckFailedException)
            {
                return false;
            }
        });

    public Task<bool> TryChangeStatusAsync(OrderStatusChange change, string expectedStatus, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            var set = new List<string> { "#status = :status", "updatedAt = :updatedAt" };
            var values = new Dictionary<string, AttributeValue>
            {
                [":status"] = new() { S = change.Status },
                [":expected"] = new() { S = expectedStatus },
                [":updatedAt"] = new() { S = Timestamp(change.UpdatedAt) },
            };
            AddIfPresent(set, values, "reason", change.Reason);
            AddIfPresent(set, values, "currency", change.Currency);
            AddIfPresent(set, values, "chargeId", change.ChargeId);
            AddIfPresent(set, values, "trackingNumber", change.TrackingNumber);
            AddIfPresent(set, values, "executionArn", change.ExecutionArn);
            if (change.TotalAmount is { } totalAmount)
            {
                set.Add("totalAmount = :totalAmount");
                values[":totalAmount"] = new AttributeValue { N = totalAmount.ToString(CultureInfo.InvariantCulture) };
            }

            var update = "SET " + string.Join(", ", set) + (change.Reason is null ? " REMOVE reason" : string.Empty);
            try
            {
                await dynamoDb.UpdateItemAsync(
                    new UpdateItemRequest
                    {
                        TableName = tableName,
                        Key = Key(change.OrderId),
                        UpdateExpression = update,
                        ConditionExpression = "attribute_exists(pk) AND #status = :expected",
                        ExpressionAttributeNames = new Dictionary<string, string> { ["#status"] = "status" },
                        ExpressionAttributeValues = values,
                    },
                    cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (ConditionalCheckFailedException)
            {
                return false;
            }
        });

    private static void AddIfPresent(List<string> set, Dictionary<string, AttributeValue> values, string attribute, string? value)
    {
        if (value is not null)
        {
            set.Add($"{attribute} = :{attribute}");
            values[$":{attribute}"] = new AttributeValue { S = value };
        }
    }

    private static async Task<T> GuardAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (Exception exception) when (DynamoDbFaults.IsTransient(exception))
        {
            var reason = exception is AmazonServiceException { ErrorCode: { } code } ? code : exception.Message;
            throw new DependencyUnavailableException(
                DependencyUnavailableException.OrdersUnavailable, $"The Orders table is unavailable: {reason}", exception);
        }
    }

    private static Dictionary<string, AttributeValue> Key(string orderId) => new() { ["pk"] = new AttributeValue { S = orderId } };

    private static string Timestamp(DateTimeOffset instant) => instant.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static Dictionary<string, AttributeValue> ToItem(Order order)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            ["pk"] = new() { S = order.OrderId },
            ["status"] = new() { S = order.Status },
            ["createdAt"] = new() { S = Timestamp(order.CreatedAt) },
            ["updatedAt"] = new() { S = Timestamp(order.UpdatedAt) },
            ["lines"] = new()
            {
                L = [.. order.Lines.Select(line => new AttributeValue
                {
                    M = new Dictionary<string, AttributeValue>
                    {
                        ["sku"] = new() { S = line.Sku },
                        ["quantity"] = new() { N = line.Quantity.ToString(CultureInfo.InvariantCulture) },
                    },
                })],
            },
        };
        PutIfPresent(item, "reason", order.Reason);
        PutIfPresent(item, "customerId", order.CustomerId);
        PutIfPresent(item, "currency", order.Currency);
        PutIfPresent(item, "chargeId", order.ChargeId);
        PutIfPresent(item, "trackingNumber", order.TrackingNumber);
        PutIfPresent(item, "executionArn", order.ExecutionArn);
        if (order.TotalAmount is { } total)
        {
            item["totalAmount"] = new AttributeValue { N = total.ToString(CultureInfo.InvariantCulture) };
        }

        return item;
    }

    private static void PutIfPresent(Dictionary<string, AttributeValue> item, string attribute, string? value)
    {
        if (value is not null)
        {
            item[attribute] = new AttributeValue { S = value };
        }
    }

    private static Order FromItem(Dictionary<string, AttributeValue> item) => new()
    {
        OrderId = item["pk"].S,
        Status = item["status"].S,
        Reason = Text(item, "reason"),
        CustomerId = Text(item, "customerId"),
        Lines = item.TryGetValue("lines", out var lines) && lines.L is { } list
            ? [.. list.Select(line => new StoredOrderLine(line.M["sku"].S, int.Parse(line.M["quantity"].N, CultureInfo.InvariantCulture)))]
            : [],
        TotalAmount = item.TryGetValue("totalAmount", out var total) && total.N is { } n ? long.Parse(n, CultureInfo.InvariantCulture) : null,
        Currency = Text(item, "currency"),
        ChargeId = Text(item, "chargeId"),
        TrackingNumber = Text(item, "trackingNumber"),
        CreatedAt = DateTimeOffset.Parse(item["createdAt"].S, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
        UpdatedAt = DateTimeOffset.Parse(item["updatedAt"].S, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
        ExecutionArn = Text(item, "executionArn"),
    };

    private static string? Text(Dictionary<string, AttributeValue> item, string attribute) =>
        item.TryGetValue(attribute, out var value) ? value.S : null;
}
