using Amazon.DynamoDBv2;
using ECommerce.Orders;
using ECommerce.Orders.Saga;
using ECommerce.Orders.Storage;
using ECommerce.Runtime;
using ECommerce.Runtime.StepFunctions;

// One executable serves every Orders handler; Lambda's _HANDLER picks which.
static string Required(string name) =>
    Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"Environment variable {name} is not set.");

using var dynamoDb = new AmazonDynamoDBClient();
using var stepFunctions = StepFunctionsClient.FromEnvironment();
var registry = OrdersFunctions.CreateRegistry(
    new DynamoDbOrderStore(dynamoDb, Required("ORDERS_TABLE")),
    // Only StartOrderSaga needs the state machine; the starter reports a missing ARN when it is used.
    new StepFunctionsExecutionStarter(stepFunctions, Environment.GetEnvironmentVariable("STATE_MACHINE_ARN") ?? string.Empty),
    TimeProvider.System);
return await LambdaRuntime.RunAsync(registry);
