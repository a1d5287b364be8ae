using System.Collections.Concurrent;
using ECommerce.Payments.Gateway;
using ECommerce.Shipping.Carrier;

namespace Scenarios.Tests.Harness;

/// <summary>
/// What the outside world saw, per order: charges and refunds the payment provider completed, shipments the carrier
/// created and cancelled. The money and goods invariants are checked against this, not against our own tables.
/// </summary>
public sealed class ProviderLedger
{
    private readonly ConcurrentDictionary<string, OrderLedger> _orders = new(StringComparer.Ordinal);

    public OrderLedger For(string orderId) => _orders.GetOrAdd(orderId, _ => new OrderLedger());
}

/// <summary>One order's completed provider calls: one id per successful call, repeats included.</summary>
public sealed class OrderLedger
{
    private readonly Lock _gate = new();
    private readonly List<string> _charges = [];
    private readonly List<string> _refunds = [];
    private readonly List<string> _shipments = [];
    private readonly List<string> _cancelledShipments = [];

    public IReadOnlyList<string> Charges => Snapshot(_charges);

    public IReadOnlyList<string> Refunds => Snapshot(_refunds);

    public IReadOnlyList<string> Shipments => Snapshot(_shipments);

    public IReadOnlyList<string> CancelledShipments => Snapshot(_cancelledShipments);

    /// <summary>Money held for the order: a distinct charge not matched by a refund.</summary>
    public bool HoldsMoney => Charges.Distinct().Count() > Refunds.Distinct().Count();

    /// <summary>Goods on their way: a shipment that was not cancelled.</summary>
    public bool GoodsShipped => Shipments.Distinct().Except(CancelledShipments).Any();

    internal void Charged(string chargeId) => Add(_charges, chargeId);

    internal void Refunded(string refundId) => Add(_refunds, refundId);

    internal void Shipped(string shipmentId) => Add(_shipments, shipmentId);

    internal void ShipmentCancelled(string shipmentId) => Add(_cancelledShipments, shipmentId);

    private void Add(List<string> list, string id)
    {
        lock (_gate)
        {
            list.Add(id);
        }
    }

    private List<string> Snapshot(List<string> list)
    {
        lock (_gate)
        {
            return [.. list];
        }
    }
}

/// <summary>Records each charge and refund the provider completed.</summary>
public sealed class RecordingPaymentGateway(IPaymentGateway inner, ProviderLedger ledger) : IPaymentGateway
{
    public async Task<GatewayCharge> ChargeAsync(GatewayChargeRequest request, CancellationToken cancellationToken)
    {
        var charge = await inner.ChargeAsync(request, cancellationToken).ConfigureAwait(false);
        ledger.For(request.OrderId).Charged(charge.ChargeId);
        return charge;
    }

    public async Task<GatewayRefund> RefundAsync(GatewayRefundRequest request, CancellationToken cancellationToken)
    {
        var refund = await inner.RefundAsync(request, cancellationToken).ConfigureAwait(false);
        ledger.For(request.OrderId).Refunded(refund.RefundId);
        return refund;
    }
}

/// <summary>Records each shipment and cancellation the carrier completed.</summary>
public sealed class RecordingCarrier(ICarrier inner, ProviderLedger ledger) : ICarrier
{
    public async Task<CarrierShipment> CreateShipmentAsync(CarrierShipmentRequest request, CancellationToken cancellationToken)
    {
        var shipment = await inner.CreateShipmentAsync(request, cancellationToken).ConfigureAwait(false);
        ledger.For(request.OrderId).Shipped(shipment.ShipmentId);
        return shipment;
    }

    public async Task CancelShipmentAsync(string orderId, string shipmentId, CancellationToken cancellationToken)
    {
        await inner.CancelShipmentAsync(orderId, shipmentId, cancellationToken).ConfigureAwait(false);
        ledger.For(orderId).ShipmentCancelled(shipmentId);
    }
}
