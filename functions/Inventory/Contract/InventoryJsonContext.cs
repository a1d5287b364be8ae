using System.Text.Json;
using System.Text.Json.Serialization;

namespace ECommerce.Inventory.Contract;

/// <summary>Source-generated (AOT-safe) JSON metadata for the Inventory contract; camelCase, strict about nulls and missing fields.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ReserveInventoryRequest))]
[JsonSerializable(typeof(ReserveInventoryResponse))]
[JsonSerializable(typeof(ReleaseInventoryRequest))]
[JsonSerializable(typeof(ReleaseInventoryResponse))]
[JsonSerializable(typeof(CatalogueDocument))]
public sealed partial class InventoryJsonContext : JsonSerializerContext;

/// <summary>Shape of the embedded catalogue.json.</summary>
public sealed record CatalogueDocument(string Currency, IReadOnlyList<CatalogueEntry> Items);

/// <summary>One catalogue entry: price in minor units and the initial stock.</summary>
public sealed record CatalogueEntry(string Sku, long UnitPrice, int Stock);
