using ECommerce.Inventory.Contract;
using ECommerce.Inventory.Domain;
using ECommerce.Inventory.Storage;

namespace ECommerce.Inventory;

/// <summary>Reserves and releases stock for an order; every operation is idempotent by order id.</summary>
public sealed class InventoryService(IInventoryStore store, TimeProvider clock)
{
    public async Task<ReserveInventoryResponse> ReserveAsync(ReserveInventoryRequest request, CancellationToken cancellationToken)
    {
        OrderRequestRules.ValidateOrderId(request.OrderId);
        OrderRequestRules.ValidateLines(request.Lines);

        // A retried or redelivered step finds its reservation and answers exactly as the first time.
        var existing = await store.GetReservationAsync(request.OrderId, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return ToResponse(existing);
        }

        var skus = request.Lines.Select(line => line.Sku).ToList();
        var catalogue = await store.GetSkusAsync(skus, cancellationToken).ConfigureAwait(false);
        var priced = new List<PricedLine>(request.Lines.Count);
        foreach (var line in request.Lines)
        {
            if (!catalogue.TryGetValue(line.Sku, out var item))
            {
                throw new UnknownSkuException(line.Sku);
            }

            priced.Add(new PricedLine(line.Sku, line.Quantity, item.UnitPrice));
        }

        var currencies = catalogue.Values.Select(item => item.Currency).Distinct(StringComparer.Ordinal).ToList();
        if (currencies.Count != 1)
        {
            throw new InvalidInventoryRequestException("All lines of an order must be priced in one currency.");
        }

        var reservation = new Reservation(
            request.OrderId,
            priced,
            priced.Sum(line => line.Quantity * line.UnitPrice),
            currencies[0],
            ReservationStatus.Reserved,
            clock.GetUtcNow());

        var stored = await store.ReserveAsync(reservation, cancellationToken).ConfigureAwait(false);
        return ToResponse(stored);
    }

    public async Task<ReleaseInventoryResponse> ReleaseAsync(ReleaseInventoryRequest request, CancellationToken cancellationToken)
    {
        OrderRequestRules.ValidateOrderId(request.OrderId);
        var outcome = await store.ReleaseAsync(request.OrderId, cancellationToken).ConfigureAwait(false);
        return new ReleaseInventoryResponse(request.OrderId, outcome != ReleaseOutcome.NotFound);
    }

    private static ReserveInventoryResponse ToResponse(Reservation reservation) =>
        new(reservation.OrderId, reservation.Lines, reservation.TotalAmount, reservation.Currency);
}
