using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace ECommerce.Runtime.Aws;

/// <summary>The attribute conversions and the conditional update every service's DynamoDB adapter uses.</summary>
public static class DynamoDbAttributes
{
    public static AttributeValue Text(string value) => new() { S = value };

    public static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    public static long ReadNumber(Dictionary<string, AttributeValue> item, string name) =>
        long.Parse(item[name].N, CultureInfo.InvariantCulture);

    public static string? ReadText(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) ? value.S : null;

    /// <summary>
    /// Runs a conditional UpdateItem and returns the attributes it asked for, or null when the condition did not hold
    /// (someone got there first; the caller reads what they left).
    /// </summary>
    public static async Task<Dictionary<string, AttributeValue>?> TryUpdateAsync(
        this IAmazonDynamoDB dynamoDb, UpdateItemRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var response = await dynamoDb.UpdateItemAsync(request, cancellationToken).ConfigureAwait(false);
            return response.Attributes;
        }
        catch (ConditionalCheckFailedException)
        {
            return null;
        }
    }
}
