using System.Text.Json.Nodes;
using Amazon.Runtime;
using ECommerce.Inventory;
using ECommerce.LocalHost.Events;
using ECommerce.LocalHost.Functions;
using ECommerce.LocalHost.Queue;
using ECommerce.LocalHost.Template;
using ECommerce.LocalStores;
using ECommerce.Orders;
using ECommerce.Orders.Saga;
using ECommerce.Payments;
using ECommerce.Payments.Gateway;
using ECommerce.Runtime;
using ECommerce.Runtime.Events;
using ECommerce.Runtime.StepFunctions;
using ECommerce.Shipping;
using ECommerce.Shipping.Carrier;
using StatesLanguage.Integrations;
using StepFunctionsApi;
using StepFunctionsConsole;

namespace ECommerce.LocalHost;

/// <summary>The local runtime's parts, wired as template.yaml wires them on AWS.</summary>
public sealed class LocalServices : IDisposable
{
    public const string StateMachineName = "OrderSaga";
    public const string OrdersQueueName = "OrdersQueue";

    /// <summary>What GET /local/topics/messages can show per topic; older messages are dropped so memory stays flat.</summary>
    public const int MessagesKeptPerTopic = 10_000;

    private readonly SamTemplate _template;
    private readonly StepFunctionsClient _stepFunctionsClient;
    private readonly HttpMessageHandler _loopbackHandler;
    private readonly Uri _stepFunctionsEndpoint;

    private LocalServices(SamTemplate template, EmbeddedStores stores, SimulatedPaymentGateway paymentGateway, SimulatedCarrier carrier,
        LocalTopicStore topics, LocalFunctions functions, LocalStepFunctions stepFunctions, SqliteQueue ordersQueue, SqsEventSource orderEvents,
        StepFunctionsClient stepFunctionsClient, HttpMessageHandler loopbackHandler, Uri stepFunctionsEndpoint)
    {
        _loopbackHandler = loopbackHandler;
        _template = template;
        Stores = stores;
        PaymentGateway = paymentGateway;
        Carrier = carrier;
        Topics = topics;
        Functions = functions;
        StepFunctions = stepFunctions;
        OrdersQueue = ordersQueue;
        OrderEvents = orderEvents;
        _stepFunctionsClient = stepFunctionsClient;
        _stepFunctionsEndpoint = stepFunctionsEndpoint;
    }

    public EmbeddedStores Stores { get; }

    /// <summary>The simulated gateway: switch refunds off to see a compensation get stuck, and on again to redrive it.</summary>
    public SimulatedPaymentGateway PaymentGateway { get; }

    public SimulatedCarrier Carrier { get; }

    public LocalTopicStore Topics { get; }

    public LocalFunctions Functions { get; }

    public LocalStepFunctions StepFunctions { get; }

    public SqliteQueue OrdersQueue { get; }

    public SqsEventSource OrderEvents { get; }

    public string StateMachineArn => StepFunctions.StateMachineArn(StateMachineName);

    public static async Task<LocalServices> CreateAsync(LocalRuntimeOptions options, Uri stepFunctionsEndpoint, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.DataDirectory);
        var clock = TimeProvider.System;
        var template = SamTemplate.Load(Path.Combine(options.DeploymentDirectory, "template.yaml"));
        var stores = await EmbeddedStores.OpenAsync(options.DataDirectory, cancellationToken).ConfigureAwait(false);
        var topics = new LocalTopicStore(clock, maxMessagesPerTopic: MessagesKeptPerTopic);
        var paymentGateway = new SimulatedPaymentGateway(clock);
        var carrier = new SimulatedCarrier();
        var loopbackHandler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        };
        var stepFunctionsClient = new StepFunctionsClient(new StepFunctionsClientOptions
        {
            Endpoint = stepFunctionsEndpoint,
            // Loopback only: no proxy lookup, cookies or decompression, and connections kept for the host's lifetime.
            HttpHandler = loopbackHandler,
            Region = LocalAws.Region,
            // The local API accepts any SigV4 credentials; these sign requests exactly as real ones would.
            Credentials = new BasicAWSCredentials("local", "local"),
        });
        var stateMachineArn = $"arn:aws:states:{LocalAws.Region}:{LocalAws.AccountId}:stateMachine:{StateMachineName}";
        var orderLog = new LoggerTextWriter(loggers.CreateLogger("ECommerce.Orders"));
        var registries = new Dictionary<string, LambdaHandlerRegistry>(StringComparer.Ordinal)
        {
            ["Orders"] = OrdersFunctions.CreateRegistry(stores.Orders, new StepFunctionsExecutionStarter(stepFunctionsClient, stateMachineArn),
                new LocalTopicAlertPublisher(topics, SamTemplate.LocalTopicArn("OperationsAlertsTopic")), clock, orderLog),
            ["Inventory"] = InventoryFunctions.CreateRegistry(stores.Inventory, clock),
            ["Payments"] = PaymentsFunctions.CreateRegistry(stores.Payments, paymentGateway),
            ["Shipping"] = ShippingFunctions.CreateRegistry(stores.Shipments, carrier),
        };
        var functions = new LocalFunctions(template, registries, loggers.CreateLogger<LocalFunctions>());
        var stepFunctions = new LocalStepFunctions(new StepFunctionsApiOptions
        {
            DatabasePath = Path.Combine(options.DataDirectory, "stepfunctions.db"),
            LambdaInvoker = functions,
            Topics = topics,
            Clock = clock,
            Region = LocalAws.Region,
            AccountId = LocalAws.AccountId,
            Logger = loggers.CreateLogger<LocalStepFunctions>(),
            Observers = [new SagaStatusChangeRule(stateMachineArn, registries["Orders"], loggers.CreateLogger<SagaStatusChangeRule>())],
        });
        var ordersQueue = new SqliteQueue(Path.Combine(options.DataDirectory, "queue.db"), OrdersQueueName,
            new QueueOptions { VisibilityTimeout = options.VisibilityTimeout, MaxReceiveCount = options.MaxReceiveCount }, clock);
        var orphaned = await ordersQueue.ReleaseInFlightAsync(cancellationToken).ConfigureAwait(false);
        if (orphaned > 0)
        {
            loggers.CreateLogger<LocalServices>().LogInformation(
                "{Count} orders a previous run had received but not finished are queued again", orphaned);
        }
        var orders = registries["Orders"];
        var orderEvents = new SqsEventSource(ordersQueue, async (sqsEvent, ct) =>
        {
            var payload = System.Text.Json.JsonSerializer.Serialize(sqsEvent, RuntimeJsonContext.Default.SqsEvent);
            var response = await orders.InvokeAsync(OrdersFunctions.StartOrderSaga, payload,
                LambdaContext.ForLocalInvocation("StartOrderSagaFunction", TimeSpan.FromSeconds(30)), ct).ConfigureAwait(false);
            return System.Text.Json.JsonSerializer.Deserialize(response, RuntimeJsonContext.Default.SqsBatchResponse)!;
        }, loggers.CreateLogger<SqsEventSource>(), concurrency: options.QueuePollers);
        return new LocalServices(template, stores, paymentGateway, carrier, topics, functions, stepFunctions, ordersQueue, orderEvents,
            stepFunctionsClient, loopbackHandler, stepFunctionsEndpoint);
    }

    /// <summary>
    /// Creates the saga's state machine from the template's DefinitionUri with its substitutions resolved to the local
    /// functions and topic, or updates it when the definition changed since the last run.
    /// </summary>
    public async Task DeployStateMachineAsync(CancellationToken cancellationToken)
    {
        var definition = _template.Substitute(File.ReadAllText(Path.Combine(Path.GetDirectoryName(_template.Path)!, _template.DefinitionUri)));
        var api = new StepFunctionsReader(new HttpClient { BaseAddress = _stepFunctionsEndpoint });
        try
        {
            await api.CallAsync("CreateStateMachine", new JsonObject
            {
                ["name"] = StateMachineName,
                ["definition"] = definition,
                ["roleArn"] = $"arn:aws:iam::{LocalAws.AccountId}:role/OrderSagaStateMachineRole",
                ["type"] = "STANDARD",
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (StepFunctionsCallException exception) when (exception.ErrorType == "StateMachineAlreadyExists")
        {
            await api.CallAsync("UpdateStateMachine", new JsonObject { ["stateMachineArn"] = StateMachineArn, ["definition"] = definition },
                cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        StepFunctions.Dispose();
        _stepFunctionsClient.Dispose();
        _loopbackHandler.Dispose();
        OrdersQueue.Dispose();
        Stores.Dispose();
    }
}
