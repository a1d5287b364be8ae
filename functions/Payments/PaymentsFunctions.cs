using ECommerce.Payments.Contract;
using ECommerce.Payments.Gateway;
using ECommerce.Payments.Storage;
using ECommerce.Runtime;

namespace ECommerce.Payments;

/// <summary>The Payments function's handlers, by the names the state machine invokes.</summary>
public static class PaymentsFunctions
{
    public const string ChargePayment = nameof(ChargePayment);
    public const string RefundPayment = nameof(RefundPayment);

    /// <summary>The registry both the Lambda executable and the local host dispatch through.</summary>
    public static LambdaHandlerRegistry CreateRegistry(IPaymentStore store, IPaymentGateway gateway)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(gateway);
        var service = new PaymentsService(store, gateway);
        var json = PaymentsJsonContext.Default;
        return new LambdaHandlerRegistry()
            .Register(ChargePayment, () => json.ChargePaymentRequest, () => json.ChargePaymentResponse,
                (request, _, cancellationToken) => service.ChargeAsync(request, cancellationToken))
            .Register(RefundPayment, () => json.RefundPaymentRequest, () => json.RefundPaymentResponse,
                (request, _, cancellationToken) => service.RefundAsync(request, cancellationToken));
    }
}
