using System.Net;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using ECommerce.Inventory.Domain;
using ECommerce.Inventory.Storage;
using Moq;

namespace ECommerce.Inventory.Tests;

/// <summary>How the DynamoDB adapter classifies faults, with the client mocked (moto cannot be made to throttle).</summary>
public sealed class DynamoDbInventoryStoreFaultTests
{
    private static readonly Reservation TwoLines = new(
        "o-1", [new("SKU-1", 1, 1999), new("SKU-2", 1, 2999)], 4998, "USD", ReservationStatus.Reserved, DateTimeOffset.UnixEpoch);

    private readonly Mock<IAmazonDynamoDB> _dynamoDb = new();
    private readonly DynamoDbInventoryStore _store;

    public DynamoDbInventoryStoreFaultTests() => _store = new DynamoDbInventoryStore(_dynamoDb.Object, "inventory");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<Exception> TransientFaults() =>
    [
        new ProvisionedThroughputExceededException("slow down"),
        new RequestLimitExceededException("account limit"),
        new InternalServerErrorException("oops"),
        new AmazonDynamoDBException("throttled") { ErrorCode = "ThrottlingException", StatusCode = HttpStatusCode.BadRequest },
        new AmazonDynamoDBException("unavailable") { StatusCode = HttpStatusCode.ServiceUnavailable },
        new HttpRequestException("connection refused"),
    ];

    [Theory]
    [MemberData(nameof(TransientFaults))]
    public async Task ReserveAsync_TransientFault_ThrowsTransientInventoryUnavailable(Exception fault)
    {
        _dynamoDb.Setup(d => d.TransactWriteItemsAsync(It.IsAny<TransactWriteItemsRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(fault);

        var error = await Assert.ThrowsAsync<InventoryUnavailableException>(() => _store.ReserveAsync(TwoLines, Ct));

        Assert.Equal("InventoryUnavailable", error.ErrorType);
        Assert.True(error.IsTransient);
        Assert.Same(fault, error.InnerException);
    }

    [Theory]
    [InlineData("TransactionConflict")]
    [InlineData("ThrottlingError")]
    [InlineData("ProvisionedThroughputExceeded")]
    public async Task ReserveAsync_CancelledByConflictOrThrottling_ThrowsInventoryUnavailable(string code)
    {
        _dynamoDb.Setup(d => d.TransactWriteItemsAsync(It.IsAny<TransactWriteItemsRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(Cancelled("None", code, "None"));

        await Assert.ThrowsAsync<InventoryUnavailableException>(() => _store.ReserveAsync(TwoLines, Ct));
    }

    [Fact]
    public async Task ReserveAsync_ValidationFault_IsNotTransient()
    {
        _dynamoDb.Setup(d => d.TransactWriteItemsAsync(It.IsAny<TransactWriteItemsRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new AmazonDynamoDBException("bad request") { ErrorCode = "ValidationException", StatusCode = HttpStatusCode.BadRequest });

        await Assert.ThrowsAsync<AmazonDynamoDBException>(() => _store.ReserveAsync(TwoLines, Ct));
    }

    [Fact]
    public async Task ReserveAsync_Request_IsOneTransactionWithAConditionalDecrementPerLineAndAGuardedPut()
    {
        TransactWriteItemsRequest? sent = null;
        _dynamoDb.Setup(d => d.TransactWriteItemsAsync(It.IsAny<TransactWriteItemsRequest>(), It.IsAny<CancellationToken>()))
            .Callback<TransactWriteItemsRequest, CancellationToken>((request, _) => sent = request)
            .ReturnsAsync(new TransactWriteItemsResponse());

        await _store.ReserveAsync(TwoLines, Ct);

        Assert.NotNull(sent);
        Assert.Equal(3, sent.TransactItems.Count);
        Assert.All(sent.TransactItems.Take(2), item =>
        {
            Assert.Equal("attribute_exists(pk) AND stock >= :q", item.Update.ConditionExpression);
            Assert.Equal("SET stock = stock - :q, reserved = reserved + :q", item.Update.UpdateExpression);
        });
        Assert.Equal("SKU#SKU-2", sent.TransactItems[1].Update.Key["pk"].S);
        Assert.Equal("RESERVATION#o-1", sent.TransactItems[2].Put.Item["pk"].S);
        Assert.Equal("attribute_not_exists(pk)", sent.TransactItems[2].Put.ConditionExpression);
        _dynamoDb.Verify(d => d.TransactWriteItemsAsync(It.IsAny<TransactWriteItemsRequest>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    private static TransactionCanceledException Cancelled(params string[] codes) =>
        new("Transaction cancelled") { CancellationReasons = codes.Select(code => new CancellationReason { Code = code }).ToList() };
}
