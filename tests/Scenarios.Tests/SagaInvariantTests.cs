using System.Diagnostics;
using System.Globalization;
using Scenarios.Tests.Invariants;

namespace Scenarios.Tests;

/// <summary>
/// Thousands of random orders with random faults, all in one engine on the virtual clock, then the architecture's
/// invariants. SAGA_INVARIANT_ORDERS sets how many (default 2000); SAGA_INVARIANT_SEED replays one seed.
/// </summary>
[Collection(InvariantRunsCollection.Name)]
public sealed class SagaInvariantTests
{
    private const int DefaultOrders = 2000;

    [Fact]
    public async Task RandomOrdersWithRandomFaults_KeepEveryInvariant_AndRedrivesSettleTheOnesThatNeedAttention()
    {
        var orders = int.TryParse(Environment.GetEnvironmentVariable("SAGA_INVARIANT_ORDERS"), CultureInfo.InvariantCulture, out var n) ? n : DefaultOrders;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("SAGA_INVARIANT_SEED"), CultureInfo.InvariantCulture, out var s) ? s : Random.Shared.Next();
        TestContext.Current.TestOutputHelper?.WriteLine($"Saga invariants: N={orders} SAGA_INVARIANT_SEED={seed}");
        var started = Stopwatch.GetTimestamp();

        var run = await InvariantRun.ExecuteAsync(OrderSaga.Definition(), orders, seed);
        var failed = run.Violations;
        string Report(string phase, IReadOnlyList<InvariantViolation> violations) =>
            $"{phase}: {violations.Count} violation(s) with SAGA_INVARIANT_SEED={seed} (N={orders}); orders: "
            + string.Join(", ", violations.Select(v => v.Subject).Distinct().Take(50)) + Environment.NewLine
            + string.Join(Environment.NewLine, violations.Take(30));
        Assert.True(failed.Count == 0, Report("After the run", failed));

        var redriven = await run.RedriveNeedsAttentionAsync();
        var afterRedrive = await run.CheckAsync(acceptNeedsAttention: false);
        Assert.True(afterRedrive.Count == 0, Report($"After healing and redriving {redriven} order(s)", afterRedrive));

        var elapsed = Stopwatch.GetElapsedTime(started);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"Saga invariants: N={orders} seed={seed} in {elapsed.TotalSeconds:F1} s; {await run.SummaryAsync()}; redriven {redriven}");
    }
}
