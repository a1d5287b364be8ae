using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ECommerce.Payments.Domain;

namespace ECommerce.Payments.Gateway;

/// <summary>
/// A deterministic stand-in for a payment provider, driven by test tokens. Rules, checked in this order:
/// <list type="number">
/// <item>amount over <see cref="AmountLimit"/> (1,000,000 minor units): PaymentDeclined (amount limit);</item>
/// <item><c>tok_chargeDeclined</c>: PaymentDeclined;</item>
/// <item><c>tok_flaky_N</c> (N = 1..9): attempts 1..N of that order fail with PaymentGatewayUnavailable, attempt N+1 approves;</item>
/// <item><c>tok_slow_N</c> (N = 1..60): waits N seconds on the injected clock, then approves;</item>
/// <item>a <c>tok_flaky_</c>/<c>tok_slow_</c> token with N out of range: PaymentDeclined (unrecognised test token);</item>
/// <item>any other <c>tok_...</c> token (e.g. <c>tok_visa</c>): approved.</item>
/// </list>
/// Charge and refund ids derive from the order id, so a repeated call yields the same id, as a provider deduping
/// on an idempotency key would. <see cref="RefundsAvailable"/> = false makes every refund fail with
/// PaymentGatewayUnavailable (a stuck compensation, for redrive demonstrations).
/// </summary>
public sealed class SimulatedPaymentGateway(TimeProvider clock) : IPaymentGateway
{
    public const long AmountLimit = 1_000_000;
    public const string DeclinedToken = "tok_chargeDeclined";
    public const string FlakyTokenPrefix = "tok_flaky_";
    public const string SlowTokenPrefix = "tok_slow_";

    private volatile bool _refundsAvailable = true;

    /// <summary>False makes every refund fail with PaymentGatewayUnavailable until switched back.</summary>
    public bool RefundsAvailable
    {
        get => _refundsAvailable;
        set => _refundsAvailable = value;
    }

    public async Task<GatewayCharge> ChargeAsync(GatewayChargeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Amount > AmountLimit)
        {
            throw new PaymentDeclinedException(
                $"Charge of {request.Amount} {request.Currency} for order {request.OrderId} declined: over the amount limit of {AmountLimit}.");
        }

        if (request.Token == DeclinedToken)
        {
            throw new PaymentDeclinedException($"Charge for order {request.OrderId} declined by the issuer ({DeclinedToken}).");
        }

        if (request.Token.StartsWith(FlakyTokenPrefix, StringComparison.Ordinal))
        {
            var failures = ParseCount(request.Token, FlakyTokenPrefix, max: 9);
            if (request.Attempt <= failures)
            {
                throw new PaymentGatewayUnavailableException(
                    $"Payment gateway unavailable (simulated outage {request.Attempt} of {failures} for order {request.OrderId}).");
            }
        }
        else if (request.Token.StartsWith(SlowTokenPrefix, StringComparison.Ordinal))
        {
            var seconds = ParseCount(request.Token, SlowTokenPrefix, max: 60);
            await Task.Delay(TimeSpan.FromSeconds(seconds), clock, cancellationToken).ConfigureAwait(false);
        }

        return new GatewayCharge("ch_" + StableId(request.OrderId));
    }

    public Task<GatewayRefund> RefundAsync(GatewayRefundRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!RefundsAvailable)
        {
            throw new PaymentGatewayUnavailableException(
                $"Payment gateway unavailable: refunds are switched off (refund of {request.ChargeId} for order {request.OrderId}).");
        }

        return Task.FromResult(new GatewayRefund("re_" + StableId(request.OrderId)));
    }

    private static int ParseCount(string token, string prefix, int max)
    {
        var digits = token.AsSpan(prefix.Length);
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1 || count > max)
        {
            throw new PaymentDeclinedException($"Unrecognised test token {token}: {prefix}N takes N from 1 to {max}.");
        }

        return count;
    }

    private static string StableId(string orderId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(orderId)).AsSpan(0, 12));
}
