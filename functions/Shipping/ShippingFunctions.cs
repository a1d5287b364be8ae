using ECommerce.Runtime;
using ECommerce.Shipping.Carrier;
using ECommerce.Shipping.Contract;
using ECommerce.Shipping.Storage;

namespace ECommerce.Shipping;

/// <summary>The Shipping function's handlers, by the names the state machine invokes.</summary>
public static class ShippingFunctions
{
    public const string ShipOrder = nameof(ShipOrder);
    public const string CancelShipment = nameof(CancelShipment);

    /// <summary>The registry both the Lambda executable and the local host dispatch through.</summary>
    public static LambdaHandlerRegistry CreateRegistry(IShipmentStore store, ICarrier carrier)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(carrier);
        var service = new ShippingService(store, carrier);
        var json = ShippingJsonContext.Default;
        return new LambdaHandlerRegistry()
            .Register(ShipOrder, () => json.ShipOrderRequest, () => json.ShipOrderResponse,
                (request, _, cancellationToken) => service.ShipAsync(request, cancellationToken))
            .Register(CancelShipment, () => json.CancelShipmentRequest, () => json.CancelShipmentResponse,
                (request, _, cancellationToken) => service.CancelAsync(request, cancellationToken));
    }
}
