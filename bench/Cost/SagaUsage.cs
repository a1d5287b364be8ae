namespace ECommerce.Bench.Cost;

/// <summary>
/// Per-order usage of the order saga on its two main paths. State transitions come from local execution histories
/// (Cost.Tests checks them against the engine); request counts follow template.yaml (SQS batch size 10, 256 MB x86_64
/// functions); Lambda durations are warm invoke times of the Native AOT bootstraps measured by bench/ColdStart (see
/// <see cref="MeasuredWarmMs"/>); DynamoDB units are estimates from the handlers' design.
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

    /// <summary>
    /// Billed milliseconds per invocation (Lambda rounds up to the next ms), from the AOT bootstrap's median warm invoke time
    /// (event handed out on /next → /response received) in bench/ColdStart on 2026-11-24, pooled over three runs, 50
    /// processes × 20 warm invocations per handler (bench/RESULTS.md, "Cold start"), DynamoDB served by moto_server on
    /// loopback on a 2-core machine at load average 6-19: an upper bound for the same calls against DynamoDB in-region. Handlers the benchmark does not run take the figure of the measured one they resemble.
    /// </summary>
    public static class MeasuredWarmMs
    {
        /// <summary>GetOrder, unknown order → 404 (one GetItem): median 4.18 ms.</summary>
        public const double OneDynamoDbCall = 5;

        /// <summary>ShipOrder, new order → shipped (read, conditional put, update): median 18.85 ms.</summary>
        public const double ShipOrder = 19;

        /// <summary>ChargePayment, tok_visa → charged (read, conditional put, update): median 20.32 ms.</summary>
        public const double ChargePayment = 21;

        /// <summary>Not measured: a catalogue read and one TransactWriteItems, taken as ShipOrder's three calls.</summary>
        public const double ReserveInventory = ShipOrder;

        /// <summary>Not measured: a reservation read and a transaction, taken as ShipOrder's.</summary>
        public const double ReleaseInventory = ShipOrder;

        /// <summary>Not measured: a read and a conditional update, taken as ChargePayment's.</summary>
        public const double RefundPayment = ChargePayment;

        /// <summary>Not measured: the carrier refuses the address after a read and the attempt record, two calls.</summary>
        public const double ShipOrderRefused = 2 * OneDynamoDbCall;

        /// <summary>Not measured: per batch of 10 messages, a put and a StartExecution each, 20 calls.</summary>
        public const double StartOrderSagaBatch = 20 * OneDynamoDbCall;
    }

    // One SendMessage from API Gateway, then one ReceiveMessage and one DeleteMessageBatch per batch of 10.
    private const double SqsRequestsPerOrder = 1 + 2 / SqsBatchSize;

    public static OrderUsage HappyPath { get; } = new(
        "happy path (COMPLETED)",
        ApiGatewayRequests: 2, // POST /orders and one GET /orders/{id}
        SqsRequests: SqsRequestsPerOrder,
        Lambdas:
        [
            new(StartOrderSaga, 1 / SqsBatchSize, MeasuredWarmMs.StartOrderSagaBatch),
            new(GetOrder, 1, MeasuredWarmMs.OneDynamoDbCall),
            new("ReserveInventory", 1, MeasuredWarmMs.ReserveInventory),
            new("ChargePayment", 1, MeasuredWarmMs.ChargePayment),
            new("ShipOrder", 1, MeasuredWarmMs.ShipOrder),
            new("RecordOrderStatus", 1, MeasuredWarmMs.OneDynamoDbCall),
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
            new(StartOrderSaga, 1 / SqsBatchSize, MeasuredWarmMs.StartOrderSagaBatch),
            new(GetOrder, 1, MeasuredWarmMs.OneDynamoDbCall),
            new("ReserveInventory", 1, MeasuredWarmMs.ReserveInventory),
            new("ChargePayment", 1, MeasuredWarmMs.ChargePayment),
            new("ShipOrder", 1, MeasuredWarmMs.ShipOrderRefused),
            new("RefundPayment", 1, MeasuredWarmMs.RefundPayment),
            new("ReleaseInventory", 1, MeasuredWarmMs.ReleaseInventory),
            new("RecordOrderStatus", 1, MeasuredWarmMs.OneDynamoDbCall),
        ],
        StateTransitions: CompensatedTransitions,
        // Order 1, reservation 4, charge 1, refund 1, release transaction 4, status 1.
        DynamoDbWriteUnits: 12,
        // Catalogue 1, GetOrder 0.5, idempotency reads in charge, ship, refund, release 2.
        DynamoDbReadUnits: 3.5,
        SnsPublishes: 1);
}
