using ECommerce.Inventory.Domain;

namespace ECommerce.Inventory.Storage;

/// <summary>Port to the Inventory table: SKU stock and per-order reservations.</summary>
public interface IInventoryStore
{
    /// <summary>Reads the given SKUs; SKUs not in the catalogue are absent from the result.</summary>
    Task<IReadOnlyDictionary<string, SkuStock>> GetSkusAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken);

    Task<Reservation?> GetReservationAsync(string orderId, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically takes every line's quantity from stock and records the reservation, or changes nothing.
    /// If the order already has a reservation, returns that one unchanged (a repeat is a no-op).
    /// </summary>
    /// <exception cref="InsufficientStockException">A line asks for more than the SKU has.</exception>
    /// <exception cref="UnknownSkuException">A line's SKU is not in the catalogue.</exception>
    /// <exception cref="InventoryUnavailableException">The store was throttled, conflicted or unreachable.</exception>
    Task<Reservation> ReserveAsync(Reservation reservation, CancellationToken cancellationToken);

    /// <summary>Atomically marks the reservation RELEASED and returns its quantities to stock, once.</summary>
    Task<ReleaseOutcome> ReleaseAsync(string orderId, CancellationToken cancellationToken);

    /// <summary>Adds the SKU unless it already exists (existing stock is never overwritten). True when added.</summary>
    Task<bool> AddSkuIfMissingAsync(SkuStock sku, CancellationToken cancellationToken);
}
