using Amazon.DynamoDBv2;
using ECommerce.Inventory;
using ECommerce.Inventory.Storage;
using ECommerce.Runtime;

// Lambda custom runtime entry point (the AOT `bootstrap`): _HANDLER picks ReserveInventory or ReleaseInventory.
var tableName = Environment.GetEnvironmentVariable("INVENTORY_TABLE")
    ?? throw new InvalidOperationException("INVENTORY_TABLE is not set.");
using var dynamoDb = new AmazonDynamoDBClient();
var registry = InventoryFunctions.CreateRegistry(new DynamoDbInventoryStore(dynamoDb, tableName), TimeProvider.System);
return await LambdaRuntime.RunAsync(registry);
