using Amazon.DynamoDBv2;
using ECommerce.Runtime;
using ECommerce.Shipping;
using ECommerce.Shipping.Carrier;
using ECommerce.Shipping.Storage;

// Lambda custom runtime entry point (the AOT `bootstrap`): _HANDLER picks ShipOrder or CancelShipment.
// The simulated carrier is the only carrier wired here; a real one implements ICarrier.
var tableName = Environment.GetEnvironmentVariable("SHIPPING_TABLE")
    ?? throw new InvalidOperationException("SHIPPING_TABLE is not set.");
using var dynamoDb = new AmazonDynamoDBClient();
var registry = ShippingFunctions.CreateRegistry(new DynamoDbShipmentStore(dynamoDb, tableName), new SimulatedCarrier());
return await LambdaRuntime.RunAsync(registry);
