using System.Globalization;
using Scenarios.Tests.Faults;
using Scenarios.Tests.Harness;

namespace Scenarios.Tests.Invariants;

/// <summary>One generated order: its body, and how often the queue delivers it (concurrently, and again after the saga).</summary>
public sealed record PlannedOrder(string OrderId, string Body, int ConcurrentDeliveries, bool RedeliveredLater);

/// <summary>
/// Random orders with random faults at every step and compensation, all derived from one seed: fixture inputs
/// (declined and flaky tokens, out-of-stock and unknown SKUs, unserviceable and outage addresses), port faults
/// (transient that retries, lasting outages, hangs that time out), and delivery faults (a task invoked twice, an
/// answer lost after the work was done), plus duplicate starts of the same order.
/// </summary>
public sealed class RandomWorkload(int seed)
{
    private static readonly string[] Skus = ["SKU-1", "SKU-2", "SKU-3", "SKU-4", "SKU-5"];
    private static readonly Port[] Ports = Enum.GetValues<Port>();
    private static readonly string[] Handlers =
        ["ReserveInventory", "ReleaseInventory", "ChargePayment", "RefundPayment", "ShipOrder", "CancelShipment", "RecordOrderStatus"];

    private readonly Random _random = new(seed);

    public int Seed => seed;

    /// <summary>Generates <paramref name="count"/> orders and schedules their faults on <paramref name="world"/>.</summary>
    public IReadOnlyList<PlannedOrder> Plan(SagaWorld world, int count)
    {
        ArgumentNullException.ThrowIfNull(world);
        var orders = new List<PlannedOrder>(count);
        for (var i = 0; i < count; i++)
        {
            var orderId = "o-" + i.ToString("D5", CultureInfo.InvariantCulture);
            orders.Add(new PlannedOrder(orderId, Body(), _random.NextDouble() < 0.05 ? 2 : 1, _random.NextDouble() < 0.03));
            PlanPortFaults(world.Faults, orderId);
            PlanDeliveryFaults(world.Deliveries, orderId);
        }

        return orders;
    }

    private string Body()
    {
        var lines = Skus.OrderBy(_ => _random.Next()).Take(_random.Next(1, 4)).Select(sku => (sku, _random.Next(1, 4))).ToList();
        var roll = _random.NextDouble();
        if (roll < 0.03)
        {
            lines[0] = ("SKU-OUT", 1);
        }
        else if (roll < 0.05)
        {
            lines[0] = ("SKU-NOPE", 1);
        }

        var tokenRoll = _random.NextDouble();
        var token = tokenRoll switch
        {
            < 0.05 => "tok_chargeDeclined",
            < 0.10 => "tok_flaky_" + _random.Next(1, 6).ToString(CultureInfo.InvariantCulture),
            _ => "tok_visa",
        };
        var addressRoll = _random.NextDouble();
        var country = addressRoll < 0.04 ? "AQ" : "US";
        var postalCode = addressRoll is >= 0.04 and < 0.08 ? "OUTAGE-" + _random.Next(1, 5).ToString(CultureInfo.InvariantCulture) : "12345";
        return SagaWorld.OrderBody(token, country, postalCode, [.. lines]);
    }

    private void PlanPortFaults(FaultPlan faults, string orderId)
    {
        foreach (var port in Ports)
        {
            if (_random.NextDouble() >= 0.06)
            {
                continue;
            }

            var roll = _random.NextDouble();
            // The orders table never stays down for good here: nothing could record the outcome, not even the
            // failed-execution rule, which on AWS retries for 24 hours; a redrive after the fix covers that case.
            if (roll < 0.2 && port != Port.RecordStatus)
            {
                faults.FailAlways(port, orderId, _random.NextDouble() < 0.7 ? FaultKind.Transient : FaultKind.Hang);
            }
            else if (roll < 0.7)
            {
                faults.FailFirst(port, orderId, _random.Next(1, 4));
            }
            else
            {
                faults.FailFirst(port, orderId, _random.Next(1, 3), FaultKind.Hang);
            }
        }
    }

    private void PlanDeliveryFaults(DeliveryPlan deliveries, string orderId)
    {
        foreach (var handler in Handlers)
        {
            var roll = _random.NextDouble();
            if (roll < 0.04)
            {
                deliveries.On(handler, orderId, 1, DeliveryFault.Duplicate);
            }
            else if (roll < 0.06 && handler != "RecordOrderStatus")
            {
                // RecordOrderStatus is left out: a lost answer to "COMPLETED" makes the saga compensate a completed
                // order (see RealHandlerScenarioTests.CompletionRecordedButItsAnswerLost_...), a known product bug.
                deliveries.On(handler, orderId, 1, DeliveryFault.ResponseLost);
            }
        }
    }
}
