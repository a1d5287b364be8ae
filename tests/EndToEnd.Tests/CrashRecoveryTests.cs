using System.Diagnostics;
using System.Globalization;
using ECommerce.Orders.Domain;
using ECommerce.Payments.Domain;
using EndToEnd.Tests.Support;

namespace EndToEnd.Tests;

/// <summary>
/// The built host is SIGKILLed while orders are in every stage of the saga, restarted over the same data folder, and
/// must then finish every accepted order with the saga's invariants intact.
/// </summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private const int OrdersPerKind = 8;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan KillAfter = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan MaxWaitBeforeKill = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(120);

    /// <summary>The mix: quick successes, charges that take 3 s (so some are mid-charge at the kill), and every failure path.</summary>
    private static readonly OrderKind[] Kinds =
    [
        new("visa", OrderRequests.Body(lines: [("SKU-1", 1), ("SKU-2", 1)]), OrderStatus.Completed),
        new("slow", OrderRequests.Body(token: "tok_slow_3", lines: [("SKU-3", 2)]), OrderStatus.Completed),
        new("slow-b", OrderRequests.Body(token: "tok_slow_3", lines: [("SKU-1", 1)]), OrderStatus.Completed),
        new("flaky", OrderRequests.Body(token: "tok_flaky_1", postalCode: "OUTAGE-1", lines: [("SKU-4", 1)]), OrderStatus.Completed),
        new("nostock", OrderRequests.Body(lines: [("SKU-5", 1), ("SKU-OUT", 1)]), OrderStatus.Cancelled),
        new("unknown", OrderRequests.Body(lines: [("SKU-NOPE", 1)]), OrderStatus.Cancelled),
        new("declined", OrderRequests.Body(token: OrderRequests.DeclinedToken, lines: [("SKU-2", 2)]), OrderStatus.Cancelled),
        new("unshippable", OrderRequests.Body(country: OrderRequests.UnserviceableCountry, lines: [("SKU-5", 3)]), OrderStatus.Cancelled),
    ];

    private readonly HostDataFolder _data = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static ITestOutputHelper Output => TestContext.Current.TestOutputHelper!;

    [Fact]
    public async Task AHostKilledMidSaga_FinishesEveryAcceptedOrderAfterARestart_WithTheInvariantsKept()
    {
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        var firstRun = await HostProcess.StartAsync(_data.Path, ReadyTimeout, Cancellation);
        await using (firstRun)
        {
            using var orders = new OrdersApiClient(firstRun.ApiEndpoint);
            var submitting = Stopwatch.StartNew();

            // Two waves, so the kill finds orders in every stage on a fast or a busy machine: the first wave has had time
            // to finish some sagas and leave others mid-charge (tok_slow_3) or compensating; the second is still queued
            // or just starting.
            var firstWave = await SubmitRoundsAsync(orders, 0, OrdersPerKind / 2, expected);
            var terminalBeforeSecondWave = await WaitUntilSomeAreTerminalAsync(orders, firstWave, Kinds.Length);
            await SubmitRoundsAsync(orders, OrdersPerKind / 2, OrdersPerKind, expected);
            await firstRun.KillAsync();
            Output.WriteLine($"Submitted {expected.Count} orders in two waves ({terminalBeforeSecondWave} of the first {firstWave.Count} terminal before the second); "
                + $"killed the host {submitting.Elapsed.TotalSeconds:F1} s after the first POST.");
        }

        var atKill = await _data.StagesAsync(expected.Keys, Cancellation);
        Output.WriteLine($"At the kill: {atKill}.");
        Assert.True(atKill.Pending > 0, "No saga was running at the kill, so the restart had nothing to resume; the test would prove little.");

        var recovery = Stopwatch.StartNew();
        await using (var secondRun = await HostProcess.StartAsync(_data.Path, ReadyTimeout, Cancellation))
        {
            var ready = recovery.Elapsed;
            using var orders = new OrdersApiClient(secondRun.ApiEndpoint);
            var unfinished = await orders.WaitForAllTerminalAsync(expected.Keys, RecoveryTimeout, Cancellation);
            Assert.True(unfinished.Count == 0,
                $"{unfinished.Count} orders were not terminal {RecoveryTimeout.TotalSeconds:F0} s after the restart: {string.Join(", ", unfinished)}\n"
                + $"Host output:\n{secondRun.RecentOutput()}");
            Output.WriteLine($"Restarted host ready in {ready.TotalSeconds:F1} s; every order terminal {recovery.Elapsed.TotalSeconds:F1} s after the restart began.");
        }

        var snapshot = await _data.ReadStoresAsync(Cancellation);
        var byId = snapshot.Orders.ToDictionary(o => o.OrderId, StringComparer.Ordinal);
        var wrongOutcomes = expected
            .Where(e => byId[e.Key].Status != e.Value)
            .Select(e => $"{e.Key}: {byId[e.Key].Status} ({byId[e.Key].Reason}), expected {e.Value}")
            .ToList();
        Assert.True(wrongOutcomes.Count == 0, "Orders that ended differently than without a crash:\n  " + string.Join("\n  ", wrongOutcomes));
        SagaInvariants.AssertHold(snapshot);
        // Only flaky tokens need a second gateway call; any other order asked twice was one whose charge the crash interrupted.
        var recharged = snapshot.Charges.Count(c => c.Attempts > 1 && !c.Token.StartsWith("tok_flaky_", StringComparison.Ordinal));
        Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Outcomes: {snapshot.Orders.Count(o => o.Status == OrderStatus.Completed)} COMPLETED, {snapshot.Orders.Count(o => o.Status == OrderStatus.Cancelled)} CANCELLED, "
            + $"{snapshot.Orders.Count(o => o.Status == OrderStatus.Failed)} FAILED; {recharged} charges asked of the gateway again after the restart (same charge id, charged once)."));
    }

    public void Dispose() => _data.Dispose();

    private static async Task<IReadOnlyList<string>> SubmitRoundsAsync(OrdersApiClient orders, int fromRound, int toRound, Dictionary<string, string> expected)
    {
        var wave = Enumerable.Range(fromRound, toRound - fromRound)
            .SelectMany(round => Kinds.Select(kind => (OrderId: $"crash-{kind.Name}-{round}", kind.Body, kind.Expected)))
            .ToList();
        await Task.WhenAll(wave.Select(order => orders.SubmitAsync(order.OrderId, order.Body, Cancellation)));
        foreach (var order in wave)
        {
            expected[order.OrderId] = order.Expected;
        }

        return wave.Select(order => order.OrderId).ToList();
    }

    /// <summary>Polls until at least <paramref name="wanted"/> orders are terminal (or MaxWaitBeforeKill passed); returns how many are.</summary>
    private static async Task<int> WaitUntilSomeAreTerminalAsync(OrdersApiClient orders, IEnumerable<string> orderIds, int wanted)
    {
        var ids = orderIds.ToList();
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed >= KillAfter)
            {
                var terminal = 0;
                foreach (var orderId in ids)
                {
                    var order = await orders.GetAsync(orderId, Cancellation);
                    terminal += order is not null && OrdersApiClient.TerminalStatuses.Contains((string?)order["status"] ?? "") ? 1 : 0;
                }

                if (terminal >= wanted || elapsed >= MaxWaitBeforeKill)
                {
                    return terminal;
                }
            }

            await Task.Delay(100, Cancellation);
        }
    }

    private sealed record OrderKind(string Name, string Body, string Expected);
}
