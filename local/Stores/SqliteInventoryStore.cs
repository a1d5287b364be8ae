using ECommerce.Inventory.Domain;
using ECommerce.Inventory.Storage;

namespace ECommerce.LocalStores;

/// <summary>
/// The Inventory table in SQLite, keyed as on DynamoDB: <c>SKU#&lt;sku&gt;</c> (stock, reserved, unitPrice, currency) and
/// <c>RESERVATION#&lt;orderId&gt;</c> (priced lines, RESERVED|RELEASED). A reservation checks and decrements every line
/// and writes its record in one SQLite transaction, so it is all or nothing, and it is idempotent by the record.
/// </summary>
public sealed class SqliteInventoryStore(SqliteDocumentStore table) : IInventoryStore
{
    private const string SkuPrefix = "SKU#";
    private const string ReservationPrefix = "RESERVATION#";

    public Task<IReadOnlyDictionary<string, SkuStock>> GetSkusAsync(
        IReadOnlyCollection<string> skus, CancellationToken cancellationToken) =>
        Read<IReadOnlyDictionary<string, SkuStock>>(items =>
        {
            var found = new Dictionary<string, SkuStock>(StringComparer.Ordinal);
            foreach (var sku in skus.Distinct(StringComparer.Ordinal))
            {
                if (items.Get<SkuStock>(SkuKey(sku)) is { } stock)
                {
                    found[sku] = stock;
                }
            }

            return found;
        });

    public Task<Reservation?> GetReservationAsync(string orderId, CancellationToken cancellationToken) =>
        Read(items => items.Get<Reservation>(ReservationKey(orderId)));

    public Task<Reservation> ReserveAsync(Reservation reservation, CancellationToken cancellationToken) =>
        Write(items =>
        {
            if (items.Get<Reservation>(ReservationKey(reservation.OrderId)) is { } existing)
            {
                return existing;
            }

            // Check every line before changing any, in request order, so the first short line is the one named.
            var skus = new List<SkuStock>(reservation.Lines.Count);
            foreach (var line in reservation.Lines)
            {
                var sku = items.Get<SkuStock>(SkuKey(line.Sku)) ?? throw new UnknownSkuException(line.Sku);
                if (sku.Stock < line.Quantity)
                {
                    throw new InsufficientStockException(line.Sku, line.Quantity);
                }

                skus.Add(sku);
            }

            for (var i = 0; i < skus.Count; i++)
            {
                var quantity = reservation.Lines[i].Quantity;
                items.Put(SkuKey(skus[i].Sku), skus[i] with { Stock = skus[i].Stock - quantity, Reserved = skus[i].Reserved + quantity });
            }

            items.Put(ReservationKey(reservation.OrderId), reservation);
            return reservation;
        }, cancellationToken);

    public Task<ReleaseOutcome> ReleaseAsync(string orderId, CancellationToken cancellationToken) =>
        Write(items =>
        {
            var reservation = items.Get<Reservation>(ReservationKey(orderId));
            if (reservation is null)
            {
                return ReleaseOutcome.NotFound;
            }

            if (reservation.Status == ReservationStatus.Released)
            {
                return ReleaseOutcome.AlreadyReleased;
            }

            foreach (var line in reservation.Lines)
            {
                var sku = items.Get<SkuStock>(SkuKey(line.Sku));
                if (sku is null || sku.Reserved < line.Quantity)
                {
                    // The DynamoDB adapter's condition (attribute_exists(pk) AND reserved >= :q) refuses this too.
                    throw new InvalidOperationException(
                        $"Release of {orderId} was refused by SKU {line.Sku} (SKU deleted or counters corrupted).");
                }

                items.Put(SkuKey(line.Sku), sku with { Stock = sku.Stock + line.Quantity, Reserved = sku.Reserved - line.Quantity });
            }

            items.Put(ReservationKey(orderId), reservation with { Status = ReservationStatus.Released });
            return ReleaseOutcome.Released;
        }, cancellationToken);

    public Task<bool> AddSkuIfMissingAsync(SkuStock sku, CancellationToken cancellationToken) =>
        Write(items =>
        {
            if (items.Get<SkuStock>(SkuKey(sku.Sku)) is not null)
            {
                return false;
            }

            items.Put(SkuKey(sku.Sku), sku);
            return true;
        }, cancellationToken);

    /// <summary>Every SKU with its stock and reserved quantity, and every reservation, read from one snapshot.</summary>
    public Task<InventorySnapshot> ReadSnapshotAsync() =>
        Read(items => new InventorySnapshot(items.Scan<SkuStock>(SkuPrefix), items.Scan<Reservation>(ReservationPrefix)));

    /// <summary>Every SKU with its available stock and reserved quantity, in SKU order.</summary>
    public Task<IReadOnlyList<SkuStock>> ListSkusAsync() => Read(items => items.Scan<SkuStock>(SkuPrefix));

    /// <summary>Every reservation, RESERVED or RELEASED, in order id order.</summary>
    public Task<IReadOnlyList<Reservation>> ListReservationsAsync() => Read(items => items.Scan<Reservation>(ReservationPrefix));

    private Task<T> Read<T>(Func<DocumentTransaction, T> work) => SqliteFaults.Guard(() => table.ReadAsync(work), Unavailable);

    private Task<T> Write<T>(Func<DocumentTransaction, T> work, CancellationToken cancellationToken) =>
        SqliteFaults.Guard(() => table.WriteAsync(work, cancellationToken), Unavailable);

    private static InventoryUnavailableException Unavailable(string message, Exception exception) =>
        new($"Inventory store unavailable: {message}", exception);

    private static string SkuKey(string sku) => SkuPrefix + sku;

    private static string ReservationKey(string orderId) => ReservationPrefix + orderId;
}

/// <summary>The Inventory table at one instant: what the invariant checks compare (available + reserved per SKU).</summary>
public sealed record InventorySnapshot(IReadOnlyList<SkuStock> Skus, IReadOnlyList<Reservation> Reservations)
{
    /// <summary>Per SKU, the quantity held by reservations still RESERVED (should equal the SKU's Reserved counter).</summary>
    public IReadOnlyDictionary<string, int> HeldByReservations() =>
        Reservations
            .Where(reservation => reservation.Status == ReservationStatus.Reserved)
            .SelectMany(reservation => reservation.Lines)
            .GroupBy(line => line.Sku, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Sum(line => line.Quantity), StringComparer.Ordinal);
}
