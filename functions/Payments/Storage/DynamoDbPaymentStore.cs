using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using ECommerce.Runtime.Aws;
using ECommerce.Payments.Domain;
using static ECommerce.Runtime.Aws.DynamoDbAttributes;

namespace ECommerce.Payments.Storage;

/// <summary>
/// Payments table adapter (partition key <c>pk</c>): <c>CHARGE#&lt;orderId&gt;</c> holds token, amount, currency,
/// attempts, and once approved status CHARGED|REFUNDED, chargeId and refundId. Every transition is a conditional
/// update, so repeats are no-ops whatever ClientRequestToken does.
/// </summary>
public sealed class DynamoDbPaymentStore(IAmazonDynamoDB dynamoDb, string tableName) : IPaymentStore
{
    private const string Charged = "CHARGED";
    private const string Refunded = "REFUNDED";

    private static readonly Dictionary<string, string> Names = new()
    {
        ["#status"] = "status",
        ["#token"] = "token",
        ["#amount"] = "amount",
        ["#currency"] = "currency",
    };

    public async Task<ChargeRecord?> GetAsync(string orderId, CancellationToken cancellationToken)
    {
        var response = await Call(() => dynamoDb.GetItemAsync(
            new GetItemRequest { TableName = tableName, Key = Key(orderId), ConsistentRead = true }, cancellationToken)).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item ? ToRecord(item) : null;
    }

    public async Task<int?> TryRecordAttemptAsync(
        string orderId, string token, long amount, string currency, CancellationToken cancellationToken)
    {
        var attributes = await Call(() => dynamoDb.TryUpdateAsync(
            new UpdateItemRequest
            {
                TableName = tableName,
                Key = Key(orderId),
                UpdateExpression = "SET orderId = :orderId, #token = :token, #amount = :amount, #currency = :currency ADD attempts :one",
                ConditionExpression = "attribute_not_exists(#status)",
                ExpressionAttributeNames = Names,
                ExpressionAttributeValues = new()
                {
                    [":orderId"] = Text(orderId),
                    [":token"] = Text(token),
                    [":amount"] = Number(amount),
                    [":currency"] = Text(currency),
                    [":one"] = Number(1),
                },
                ReturnValues = ReturnValue.UPDATED_NEW,
            },
            cancellationToken)).ConfigureAwait(false);
        return attributes is null ? null : checked((int)ReadNumber(attributes, "attempts"));
    }

    public Task<ChargeRecord> RecordChargeAsync(string orderId, string chargeId, CancellationToken cancellationToken) =>
        Transition(
            orderId,
            "SET #status = :charged, chargeId = :chargeId",
            "attribute_exists(pk) AND attribute_not_exists(#status)",
            new() { [":charged"] = Text(Charged), [":chargeId"] = Text(chargeId) },
            cancellationToken);

    public Task<ChargeRecord> RecordRefundAsync(string orderId, string refundId, CancellationToken cancellationToken) =>
        Transition(
            orderId,
            "SET #status = :refunded, refundId = :refundId",
            "#status = :charged",
            new() { [":refunded"] = Text(Refunded), [":refundId"] = Text(refundId), [":charged"] = Text(Charged) },
            cancellationToken);

    /// <summary>Applies a conditional status change; when the condition fails, someone got there first: return their record.</summary>
    private async Task<ChargeRecord> Transition(
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
                ExpressionAttributeNames = Names.Where(name => updateExpression.Contains(name.Key, StringComparison.Ordinal)
                        || conditionExpression.Contains(name.Key, StringComparison.Ordinal))
                    .ToDictionary(),
                ExpressionAttributeValues = values,
                ReturnValues = ReturnValue.ALL_NEW,
            },
            cancellationToken)).ConfigureAwait(false);
        return attributes is not null
            ? ToRecord(attributes)
            : await GetAsync(orderId, cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException($"No charge record for order {orderId}.");
    }

    /// <summary>Runs a DynamoDB call, turning throttling and outages into the transient PaymentGatewayUnavailable.</summary>
    private static Task<T> Call<T>(Func<Task<T>> call) =>
        DynamoDbFaults.TranslateTransientAsync(call, exception => new PaymentGatewayUnavailableException($"Payments store unavailable: {exception.Message}", exception));

    private static Dictionary<string, AttributeValue> Key(string orderId) => new() { ["pk"] = Text("CHARGE#" + orderId) };

    private static ChargeRecord ToRecord(Dictionary<string, AttributeValue> item) =>
        new(
            item["orderId"].S,
            ReadText(item, "status") switch
            {
                Charged => ChargeStatus.Charged,
                Refunded => ChargeStatus.Refunded,
                _ => ChargeStatus.Attempted,
            },
            checked((int)ReadNumber(item, "attempts")),
            item["token"].S,
            ReadNumber(item, "amount"),
            item["currency"].S,
            ReadText(item, "chargeId"),
            ReadText(item, "refundId"));
}
