using ECommerce.Runtime;

namespace ECommerce.Shipping.Domain;

/// <summary>The carrier does not deliver to the address; retrying will not help.</summary>
public sealed class AddressUnserviceableException(string message)
    : FunctionErrorException(ErrorTypes.AddressUnserviceable, message);

/// <summary>
/// The carrier, or the Shipping store, was unavailable or throttled: the one transient Shipping error the state
/// machine retries.
/// </summary>
public sealed class CarrierUnavailableException(string message, Exception? innerException = null)
    : FunctionErrorException(ErrorTypes.CarrierUnavailable, message, isTransient: true, innerException);

/// <summary>The request broke the contract (bad order id, no lines, missing address parts).</summary>
public sealed class InvalidShippingRequestException(string message)
    : FunctionErrorException(ErrorTypes.InvalidRequest, message);

/// <summary>The Lambda errorType names of the Shipping service.</summary>
public static class ErrorTypes
{
    public const string AddressUnserviceable = "AddressUnserviceable";
    public const string CarrierUnavailable = "CarrierUnavailable";
    public const string InvalidRequest = "InvalidRequest";
}
