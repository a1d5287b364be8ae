using ECommerce.Orders.Domain;
using Scenarios.Tests.Harness;

namespace Scenarios.Tests.Invariants;

/// <summary>A random workload run to its end on one world, with the invariant checks over it.</summary>
public sealed class InvariantRun
{
    private const int StockPerSku = 1_000_000;

    private InvariantRun(SagaWorld world, IReadOnlyList<PlannedOrder> orders, IReadOnlyDictionary<string, int> initialStock)
    {
        World = world;
        Orders = orders;
        InitialStock = initialStock;
    }

    public SagaWorld World { get; }

    public IReadOnlyList<PlannedOrder> Orders { get; }

    public IReadOnlyDictionary<string, int> InitialStock { get; }

    /// <summary>The violations found right after every execution ended.</summary>
    public IReadOnlyList<InvariantViolation> Violations { get; private set; } = [];

    /// <summary>Runs <paramref name="count"/> random orders from <paramref name="seed"/> against <paramref name="definition"/>.</summary>
    public static async Task<InvariantRun> ExecuteAsync(string definition, int count, int seed)
    {
        var world = await SagaWorld.CreateAsync(definition, StockPerSku);
        var initialStock = Enumerable.Range(1, 5).ToDictionary(i => $"SKU-{i}", _ => StockPerSku, StringComparer.Ordinal);
        initialStock["SKU-OUT"] = 0;
        var orders = new RandomWorkload(seed).Plan(world, count);
        var run = new InvariantRun(world, orders, initialStock);

        await Task.WhenAll(orders.Select(async order =>
        {
            await Task.Yield();
            await Task.WhenAll(Enumerable.Range(0, order.ConcurrentDeliveries).Select(_ => world.SubmitAsync(order.OrderId, order.Body)));
        }));
        await world.SettleAsync();
        // Late redeliveries of orders whose saga already ended must change nothing.
        await Task.WhenAll(orders.Where(o => o.RedeliveredLater).Select(o => world.SubmitAsync(o.OrderId, o.Body)));
        await world.SettleAsync();

        run.Violations = await run.CheckAsync();
        return run;
    }

    public Task<IReadOnlyList<InvariantViolation>> CheckAsync(bool acceptNeedsAttention = true) =>
        SagaInvariants.CheckAsync(World, [.. Orders.Select(o => o.OrderId)], InitialStock, acceptNeedsAttention);

    /// <summary>Heals every fault and redrives the execution of every FAILED order, as the person on call would.</summary>
    public async Task<int> RedriveNeedsAttentionAsync()
    {
        World.Faults.Heal();
        World.Deliveries.Heal();
        var failed = new List<string>();
        foreach (var order in Orders)
        {
            if ((await World.OrderAsync(order.OrderId))?.Status == OrderStatus.Failed)
            {
                failed.Add(order.OrderId);
            }
        }

        await Task.WhenAll(failed.Select(World.RedriveAsync));
        return failed.Count;
    }

    /// <summary>How the orders ended, e.g. "COMPLETED 1710, CANCELLED 270, FAILED 20".</summary>
    public async Task<string> SummaryAsync()
    {
        var statuses = new List<string>();
        foreach (var order in Orders)
        {
            statuses.Add((await World.OrderAsync(order.OrderId))?.Status ?? "none");
        }

        var byStatus = statuses.GroupBy(s => s, StringComparer.Ordinal);
        var executions = World.Engine.Executions.GroupBy(e => e.Status);
        return $"{World.Faults.Injected} port faults and {World.Deliveries.Injected} delivery faults injected; orders " + string.Join(", ", byStatus.Select(g => $"{g.Key} {g.Count()}"))
            + "; executions " + string.Join(", ", executions.Select(g => $"{g.Key} {g.Count()}"));
    }
}
