using Amazon.DynamoDBv2;
using ECommerce.Orders;
using ECommerce.Orders.Alerts;
using ECommerce.Orders.Saga;
using ECommerce.Orders.Storage;
using ECommerce.Runtime;
using ECommerce.Runtime.Sns;
using ECommerce.Runtime.StepFunctions;

// One executable serves every Orders handler; Lambda's _HANDLER picks which.
static string Required(string name) =>
    Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"Environment variable {name} is not set.");

static string Optional(string name) => Environment.GetEnvironmentVariable(name) ?? string.Empty;

using var dynamoDb = new AmazonDynamoDBClient();
using var stepFunctions = StepFunctionsClient.FromEnvironment();
using var sns = SnsClient.FromEnvironment();
var registry = OrdersFunctions.CreateRegistry(
    new DynamoDbOrderStore(dynamoDb, Required("ORDERS_TABLE")),
    // Only StartOrderSaga needs the state machine and only RecordFailedExecution the alerts topic; each adapter
    // reports its missing setting when it is used.
    new StepFunctionsExecutionStarter(stepFunctions, Optional("STATE_MACHINE_ARN")),
    new SnsAlertPublisher(sns, Optional("ALERTS_TOPIC_ARN")),
    TimeProvider.System);
return await LambdaRuntime.RunAsync(registry);
