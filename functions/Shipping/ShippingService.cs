using ECommerce.Shipping.Carrier;
using ECommerce.Shipping.Contract;
using ECommerce.Shipping.Domain;
using ECommerce.Shipping.Storage;

namespace ECommerce.Shipping;

/// <summary>Ships and cancels an order's shipment with the carrier; both are idempotent by order id.</summary>
public sealed class ShippingService(IShipmentStore store, ICarrier carrier)
{
    public async Task<ShipOrderResponse> ShipAsync(ShipOrderRequest request, CancellationToken cancellationToken)
    {
        ShippingRequestRules.Validate(request);

        // A shipped order answers with its first shipment and never reaches the carrier again.
        var existing = await store.GetAsync(request.OrderId, cancellationToken).ConfigureAwait(false);
        if (existing is { ShipmentId: not null })
        {
            return ToResponse(existing);
        }

        var attempt = await store.TryRecordAttemptAsync(request.OrderId, cancellationToken).ConfigureAwait(false);
        if (attempt is null)
        {
            var shipped = await store.GetAsync(request.OrderId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Shipment record of order {request.OrderId} vanished.");
            return ToResponse(shipped);
        }

        var shipment = await carrier.CreateShipmentAsync(
            new CarrierShipmentRequest(request.OrderId, request.Lines, request.Shipping, attempt.Value), cancellationToken)
            .ConfigureAwait(false);
        var record = await store.RecordShipmentAsync(request.OrderId, shipment, cancellationToken).ConfigureAwait(false);
        return ToResponse(record);
    }

    public async Task<CancelShipmentResponse> CancelAsync(CancelShipmentRequest request, CancellationToken cancellationToken)
    {
        ShippingRequestRules.ValidateOrderId(request.OrderId);
        var record = await store.GetAsync(request.OrderId, cancellationToken).ConfigureAwait(false);
        switch (record)
        {
            case null or { Status: ShipmentStatus.Attempted }:
                return new CancelShipmentResponse(request.OrderId, Cancelled: false);
            case { Status: ShipmentStatus.Cancelled }:
                return new CancelShipmentResponse(request.OrderId, Cancelled: true);
        }

        await carrier.CancelShipmentAsync(request.OrderId, record.ShipmentId!, cancellationToken).ConfigureAwait(false);
        await store.RecordCancellationAsync(request.OrderId, cancellationToken).ConfigureAwait(false);
        return new CancelShipmentResponse(request.OrderId, Cancelled: true);
    }

    private static ShipOrderResponse ToResponse(ShipmentRecord record) =>
        new(record.OrderId, record.ShipmentId!, record.Carrier!, record.TrackingNumber!);
}
