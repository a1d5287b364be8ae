namespace ECommerce.Bench.Cost;

/// <summary>
/// Per-order usage of the order saga on its two main paths. State transitions come from local execution histories
/// (Cost.Tests checks them against the engine); request counts follow template.yaml (SQS batch size 10, 256 MB x86_64
/// functions); Lambda durations and DynamoDB units are estimates written down here, not measurements on AWS.
/// </summary>
public static class SagaUsage
{
    public const string StartOrderSaga = "StartOrderSaga";
    public const string GetOrder = "GetOrder";

    /// <summary>States entered by the happy path: Reserve, Charge, Ship, Record completed, Announce confirmed, Order completed.</summary>
    public const int HappyPathTransitions = 6;

    /// <summary>States entered when shipping fails (AddressUnserviceable): the three steps, Refund, Release, Record, Announce, Fail.</summary>
    public const int CompensatedTransitions = 8;

    /// <summary>Time Step Functions itself adds per transition inside an Express execution (an estimate).</summary>
    public const double EngineOverheadMsPerTransition = 10;

    private const double SqsBatchSize = 10;

    // One SendMessage from API Gateway, then one ReceiveMessage and one DeleteMessageBatch per batch of 10.
    private const double SqsRequestsPerOrder = 1 + 2 / SqsBatchSize;

    public static OrderUsage HappyPath { get; } = new(
        "happy path (COMPLETED)",
        ApiGatewayRequests: 2, // POST /orders and one GET /orders/{id}
        SqsRequests: SqsRequestsPerOrder,
        Lambdas:
        [
            new(StartOrderSaga, 1 / SqsBatchSize, 60),
            new(GetOrder, 1, 10),
            new("ReserveInventory", 1, 30),
            new("ChargePayment", 1, 20),
            new("ShipOrder", 1, 20),
            new("RecordOrderStatus", 1, 15),
        ],
        StateTransitions: HappyPathTransitions,
        // Order put 1, reservation transaction (stock item + reservation item, 2 WRU each) 4, charge 1, shipment 1, status 1.
        DynamoDbWriteUnits: 8,
        // Catalogue read 1, GetOrder 0.5 (eventually consistent), idempotency reads in charge and ship 1.
        DynamoDbReadUnits: 2.5,
        SnsPublishes: 1);

    public static OrderUsage CompensatedPath { get; } = new(
        "compensated (AddressUnserviceable: refund, release, CANCELLED)",
        ApiGatewayRequests: 2,
        SqsRequests: SqsRequestsPerOrder,
        Lambdas:
        [
            new(StartOrderSaga, 1 / SqsBatchSize, 60),
            new(GetOrder, 1, 10),
            new("ReserveInventory", 1, 30),
            new("ChargePayment", 1, 20),
            new("ShipOrder", 1, 10),
            new("RefundPayment", 1, 20),
            new("ReleaseInventory", 1, 30),
            new("RecordOrderStatus", 1, 15),
        ],
        StateTransitions: CompensatedTransitions,
        // Order 1, reservation 4, charge 1, refund 1, release transaction 4, status 1.
        DynamoDbWriteUnits: 12,
        // Catalogue 1, GetOrder 0.5, idempotency reads in charge, ship, refund, release 2.
        DynamoDbReadUnits: 3.5,
        SnsPublishes: 1);
}
