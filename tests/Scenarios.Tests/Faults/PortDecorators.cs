using ECommerce.Inventory.Domain;
using ECommerce.Inventory.Storage;
using ECommerce.Orders.Domain;
using ECommerce.Payments.Domain;
using ECommerce.Payments.Gateway;
using ECommerce.Shipping.Carrier;
using ECommerce.Shipping.Domain;

namespace Scenarios.Tests.Faults;

/// <summary>The inventory table, failing reservations and releases as the plan says (InventoryUnavailable).</summary>
public sealed class FaultyInventoryStore(IInventoryStore inner, FaultPlan plan) : IInventoryStore
{
    private static InventoryUnavailableException Unavailable(string message) => new(message);

    public Task<IReadOnlyDictionary<string, SkuStock>> GetSkusAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken) =>
        inner.GetSkusAsync(skus, cancellationToken);

    public Task<Reservation?> GetReservationAsync(string orderId, CancellationToken cancellationToken) =>
        inner.GetReservationAsync(orderId, cancellationToken);

    public async Task<Reservation> ReserveAsync(Reservation reservation, CancellationToken cancellationToken)
    {
        await plan.ApplyAsync(Port.Reserve, reservation.OrderId, Unavailable, cancellationToken).ConfigureAwait(false);
        return await inner.ReserveAsync(reservation, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ReleaseOutcome> ReleaseAsync(string orderId, CancellationToken cancellationToken)
    {
        await plan.ApplyAsync(Port.Release, orderId, Unavailable, cancellationToken).ConfigureAwait(false);
        return await inner.ReleaseAsync(orderId, cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> AddSkuIfMissingAsync(SkuStock sku, CancellationToken cancellationToken) => inner.AddSkuIfMissingAsync(sku, cancellationToken);
}

/// <summary>The payment provider, failing charges and refunds as the plan says (PaymentGatewayUnavailable).</summary>
public sealed class FaultyPaymentGateway(IPaymentGateway inner, FaultPlan plan) : IPaymentGateway
{
    private static PaymentGatewayUnavailableException Unavailable(string message) => new(message);

    public async Task<GatewayCharge> ChargeAsync(GatewayChargeRequest request, CancellationToken cancellationToken)
    {
        await plan.ApplyAsync(Port.Charge, request.OrderId, Unavailable, cancellationToken).ConfigureAwait(false);
        return await inner.ChargeAsync(request, cancellationToken).ConfigureAwait(false);
    }

    public async Task<GatewayRefund> RefundAsync(GatewayRefundRequest request, CancellationToken cancellationToken)
    {
        await plan.ApplyAsync(Port.Refund, request.OrderId, Unavailable, cancellationToken).ConfigureAwait(false);
        return await inner.RefundAsync(request, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>The carrier, failing shipments and cancellations as the plan says (CarrierUnavailable).</summary>
public sealed class FaultyCarrier(ICarrier inner, FaultPlan plan) : ICarrier
{
    private static CarrierUnavailableException Unavailable(string message) => new(message);

    public async Task<CarrierShipment> CreateShipmentAsync(CarrierShipmentRequest request, CancellationToken cancellationToken)
    {
        await plan.ApplyAsync(Port.Ship, request.OrderId, Unavailable, cancellationToken).ConfigureAwait(false);
        return await inner.CreateShipmentAsync(request, cancellationToken).ConfigureAwait(false);
    }

    public async Task CancelShipmentAsync(string orderId, string shipmentId, CancellationToken cancellationToken)
    {
        await plan.ApplyAsync(Port.CancelShipment, orderId, Unavailable, cancellationToken).ConfigureAwait(false);
        await inner.CancelShipmentAsync(orderId, shipmentId, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>The orders table, failing status writes as the plan says (OrdersUnavailable).</summary>
public sealed class FaultyOrderStore(IOrderStore inner, FaultPlan plan) : IOrderStore
{
    private static DependencyUnavailableException Unavailable(string message) => new(DependencyUnavailableException.OrdersUnavailable, message);

    public Task<bool> TryCreateAsync(Order order, CancellationToken cancellationToken) => inner.TryCreateAsync(order, cancellationToken);

    public Task<Order?> GetAsync(string orderId, CancellationToken cancellationToken) => inner.GetAsync(orderId, cancellationToken);

    public Task<bool> SetExecutionArnAsync(string orderId, string executionArn, DateTimeOffset updatedAt, CancellationToken cancellationToken) =>
        inner.SetExecutionArnAsync(orderId, executionArn, updatedAt, cancellationToken);

    public async Task<bool> TryChangeStatusAsync(OrderStatusChange change, string expectedStatus, CancellationToken cancellationToken)
    {
        await plan.ApplyAsync(Port.RecordStatus, change.OrderId, Unavailable, cancellationToken).ConfigureAwait(false);
        return await inner.TryChangeStatusAsync(change, expectedStatus, cancellationToken).ConfigureAwait(false);
    }
}
