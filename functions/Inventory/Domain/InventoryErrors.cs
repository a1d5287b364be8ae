using ECommerce.Runtime;

namespace ECommerce.Inventory.Domain;

/// <summary>The SKU has less available stock than the order asks for.</summary>
public sealed class InsufficientStockException(string sku, int requested)
    : FunctionErrorException(ErrorTypes.InsufficientStock, $"Insufficient stock for SKU {sku} (requested {requested}).")
{
    public string Sku { get; } = sku;
}

/// <summary>The SKU is not in the catalogue.</summary>
public sealed class UnknownSkuException(string sku)
    : FunctionErrorException(ErrorTypes.UnknownSku, $"Unknown SKU {sku}.")
{
    public string Sku { get; } = sku;
}

/// <summary>The inventory store was throttled or unreachable; the state machine retries this one.</summary>
public sealed class InventoryUnavailableException(string message, Exception? innerException = null)
    : FunctionErrorException(ErrorTypes.InventoryUnavailable, message, isTransient: true, innerException);

/// <summary>The request broke the contract (bad order id, empty or duplicate lines, non-positive quantity).</summary>
public sealed class InvalidInventoryRequestException(string message)
    : FunctionErrorException(ErrorTypes.InvalidRequest, message);

/// <summary>The Lambda errorType names of the Inventory service.</summary>
public static class ErrorTypes
{
    public const string InsufficientStock = "InsufficientStock";
    public const string UnknownSku = "UnknownSku";
    public const string InventoryUnavailable = "InventoryUnavailable";
    public const string InvalidRequest = "InvalidRequest";
}
