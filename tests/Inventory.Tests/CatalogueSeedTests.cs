using ECommerce.Inventory.Catalogue;
using ECommerce.Inventory.Domain;
using ECommerce.Inventory.Storage;

namespace ECommerce.Inventory.Tests;

public sealed class CatalogueSeedTests
{
    [Fact]
    public void Load_EmbeddedCatalogue_HoldsTheContractFixtures()
    {
        var catalogue = CatalogueSeed.Load().ToDictionary(sku => sku.Sku);

        Assert.Equal(["SKU-1", "SKU-2", "SKU-3", "SKU-4", "SKU-5", "SKU-OUT"], catalogue.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1999, catalogue["SKU-1"].UnitPrice);
        Assert.Equal(2999, catalogue["SKU-2"].UnitPrice);
        Assert.Equal(499, catalogue["SKU-3"].UnitPrice);
        Assert.Equal(12999, catalogue["SKU-4"].UnitPrice);
        Assert.Equal(75, catalogue["SKU-5"].UnitPrice);
        Assert.All(catalogue.Values.Where(sku => sku.Sku != "SKU-OUT"), sku => Assert.Equal(100, sku.Stock));
        Assert.Equal(0, catalogue["SKU-OUT"].Stock);
        Assert.All(catalogue.Values, sku => Assert.Equal("USD", sku.Currency));
        Assert.All(catalogue.Values, sku => Assert.Equal(0, sku.Reserved));
    }

    [Fact]
    public async Task SeedAsync_Twice_AddsOnlyMissingSkusAndKeepsExistingStock()
    {
        var store = new InMemoryInventoryStore();
        await store.AddSkuIfMissingAsync(new SkuStock("SKU-1", 7, 93, 1999, "USD"), TestContext.Current.CancellationToken);

        var firstAdded = await CatalogueSeed.SeedAsync(store, TestContext.Current.CancellationToken);
        var secondAdded = await CatalogueSeed.SeedAsync(store, TestContext.Current.CancellationToken);

        Assert.Equal(5, firstAdded);
        Assert.Equal(0, secondAdded);
        var skus = await store.GetSkusAsync(["SKU-1", "SKU-5"], TestContext.Current.CancellationToken);
        Assert.Equal(7, skus["SKU-1"].Stock);
        Assert.Equal(100, skus["SKU-5"].Stock);
    }
}
