using System.Text.Json;
using ECommerce.Runtime;
using ECommerce.Shipping.Carrier;
using ECommerce.Shipping.Storage;

namespace ECommerce.Shipping.Tests;

public sealed class ShippingFunctionsTests
{
    private static readonly LambdaContext Context = LambdaContext.ForLocalInvocation("Shipping", TimeSpan.FromSeconds(30));
    private readonly LambdaHandlerRegistry _registry = ShippingFunctions.CreateRegistry(new InMemoryShipmentStore(), new SimulatedCarrier());

    private Task<string> Invoke(string handler, string payload) =>
        _registry.InvokeAsync(handler, payload, Context, TestContext.Current.CancellationToken);

    private static string ShipPayload(string country = "US", string postalCode = "12345") =>
        $$$"""
        {"orderId":"o-1","lines":[{"sku":"SKU-1","quantity":2}],
         "shipping":{"name":"A B","line1":"1 Main St","city":"Springfield","postalCode":"{{{postalCode}}}","country":"{{{country}}}"}}
        """;

    [Fact]
    public void CreateRegistry_RegistersBothHandlersByContractName() =>
        Assert.Equal(["CancelShipment", "ShipOrder"], _registry.HandlerNames.Order(StringComparer.Ordinal));

    [Fact]
    public async Task ShipOrder_ContractJsonWithoutOptionalAddressParts_AnswersCamelCaseContractJson()
    {
        var output = await Invoke("ShipOrder", ShipPayload());

        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        Assert.Equal("o-1", root.GetProperty("orderId").GetString());
        Assert.StartsWith("shp_", root.GetProperty("shipmentId").GetString(), StringComparison.Ordinal);
        Assert.Equal("SIMULATED", root.GetProperty("carrier").GetString());
        Assert.StartsWith("SIM", root.GetProperty("trackingNumber").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelShipment_ContractJson_AnswersCancelledFlag()
    {
        Assert.Equal("""{"orderId":"o-1","cancelled":false}""", await Invoke("CancelShipment", """{"orderId":"o-1"}"""));
        await Invoke("ShipOrder", ShipPayload());
        Assert.Equal("""{"orderId":"o-1","cancelled":true}""", await Invoke("CancelShipment", """{"orderId":"o-1"}"""));
    }

    [Theory]
    [InlineData("AQ", "12345", "AddressUnserviceable")]
    [InlineData("US", "OUTAGE-1", "CarrierUnavailable")]
    public async Task ShipOrder_Failure_ReportsContractErrorType(string country, string postalCode, string errorType)
    {
        var error = await Assert.ThrowsAnyAsync<FunctionErrorException>(() => Invoke("ShipOrder", ShipPayload(country, postalCode)));

        Assert.Equal(errorType, LambdaError.FromException(error).ErrorType);
    }

    [Fact]
    public async Task ShipOrder_PayloadWithoutShipping_IsRefusedAsSerializationError()
    {
        var error = await Assert.ThrowsAnyAsync<FunctionErrorException>(
            () => Invoke("ShipOrder", """{"orderId":"o-1","lines":[{"sku":"SKU-1","quantity":2}]}"""));

        Assert.Equal(LambdaHandlerRegistry.SerializationErrorType, error.ErrorType);
    }
}
