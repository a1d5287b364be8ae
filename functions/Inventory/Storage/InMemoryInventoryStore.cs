using ECommerce.Inventory.Domain;

namespace ECommerce.Inventory.Storage;

/// <summary>Thread-safe in-process store with the same atomicity and idempotency rules as the DynamoDB adapter.</summary>
public sealed class InMemoryInventoryStore : IInventoryStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SkuStock> _skus = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Reservation> _reservations = new(StringComparer.Ordinal);

    public Task<IReadOnlyDictionary<string, SkuStock>> GetSkusAsync(
        IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyDictionary<string, SkuStock> found = skus
                .Distinct(StringComparer.Ordinal)
                .Where(_skus.ContainsKey)
                .ToDictionary(sku => sku, sku => _skus[sku], StringComparer.Ordinal);
            return Task.FromResult(found);
        }
    }

    public Task<Reservation?> GetReservationAsync(string orderId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_reservations.GetValueOrDefault(orderId));
        }
    }

    public Task<Reservation> ReserveAsync(Reservation reservation, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_reservations.TryGetValue(reservation.OrderId, out var existing))
            {
                return Task.FromResult(existing);
            }

            foreach (var line in reservation.Lines)
            {
                if (!_skus.TryGetValue(line.Sku, out var sku))
                {
                    throw new UnknownSkuException(line.Sku);
                }

                if (sku.Stock < line.Quantity)
                {
                    throw new InsufficientStockException(line.Sku, line.Quantity);
                }
            }

            foreach (var line in reservation.Lines)
            {
                var sku = _skus[line.Sku];
                _skus[line.Sku] = sku with { Stock = sku.Stock - line.Quantity, Reserved = sku.Reserved + line.Quantity };
            }

            _reservations[reservation.OrderId] = reservation;
            return Task.FromResult(reservation);
        }
    }

    public Task<ReleaseOutcome> ReleaseAsync(string orderId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_reservations.TryGetValue(orderId, out var reservation))
            {
                return Task.FromResult(ReleaseOutcome.NotFound);
            }

            if (reservation.Status == ReservationStatus.Released)
            {
                return Task.FromResult(ReleaseOutcome.AlreadyReleased);
            }

            foreach (var line in reservation.Lines)
            {
                var sku = _skus[line.Sku];
                _skus[line.Sku] = sku with { Stock = sku.Stock + line.Quantity, Reserved = sku.Reserved - line.Quantity };
            }

            _reservations[orderId] = reservation with { Status = ReservationStatus.Released };
            return Task.FromResult(ReleaseOutcome.Released);
        }
    }

    public Task<bool> AddSkuIfMissingAsync(SkuStock sku, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_skus.TryAdd(sku.Sku, sku));
        }
    }
}
