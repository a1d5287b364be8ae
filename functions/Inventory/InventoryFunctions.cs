using ECommerce.Inventory.Contract;
using ECommerce.Inventory.Storage;
using ECommerce.Runtime;

namespace ECommerce.Inventory;

/// <summary>The Inventory function's handlers, by the names the state machine invokes.</summary>
public static class InventoryFunctions
{
    public const string ReserveInventory = nameof(ReserveInventory);
    public const string ReleaseInventory = nameof(ReleaseInventory);

    /// <summary>The registry both the Lambda executable and the local host dispatch through.</summary>
    public static LambdaHandlerRegistry CreateRegistry(IInventoryStore store, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(clock);
        var service = new InventoryService(store, clock);
        var json = InventoryJsonContext.Default;
        return new LambdaHandlerRegistry()
            .Register(ReserveInventory, () => json.ReserveInventoryRequest, () => json.ReserveInventoryResponse,
                (request, _, cancellationToken) => service.ReserveAsync(request, cancellationToken))
            .Register(ReleaseInventory, () => json.ReleaseInventoryRequest, () => json.ReleaseInventoryResponse,
                (request, _, cancellationToken) => service.ReleaseAsync(request, cancellationToken));
    }
}
