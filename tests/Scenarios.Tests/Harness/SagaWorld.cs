using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ECommerce.Inventory;
using ECommerce.Inventory.Catalogue;
using ECommerce.Inventory.Domain;
using ECommerce.Inventory.Storage;
using ECommerce.Orders;
using ECommerce.Orders.Contract;
using ECommerce.Orders.Domain;
using ECommerce.Orders.Storage;
using ECommerce.Payments;
using ECommerce.Payments.Domain;
using ECommerce.Payments.Gateway;
using ECommerce.Payments.Storage;
using ECommerce.Runtime;
using ECommerce.Runtime.Events;
using ECommerce.Shipping;
using ECommerce.Shipping.Carrier;
using ECommerce.Shipping.Domain;
using ECommerce.Shipping.Storage;
using Scenarios.Tests.Faults;
using StatesLanguage.Runtime;

namespace Scenarios.Tests.Harness;

/// <summary>
/// The whole saga in one process, as the local host wires it but on in-memory stores and a virtual clock: the real
/// handlers of the four services behind <see cref="InProcessFunctions"/>, faults injected through their ports
/// (<see cref="Faults"/>) and around their invocations (<see cref="Deliveries"/>), the order intake fed like the SQS
/// event source does, and the EventBridge rule that sends failed executions to RecordFailedExecution.
/// </summary>
public sealed class SagaWorld
{
    public static readonly DateTimeOffset Epoch = DateTimeOffset.Parse("2026-11-23T12:00:00Z", CultureInfo.InvariantCulture);

    private readonly InMemoryInventoryStore _inventory = new();
    private readonly InMemoryPaymentStore _payments = new();
    private readonly InMemoryShipmentStore _shipments = new();
    private readonly InMemoryOrderStore _orders = new();
    private readonly LambdaHandlerRegistry _ordersRegistry;
    private readonly FailedExecutionRule _failedExecutionRule;
    private int _messages;

    private SagaWorld(string definition)
    {
        Faults.Clock = Clock;
        var clock = Clock;
        var inventory = InventoryFunctions.CreateRegistry(new FaultyInventoryStore(_inventory, Faults), clock);
        var payments = PaymentsFunctions.CreateRegistry(_payments,
            new FaultyPaymentGateway(new RecordingPaymentGateway(Gateway, Ledger), Faults));
        var shipping = ShippingFunctions.CreateRegistry(_shipments, new FaultyCarrier(new RecordingCarrier(Carrier, Ledger), Faults));
        _ordersRegistry = OrdersFunctions.CreateRegistry(new FaultyOrderStore(_orders, Faults), new EngineExecutionStarter(this), Alerts, clock, TextWriter.Null);
        Functions = new InProcessFunctions([inventory, payments, shipping, _ordersRegistry], clock, Deliveries);
        _failedExecutionRule = new FailedExecutionRule(_ordersRegistry, clock);
        Engine = new StepFunctionsEngine(new EngineOptions
        {
            Clock = clock,
            LambdaInvoker = Functions,
            Region = OrderSaga.Region,
            AccountId = OrderSaga.AccountId,
            Observers = [_failedExecutionRule],
        });
        Machine = Engine.CreateStateMachine("OrderSaga", definition);
    }

    public VirtualClock Clock { get; } = new(Epoch);

    public FaultPlan Faults { get; } = new();

    public DeliveryPlan Deliveries { get; } = new();

    public ProviderLedger Ledger { get; } = new();

    /// <summary>
    /// The simulated provider. Its <c>tok_slow_N</c> delay runs on real time: on the virtual clock it would wait for
    /// the engine, which never advances time while a task is running.
    /// </summary>
    public SimulatedPaymentGateway Gateway { get; } = new(TimeProvider.System);

    public SimulatedCarrier Carrier { get; } = new();

    public RecordingAlertPublisher Alerts { get; } = new();

    public InProcessFunctions Functions { get; }

    public StepFunctionsEngine Engine { get; }

    public StateMachine Machine { get; }

    /// <summary>
    /// A world running <paramref name="definition"/> (default: statemachines/order-saga.asl.json with the test
    /// substitutions), its catalogue seeded; <paramref name="stockPerSku"/> overrides SKU-1..SKU-5's stock of 100.
    /// </summary>
    public static async Task<SagaWorld> CreateAsync(string? definition = null, int? stockPerSku = null)
    {
        var world = new SagaWorld(definition ?? OrderSaga.Definition());
        foreach (var sku in CatalogueSeed.Load())
        {
            var stock = stockPerSku is { } custom && sku.Stock > 0 ? custom : sku.Stock;
            await world._inventory.AddSkuIfMissingAsync(sku with { Stock = stock }, CancellationToken.None);
        }

        return world;
    }

    /// <summary>The client's POST /orders body.</summary>
    public static string OrderBody(string token = "tok_visa", string country = "US", string postalCode = "12345", params (string Sku, int Quantity)[] lines) =>
        new JsonObject
        {
            ["customerId"] = "c-1",
            ["lines"] = new JsonArray([.. (lines.Length == 0 ? [("SKU-1", 2)] : lines)
                .Select(line => (JsonNode)new JsonObject { ["sku"] = line.Sku, ["quantity"] = line.Quantity })]),
            ["payment"] = new JsonObject { ["token"] = token },
            ["shipping"] = new JsonObject
            {
                ["name"] = "A B", ["line1"] = "1 Main St", ["city"] = "Springfield", ["postalCode"] = postalCode, ["country"] = country,
            },
        }.ToJsonString();

    public string ExecutionArnOf(string orderId) => $"arn:aws:states:{OrderSaga.Region}:{OrderSaga.AccountId}:execution:{Machine.Name}:{orderId}";

    public Execution? ExecutionOf(string orderId) => Engine.GetExecution(ExecutionArnOf(orderId));

    /// <summary>
    /// Delivers the order as the SQS event source does (body = the POST body, attribute orderId), redelivering up to
    /// three times when StartOrderSaga reports the message as a batch item failure. True when the intake accepted it.
    /// </summary>
    public async Task<bool> SubmitAsync(string orderId, string body)
    {
        var message = new SqsMessage
        {
            MessageId = "msg-" + Interlocked.Increment(ref _messages).ToString(CultureInfo.InvariantCulture),
            Body = body,
            MessageAttributes = new Dictionary<string, SqsMessageAttribute>
            {
                ["orderId"] = new() { StringValue = orderId, DataType = "String" },
            },
        };
        var payload = JsonSerializer.Serialize(new SqsEvent([message]), RuntimeJsonContext.Default.SqsEvent);
        for (var delivery = 0; delivery < 4; delivery++)
        {
            var response = await _ordersRegistry.InvokeAsync(OrdersFunctions.StartOrderSaga, payload,
                LambdaContext.ForLocalInvocation("StartOrderSagaFunction", TimeSpan.FromSeconds(30), Clock), CancellationToken.None);
            if (JsonSerializer.Deserialize(response, RuntimeJsonContext.Default.SqsBatchResponse)!.BatchItemFailures.Count == 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Submits the order and waits for its execution and for the failed-execution rule, if it fired.</summary>
    public async Task<ExecutionResult> RunAsync(string orderId, string body)
    {
        Assert.True(await SubmitAsync(orderId, body), $"StartOrderSaga kept failing order {orderId}");
        var result = await WaitAsync(orderId);
        await _failedExecutionRule.DrainAsync();
        return result;
    }

    public Task<ExecutionResult> WaitAsync(string orderId) =>
        (ExecutionOf(orderId) ?? throw new InvalidOperationException($"Order {orderId} has no execution."))
            .WaitForCompletionAsync(TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

    /// <summary>Waits for every execution to end and every failed-execution event to be delivered.</summary>
    public async Task SettleAsync()
    {
        await Task.WhenAll(Engine.Executions.Select(e => e.WaitForCompletionAsync(TestContext.Current.CancellationToken)))
            .WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        await _failedExecutionRule.DrainAsync();
    }

    /// <summary>RedriveExecution of the order's execution, then waits for it to end again.</summary>
    public async Task<ExecutionResult> RedriveAsync(string orderId)
    {
        Engine.RedriveExecution(ExecutionArnOf(orderId));
        var result = await WaitAsync(orderId);
        await _failedExecutionRule.DrainAsync();
        return result;
    }

    public Task<Order?> OrderAsync(string orderId) => _orders.GetAsync(orderId, CancellationToken.None);

    public async Task<SkuStock> SkuAsync(string sku) => (await _inventory.GetSkusAsync([sku], CancellationToken.None))[sku];

    public Task<Reservation?> ReservationAsync(string orderId) => _inventory.GetReservationAsync(orderId, CancellationToken.None);

    public Task<ChargeRecord?> ChargeAsync(string orderId) => _payments.GetAsync(orderId, CancellationToken.None);

    public Task<ShipmentRecord?> ShipmentAsync(string orderId) => _shipments.GetAsync(orderId, CancellationToken.None);

    /// <summary>StartExecution on this world's engine, as the starter's client does on AWS (a repeat counts as started).</summary>
    private sealed class EngineExecutionStarter(SagaWorld world) : IExecutionStarter
    {
        public async Task<string> StartAsync(string orderId, string inputJson, CancellationToken cancellationToken)
        {
            try
            {
                var execution = await world.Engine.StartExecutionAsync(world.Machine, inputJson, orderId);
                return execution.ExecutionArn;
            }
            catch (StepFunctionsApiException exception) when (exception.ErrorCode == "ExecutionAlreadyExists")
            {
                return world.ExecutionArnOf(orderId);
            }
        }
    }
}

/// <summary>Collects the "order needs attention" alerts RecordFailedExecution publishes.</summary>
public sealed class RecordingAlertPublisher : IAlertPublisher
{
    private readonly ConcurrentQueue<OrderNeedsAttentionAlert> _alerts = new();

    public IReadOnlyCollection<OrderNeedsAttentionAlert> Published => _alerts;

    public Task PublishAsync(OrderNeedsAttentionAlert alert, CancellationToken cancellationToken)
    {
        _alerts.Enqueue(alert);
        return Task.CompletedTask;
    }
}

/// <summary>
/// The template's EventBridge rule: an execution that ends FAILED, TIMED_OUT or ABORTED is delivered to
/// RecordFailedExecution, retried as the rule's RetryPolicy says (MaximumRetryAttempts: 185 over 24 hours). The
/// retries come one after another: the faults here fail a number of calls, not a length of time.
/// </summary>
internal sealed class FailedExecutionRule(LambdaHandlerRegistry orders, TimeProvider clock) : IExecutionObserver
{
    private const int MaximumRetryAttempts = 185;

    private readonly ConcurrentQueue<Task> _deliveries = new();

    public void OnHistoryEvent(ExecutionInfo execution, HistoryEvent historyEvent)
    {
    }

    public void OnExecutionStatusChange(ExecutionStatusChange statusChange)
    {
        if (statusChange.Execution.Status is ExecutionStatus.FAILED or ExecutionStatus.TIMED_OUT or ExecutionStatus.ABORTED)
        {
            _deliveries.Enqueue(DeliverAsync(statusChange.ToEventBridgeJson().ToJsonString()));
        }
    }

    public async Task DrainAsync()
    {
        while (_deliveries.TryDequeue(out var delivery))
        {
            await delivery;
        }
    }

    private async Task DeliverAsync(string payload)
    {
        await Task.Yield();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await orders.InvokeAsync(OrdersFunctions.RecordFailedExecution, payload,
                    LambdaContext.ForLocalInvocation("RecordFailedExecutionFunction", TimeSpan.FromSeconds(10), clock), CancellationToken.None);
                return;
            }
            catch (FunctionErrorException) when (attempt <= MaximumRetryAttempts)
            {
            }
            catch (FunctionErrorException)
            {
                return;
            }
        }
    }
}
