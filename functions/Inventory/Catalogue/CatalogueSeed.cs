using System.Text.Json;
using ECommerce.Inventory.Contract;
using ECommerce.Inventory.Domain;
using ECommerce.Inventory.Storage;

namespace ECommerce.Inventory.Catalogue;

/// <summary>The fixture catalogue (SKU-1..SKU-5 with 100 each, SKU-OUT with none) embedded as catalogue.json.</summary>
public static class CatalogueSeed
{
    private const string ResourceName = "ECommerce.Inventory.catalogue.json";

    public static IReadOnlyList<SkuStock> Load()
    {
        using var stream = typeof(CatalogueSeed).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
        var document = JsonSerializer.Deserialize(stream, InventoryJsonContext.Default.CatalogueDocument)
            ?? throw new InvalidOperationException("catalogue.json is empty.");
        return document.Items
            .Select(item => new SkuStock(item.Sku, item.Stock, Reserved: 0, item.UnitPrice, document.Currency))
            .ToList();
    }

    /// <summary>Puts the SKUs the store lacks; existing SKUs keep their stock. Returns how many were added.</summary>
    public static async Task<int> SeedAsync(IInventoryStore store, CancellationToken cancellationToken)
    {
        var added = 0;
        foreach (var sku in Load())
        {
            if (await store.AddSkuIfMissingAsync(sku, cancellationToken).ConfigureAwait(false))
            {
                added++;
            }
        }

        return added;
    }
}
