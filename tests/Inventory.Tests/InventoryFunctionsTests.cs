using System.Text.Json;
using ECommerce.Inventory.Catalogue;
using ECommerce.Inventory.Storage;
using ECommerce.Runtime;

namespace ECommerce.Inventory.Tests;

public sealed class InventoryFunctionsTests
{
    private static readonly LambdaContext Context = LambdaContext.ForLocalInvocation("Inventory", TimeSpan.FromSeconds(30));

    private static async Task<LambdaHandlerRegistry> SeededRegistry()
    {
        var store = new InMemoryInventoryStore();
        await CatalogueSeed.SeedAsync(store, TestContext.Current.CancellationToken);
        return InventoryFunctions.CreateRegistry(store, TimeProvider.System);
    }

    [Fact]
    public async Task CreateRegistry_RegistersBothHandlersByContractName()
    {
        var registry = await SeededRegistry();

        Assert.Equal(["ReleaseInventory", "ReserveInventory"], registry.HandlerNames.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ReserveInventory_ContractJson_AnswersCamelCaseContractJson()
    {
        var registry = await SeededRegistry();

        var output = await registry.InvokeAsync(
            "ReserveInventory",
            """{"orderId":"o-1","lines":[{"sku":"SKU-1","quantity":2},{"sku":"SKU-5","quantity":4}]}""",
            Context,
            TestContext.Current.CancellationToken);

        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        Assert.Equal("o-1", root.GetProperty("orderId").GetString());
        Assert.Equal((2 * 1999) + (4 * 75), root.GetProperty("totalAmount").GetInt64());
        Assert.Equal("USD", root.GetProperty("currency").GetString());
        var line = root.GetProperty("lines")[0];
        Assert.Equal("SKU-1", line.GetProperty("sku").GetString());
        Assert.Equal(2, line.GetProperty("quantity").GetInt32());
        Assert.Equal(1999, line.GetProperty("unitPrice").GetInt64());
    }

    [Fact]
    public async Task ReleaseInventory_ContractJson_AnswersReleasedFlag()
    {
        var registry = await SeededRegistry();
        await registry.InvokeAsync("ReserveInventory", """{"orderId":"o-1","lines":[{"sku":"SKU-1","quantity":1}]}""", Context,
            TestContext.Current.CancellationToken);

        var released = await registry.InvokeAsync("ReleaseInventory", """{"orderId":"o-1"}""", Context, TestContext.Current.CancellationToken);
        var nothing = await registry.InvokeAsync("ReleaseInventory", """{"orderId":"o-2"}""", Context, TestContext.Current.CancellationToken);

        Assert.Equal("""{"orderId":"o-1","released":true}""", released);
        Assert.Equal("""{"orderId":"o-2","released":false}""", nothing);
    }

    [Theory]
    [InlineData("""{"orderId":"o-1","lines":[{"sku":"SKU-OUT","quantity":1}]}""", "InsufficientStock")]
    [InlineData("""{"orderId":"o-1","lines":[{"sku":"SKU-X","quantity":1}]}""", "UnknownSku")]
    [InlineData("""{"orderId":"o 1","lines":[{"sku":"SKU-1","quantity":1}]}""", "InvalidRequest")]
    public async Task ReserveInventory_BusinessFailure_ReportsContractErrorType(string payload, string errorType)
    {
        var registry = await SeededRegistry();

        var error = await Assert.ThrowsAnyAsync<FunctionErrorException>(
            () => registry.InvokeAsync("ReserveInventory", payload, Context, TestContext.Current.CancellationToken));

        Assert.Equal(errorType, LambdaError.FromException(error).ErrorType);
    }

    [Theory]
    [InlineData("""{"orderId":"o-1"}""")]
    [InlineData("""{"orderId":"o-1","lines":null}""")]
    [InlineData("""{"lines":[{"sku":"SKU-1","quantity":1}]}""")]
    public async Task ReserveInventory_PayloadMissingFields_IsRefusedAsSerializationError(string payload)
    {
        var registry = await SeededRegistry();

        var error = await Assert.ThrowsAnyAsync<FunctionErrorException>(
            () => registry.InvokeAsync("ReserveInventory", payload, Context, TestContext.Current.CancellationToken));

        Assert.Equal(LambdaHandlerRegistry.SerializationErrorType, error.ErrorType);
    }
}
