using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ECommerce.Shipping.Domain;

namespace ECommerce.Shipping.Carrier;

/// <summary>
/// A deterministic stand-in for a carrier, driven by the address. Rules, checked in this order:
/// <list type="number">
/// <item>country <c>AQ</c>: AddressUnserviceable;</item>
/// <item>postalCode <c>OUTAGE-N</c> (N = 1..9): attempts 1..N of that order fail with CarrierUnavailable, attempt N+1 ships;</item>
/// <item>anything else ships.</item>
/// </list>
/// Shipment ids and tracking numbers derive from the order id, so a repeated call yields the same shipment, as a
/// carrier deduping on an idempotency key would. <see cref="CancellationsAvailable"/> = false makes every
/// cancellation fail with CarrierUnavailable.
/// </summary>
public sealed class SimulatedCarrier : ICarrier
{
    public const string CarrierName = "SIMULATED";
    public const string UnserviceableCountry = "AQ";
    public const string OutagePostalCodePrefix = "OUTAGE-";

    private volatile bool _cancellationsAvailable = true;

    /// <summary>False makes every cancellation fail with CarrierUnavailable until switched back.</summary>
    public bool CancellationsAvailable
    {
        get => _cancellationsAvailable;
        set => _cancellationsAvailable = value;
    }

    public Task<CarrierShipment> CreateShipmentAsync(CarrierShipmentRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Address.Country == UnserviceableCountry)
        {
            throw new AddressUnserviceableException(
                $"Carrier {CarrierName} does not deliver to country {UnserviceableCountry} (order {request.OrderId}).");
        }

        if (OutageCount(request.Address.PostalCode) is { } outages && request.Attempt <= outages)
        {
            throw new CarrierUnavailableException(
                $"Carrier unavailable (simulated outage {request.Attempt} of {outages} for order {request.OrderId}).");
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(request.OrderId));
        var trackingDigits = BitConverter.ToUInt64(hash, 16) % 1_000_000_000_000UL;
        return Task.FromResult(new CarrierShipment(
            "shp_" + Convert.ToHexStringLower(hash.AsSpan(0, 12)),
            CarrierName,
            "SIM" + trackingDigits.ToString("D12", CultureInfo.InvariantCulture)));
    }

    public Task CancelShipmentAsync(string orderId, string shipmentId, CancellationToken cancellationToken)
    {
        if (!CancellationsAvailable)
        {
            throw new CarrierUnavailableException(
                $"Carrier unavailable: cancellations are switched off (shipment {shipmentId} of order {orderId}).");
        }

        return Task.CompletedTask;
    }

    private static int? OutageCount(string postalCode)
    {
        if (!postalCode.StartsWith(OutagePostalCodePrefix, StringComparison.Ordinal))
        {
            return null;
        }

        return int.TryParse(postalCode.AsSpan(OutagePostalCodePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && count is >= 1 and <= 9
                ? count
                : null;
    }
}
