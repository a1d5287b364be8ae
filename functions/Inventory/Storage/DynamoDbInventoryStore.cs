using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using ECommerce.Runtime.Aws;
using ECommerce.Inventory.Contract;
using ECommerce.Inventory.Domain;
using static ECommerce.Runtime.Aws.DynamoDbAttributes;

namespace ECommerce.Inventory.Storage;

/// <summary>
/// Inventory table adapter (partition key <c>pk</c>): <c>SKU#&lt;sku&gt;</c> items hold stock, reserved, unitPrice, currency;
/// <c>RESERVATION#&lt;orderId&gt;</c> items hold the priced lines and RESERVED|RELEASED. Idempotency comes from the
/// reservation record's conditions, never from ClientRequestToken.
/// </summary>
public sealed class DynamoDbInventoryStore(IAmazonDynamoDB dynamoDb, string tableName) : IInventoryStore
{
    private const string Reserved = "RESERVED";
    private const string Released = "RELEASED";
    private const string ConditionalCheckFailed = "ConditionalCheckFailed";

    public async Task<IReadOnlyDictionary<string, SkuStock>> GetSkusAsync(
        IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, SkuStock>(StringComparer.Ordinal);
        // BatchGetItem takes 100 keys per call and may hand back unprocessed keys under load.
        foreach (var chunk in skus.Distinct(StringComparer.Ordinal).Chunk(100))
        {
            var pending = new KeysAndAttributes
            {
                Keys = chunk.Select(sku => Key(SkuKey(sku))).ToList(),
                ConsistentRead = true,
            };
            for (var round = 0; pending.Keys is { Count: > 0 }; round++)
            {
                if (round == 5)
                {
                    throw new InventoryUnavailableException("Catalogue read kept coming back unprocessed (throttled).");
                }

                var response = await Call(() => dynamoDb.BatchGetItemAsync(
                    new BatchGetItemRequest { RequestItems = new() { [tableName] = pending } }, cancellationToken)).ConfigureAwait(false);
                foreach (var item in response.Responses?.GetValueOrDefault(tableName) ?? [])
                {
                    var sku = ToSku(item);
                    found[sku.Sku] = sku;
                }

                pending = response.UnprocessedKeys?.GetValueOrDefault(tableName) ?? new KeysAndAttributes();
                if (pending.Keys is { Count: > 0 })
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(50 << round), cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return found;
    }

    public async Task<Reservation?> GetReservationAsync(string orderId, CancellationToken cancellationToken)
    {
        var item = await GetItem(ReservationKey(orderId), cancellationToken).ConfigureAwait(false);
        return item is null ? null : ToReservation(item);
    }

    public async Task<Reservation> ReserveAsync(Reservation reservation, CancellationToken cancellationToken)
    {
        var actions = reservation.Lines
            .Select(line => new TransactWriteItem
            {
                Update = new Update
                {
                    TableName = tableName,
                    Key = Key(SkuKey(line.Sku)),
                    UpdateExpression = "SET stock = stock - :q, reserved = reserved + :q",
                    ConditionExpression = "attribute_exists(pk) AND stock >= :q",
                    ExpressionAttributeValues = new() { [":q"] = Number(line.Quantity) },
                },
            })
            .ToList();
        actions.Add(new TransactWriteItem
        {
            Put = new Put
            {
                TableName = tableName,
                Item = ToItem(reservation),
                ConditionExpression = "attribute_not_exists(pk)",
            },
        });

        try
        {
            await Call(() => dynamoDb.TransactWriteItemsAsync(
                new TransactWriteItemsRequest { TransactItems = actions }, cancellationToken)).ConfigureAwait(false);
            return reservation;
        }
        catch (TransactionCanceledException cancelled)
        {
            return await ExplainCancelledReservation(reservation, cancelled, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<ReleaseOutcome> ReleaseAsync(string orderId, CancellationToken cancellationToken)
    {
        var reservation = await GetReservationAsync(orderId, cancellationToken).ConfigureAwait(false);
        if (reservation is null)
        {
            return ReleaseOutcome.NotFound;
        }

        if (reservation.Status == ReservationStatus.Released)
        {
            return ReleaseOutcome.AlreadyReleased;
        }

        var actions = new List<TransactWriteItem>
        {
            new()
            {
                Update = new Update
                {
                    TableName = tableName,
                    Key = Key(ReservationKey(orderId)),
                    UpdateExpression = "SET #status = :released",
                    ConditionExpression = "#status = :reserved",
                    ExpressionAttributeNames = new() { ["#status"] = "status" },
                    ExpressionAttributeValues = new() { [":released"] = Text(Released), [":reserved"] = Text(Reserved) },
                },
            },
        };
        actions.AddRange(reservation.Lines.Select(line => new TransactWriteItem
        {
            Update = new Update
            {
                TableName = tableName,
                Key = Key(SkuKey(line.Sku)),
                UpdateExpression = "SET stock = stock + :q, reserved = reserved - :q",
                ConditionExpression = "attribute_exists(pk) AND reserved >= :q",
                ExpressionAttributeValues = new() { [":q"] = Number(line.Quantity) },
            },
        }));

        try
        {
            await Call(() => dynamoDb.TransactWriteItemsAsync(
                new TransactWriteItemsRequest { TransactItems = actions }, cancellationToken)).ConfigureAwait(false);
            return ReleaseOutcome.Released;
        }
        catch (TransactionCanceledException cancelled)
        {
            var reasons = cancelled.CancellationReasons ?? [];
            if (reasons.Count > 0 && reasons[0].Code == ConditionalCheckFailed)
            {
                // A concurrent release won the race; the stock went back exactly once.
                return ReleaseOutcome.AlreadyReleased;
            }

            if (IsRetryable(reasons))
            {
                throw new InventoryUnavailableException($"Release of {orderId} was cancelled: {Describe(reasons)}.", cancelled);
            }

            throw new InvalidOperationException(
                $"Release of {orderId} was refused by a SKU condition (SKU deleted or counters corrupted): {Describe(reasons)}.",
                cancelled);
        }
    }

    public async Task<bool> AddSkuIfMissingAsync(SkuStock sku, CancellationToken cancellationToken)
    {
        try
        {
            await Call(() => dynamoDb.PutItemAsync(
                new PutItemRequest
                {
                    TableName = tableName,
                    Item = new()
                    {
                        ["pk"] = Text(SkuKey(sku.Sku)),
                        ["sku"] = Text(sku.Sku),
                        ["stock"] = Number(sku.Stock),
                        ["reserved"] = Number(sku.Reserved),
                        ["unitPrice"] = Number(sku.UnitPrice),
                        ["currency"] = Text(sku.Currency),
                    },
                    ConditionExpression = "attribute_not_exists(pk)",
                },
                cancellationToken)).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private async Task<Reservation> ExplainCancelledReservation(
        Reservation reservation, TransactionCanceledException cancelled, CancellationToken cancellationToken)
    {
        // One reason per action, in request order: lines first, the reservation put last.
        var reasons = cancelled.CancellationReasons ?? [];
        var putIndex = reservation.Lines.Count;
        if (reasons.Count > putIndex && reasons[putIndex].Code == ConditionalCheckFailed)
        {
            return await GetReservationAsync(reservation.OrderId, cancellationToken).ConfigureAwait(false)
                ?? throw new InventoryUnavailableException(
                    $"Reservation for {reservation.OrderId} exists but could not be read back.", cancelled);
        }

        for (var i = 0; i < Math.Min(putIndex, reasons.Count); i++)
        {
            if (reasons[i].Code != ConditionalCheckFailed)
            {
                continue;
            }

            var line = reservation.Lines[i];
            var item = await GetItem(SkuKey(line.Sku), cancellationToken).ConfigureAwait(false);
            if (item is null)
            {
                throw new UnknownSkuException(line.Sku);
            }

            throw new InsufficientStockException(line.Sku, line.Quantity);
        }

        if (IsRetryable(reasons))
        {
            throw new InventoryUnavailableException(
                $"Reservation for {reservation.OrderId} was cancelled: {Describe(reasons)}.", cancelled);
        }

        throw new InvalidOperationException(
            $"Reservation for {reservation.OrderId} was cancelled: {Describe(reasons)}.", cancelled);
    }

    private async Task<Dictionary<string, AttributeValue>?> GetItem(string pk, CancellationToken cancellationToken)
    {
        var response = await Call(() => dynamoDb.GetItemAsync(
            new GetItemRequest { TableName = tableName, Key = Key(pk), ConsistentRead = true }, cancellationToken)).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item ? item : null;
    }

    /// <summary>Runs a DynamoDB call, turning throttling and outages into the transient InventoryUnavailable.</summary>
    private static Task<T> Call<T>(Func<Task<T>> call) =>
        DynamoDbFaults.TranslateTransientAsync(call, exception => new InventoryUnavailableException($"Inventory store unavailable: {exception.Message}", exception));

    private static bool IsRetryable(List<CancellationReason> reasons) =>
        reasons.Any(reason => reason.Code is "TransactionConflict" or "ThrottlingError" or "ProvisionedThroughputExceeded");

    private static string Describe(List<CancellationReason> reasons) =>
        string.Join(", ", reasons.Select(reason => reason.Code ?? "None"));

    private static string SkuKey(string sku) => "SKU#" + sku;

    private static string ReservationKey(string orderId) => "RESERVATION#" + orderId;

    private static Dictionary<string, AttributeValue> Key(string pk) => new() { ["pk"] = Text(pk) };

    private static SkuStock ToSku(Dictionary<string, AttributeValue> item) =>
        new(
            item["sku"].S,
            checked((int)ReadNumber(item, "stock")),
            checked((int)ReadNumber(item, "reserved")),
            ReadNumber(item, "unitPrice"),
            item["currency"].S);

    private static Dictionary<string, AttributeValue> ToItem(Reservation reservation) => new()
    {
        ["pk"] = Text(ReservationKey(reservation.OrderId)),
        ["orderId"] = Text(reservation.OrderId),
        ["lines"] = new AttributeValue
        {
            L = reservation.Lines
                .Select(line => new AttributeValue
                {
                    M = new()
                    {
                        ["sku"] = Text(line.Sku),
                        ["quantity"] = Number(line.Quantity),
                        ["unitPrice"] = Number(line.UnitPrice),
                    },
                })
                .ToList(),
        },
        ["totalAmount"] = Number(reservation.TotalAmount),
        ["currency"] = Text(reservation.Currency),
        ["status"] = Text(reservation.Status == ReservationStatus.Released ? Released : Reserved),
        ["reservedAt"] = Text(reservation.ReservedAt.ToString("O", CultureInfo.InvariantCulture)),
    };

    private static Reservation ToReservation(Dictionary<string, AttributeValue> item) =>
        new(
            item["orderId"].S,
            item["lines"].L
                .Select(line => new PricedLine(
                    line.M["sku"].S,
                    checked((int)ReadNumber(line.M, "quantity")),
                    ReadNumber(line.M, "unitPrice")))
                .ToList(),
            ReadNumber(item, "totalAmount"),
            item["currency"].S,
            item["status"].S == Released ? ReservationStatus.Released : ReservationStatus.Reserved,
            DateTimeOffset.Parse(item["reservedAt"].S, CultureInfo.InvariantCulture));
}
