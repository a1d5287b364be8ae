using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using ECommerce.Runtime.Aws;
using ECommerce.Shipping.Carrier;
using ECommerce.Shipping.Domain;
using static ECommerce.Runtime.Aws.DynamoDbAttributes;

namespace ECommerce.Shipping.Storage;

/// <summary>
/// Shipping table adapter (partition key <c>pk</c>): <c>SHIPMENT#&lt;orderId&gt;</c> holds attempts, and once accepted
/// shipmentId, carrier, trackingNumber and status SHIPPED|CANCELLED. Every transition is a conditional update, so
/// repeats are no-ops whatever ClientRequestToken does.
/// </summary>
public sealed class DynamoDbShipmentStore(IAmazonDynamoDB dynamoDb, string tableName) : IShipmentStore
{
    private const string Shipped = "SHIPPED";
    private const string Cancelled = "CANCELLED";

    private static readonly Dictionary<string, string> StatusName = new() { ["#status"] = "status" };

    public async Task<ShipmentRecord?> GetAsync(string orderId, CancellationToken cancellationToken)
    {
        var response = await Call(() => dynamoDb.GetItemAsync(
            new GetItemRequest { TableName = tableName, Key = Key(orderId), ConsistentRead = true }, cancellationToken)).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item ? ToRecord(item) : null;
    }

    public async Task<int?> TryRecordAttemptAsync(string orderId, CancellationToken cancellationToken)
    {
        var attributes = await Call(() => dynamoDb.TryUpdateAsync(
            new UpdateItemRequest
            {
                TableName = tableName,
                Key = Key(orderId),
                UpdateExpression = "SET orderId = :orderId ADD attempts :one",
                ConditionExpression = "attribute_not_exists(#status)",
                ExpressionAttributeNames = StatusName,
                ExpressionAttributeValues = new() { [":orderId"] = Text(orderId), [":one"] = Number(1) },
                ReturnValues = ReturnValue.UPDATED_NEW,
            },
            cancellationToken)).ConfigureAwait(false);
        return attributes is null ? null : checked((int)ReadNumber(attributes, "attempts"));
    }

    public Task<ShipmentRecord> RecordShipmentAsync(string orderId, CarrierShipment shipment, CancellationToken cancellationToken) =>
        Transition(
            orderId,
            "SET #status = :shipped, shipmentId = :shipmentId, carrier = :carrier, trackingNumber = :trackingNumber",
            "attribute_exists(pk) AND attribute_not_exists(#status)",
            new()
            {
                [":shipped"] = Text(Shipped),
                [":shipmentId"] = Text(shipment.ShipmentId),
                [":carrier"] = Text(shipment.Carrier),
                [":trackingNumber"] = Text(shipment.TrackingNumber),
            },
            cancellationToken);

    public Task<ShipmentRecord> RecordCancellationAsync(string orderId, CancellationToken cancellationToken) =>
        Transition(
            orderId,
            "SET #status = :cancelled",
            "#status = :shipped",
            new() { [":cancelled"] = Text(Cancelled), [":shipped"] = Text(Shipped) },
            cancellationToken);

    /// <summary>Applies a conditional status change; when the condition fails, someone got there first: return their record.</summary>
    private async Task<ShipmentRecord> Transition(
        string orderId,
        string updateExpression,
        string conditionExpression,
        Dictionary<string, AttributeValue> values,
        CancellationToken cancellationToken)
    {
        var attributes = await Call(() => dynamoDb.TryUpdateAsync(
            new UpdateItemRequest
            {
                TableName = tableName,
                Key = Key(orderId),
                UpdateExpression = updateExpression,
                ConditionExpression = conditionExpression,
                ExpressionAttributeNames = StatusName,
                ExpressionAttributeValues = values,
                ReturnValues = ReturnValue.ALL_NEW,
            },
            cancellationToken)).ConfigureAwait(false);
        return attributes is not null
            ? ToRecord(attributes)
            : await GetAsync(orderId, cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException($"No shipment record for order {orderId}.");
    }

    /// <summary>Runs a DynamoDB call, turning throttling and outages into the transient CarrierUnavailable.</summary>
    private static Task<T> Call<T>(Func<Task<T>> call) =>
        DynamoDbFaults.TranslateTransientAsync(call, exception => new CarrierUnavailableException($"Shipping store unavailable: {exception.Message}", exception));

    private static Dictionary<string, AttributeValue> Key(string orderId) => new() { ["pk"] = Text("SHIPMENT#" + orderId) };

    private static ShipmentRecord ToRecord(Dictionary<string, AttributeValue> item) =>
        new(
            item["orderId"].S,
            ReadText(item, "status") switch
            {
                Shipped => ShipmentStatus.Shipped,
                Cancelled => ShipmentStatus.Cancelled,
                _ => ShipmentStatus.Attempted,
            },
            checked((int)ReadNumber(item, "attempts")),
            ReadText(item, "shipmentId"),
            ReadText(item, "carrier"),
            ReadText(item, "trackingNumber"));
}
