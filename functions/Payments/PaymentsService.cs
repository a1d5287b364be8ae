using ECommerce.Payments.Contract;
using ECommerce.Payments.Domain;
using ECommerce.Payments.Gateway;
using ECommerce.Payments.Storage;

namespace ECommerce.Payments;

/// <summary>Charges and refunds an order through the gateway; both are idempotent by order id.</summary>
public sealed class PaymentsService(IPaymentStore store, IPaymentGateway gateway)
{
    public async Task<ChargePaymentResponse> ChargeAsync(ChargePaymentRequest request, CancellationToken cancellationToken)
    {
        PaymentRequestRules.Validate(request);

        // A charged order answers with its first charge and never reaches the gateway again.
        var existing = await store.GetAsync(request.OrderId, cancellationToken).ConfigureAwait(false);
        if (existing is { ChargeId: not null })
        {
            return ToResponse(existing);
        }

        var attempt = await store.TryRecordAttemptAsync(
            request.OrderId, request.PaymentToken, request.Amount, request.Currency, cancellationToken).ConfigureAwait(false);
        if (attempt is null)
        {
            var charged = await store.GetAsync(request.OrderId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Charge record of order {request.OrderId} vanished.");
            return ToResponse(charged);
        }

        var charge = await gateway.ChargeAsync(
            new GatewayChargeRequest(request.OrderId, request.Amount, request.Currency, request.PaymentToken, attempt.Value),
            cancellationToken).ConfigureAwait(false);
        var record = await store.RecordChargeAsync(request.OrderId, charge.ChargeId, cancellationToken).ConfigureAwait(false);
        return ToResponse(record);
    }

    public async Task<RefundPaymentResponse> RefundAsync(RefundPaymentRequest request, CancellationToken cancellationToken)
    {
        PaymentRequestRules.ValidateOrderId(request.OrderId);
        var record = await store.GetAsync(request.OrderId, cancellationToken).ConfigureAwait(false);
        switch (record)
        {
            case null or { Status: ChargeStatus.Attempted }:
                return new RefundPaymentResponse(request.OrderId, Refunded: false, RefundId: null);
            case { Status: ChargeStatus.Refunded }:
                return new RefundPaymentResponse(request.OrderId, Refunded: true, record.RefundId);
        }

        var refund = await gateway.RefundAsync(
            new GatewayRefundRequest(request.OrderId, record.ChargeId!, record.Amount, record.Currency), cancellationToken)
            .ConfigureAwait(false);
        var refunded = await store.RecordRefundAsync(request.OrderId, refund.RefundId, cancellationToken).ConfigureAwait(false);
        return new RefundPaymentResponse(request.OrderId, Refunded: true, refunded.RefundId);
    }

    private static ChargePaymentResponse ToResponse(ChargeRecord record) =>
        new(record.OrderId, record.ChargeId!, record.Amount, record.Currency);
}
