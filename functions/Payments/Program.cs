using Amazon.DynamoDBv2;
using ECommerce.Payments;
using ECommerce.Payments.Gateway;
using ECommerce.Payments.Storage;
using ECommerce.Runtime;

// Lambda custom runtime entry point (the AOT `bootstrap`): _HANDLER picks ChargePayment or RefundPayment.
// The simulated gateway is the only provider wired here; a real one implements IPaymentGateway.
var tableName = Environment.GetEnvironmentVariable("PAYMENTS_TABLE")
    ?? throw new InvalidOperationException("PAYMENTS_TABLE is not set.");
using var dynamoDb = new AmazonDynamoDBClient();
var registry = PaymentsFunctions.CreateRegistry(
    new DynamoDbPaymentStore(dynamoDb, tableName), new SimulatedPaymentGateway(TimeProvider.System));
return await LambdaRuntime.RunAsync(registry);
