using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using ECommerce.Inventory.Domain;
using ECommerce.LocalStores;
using ECommerce.Orders.Domain;
using ECommerce.Payments.Domain;
using EndToEnd.Tests.Support;

namespace EndToEnd.Tests;

/// <summary>
/// Rounds of 1,000 orders each, with the host SIGKILLed at a random moment of every round (while orders are still being
/// POSTed or are mid-saga) and restarted over the same data folder. After each restart every accepted order must reach a
/// terminal status with the outcome it would have had without a crash, none lost, none charged twice, inventory conserved.
/// One round runs in the test command; <c>CRASH_LOOP_ROUNDS=5</c> runs the long loop (docs/testing.md). The seed of the
/// kill moments is printed and can be replayed with <c>CRASH_LOOP_SEED</c>.
/// </summary>
public sealed class CrashLoopTests : IDisposable
{
    private const string CrashSku = "SKU-CRASH";
    private const int CrashSkuStock = 1_000_000;
    private const int Posters = 16;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan EarliestKill = TimeSpan.FromSeconds(0.2);
    private static readonly TimeSpan LatestKill = TimeSpan.FromSeconds(2.5);
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Per 8 orders: 4 happy (one with a 1 s charge, one with a flaky gateway), and one of each way to be cancelled.</summary>
    private static readonly OrderKind[] Mix =
    [
        new("ok", OrderRequests.Body(lines: [(CrashSku, 2)]), OrderStatus.Completed),
        new("ok-five", OrderRequests.Body(lines: [(CrashSku, 5)]), OrderStatus.Completed),
        new("slow", OrderRequests.Body(token: "tok_slow_1", lines: [(CrashSku, 3)]), OrderStatus.Completed),
        new("flaky", OrderRequests.Body(token: "tok_flaky_1", lines: [(CrashSku, 1)]), OrderStatus.Completed),
        new("declined", OrderRequests.Body(token: OrderRequests.DeclinedToken, lines: [(CrashSku, 1)]), OrderStatus.Cancelled),
        new("unshippable", OrderRequests.Body(country: OrderRequests.UnserviceableCountry, lines: [(CrashSku, 2)]), OrderStatus.Cancelled),
        new("nostock", OrderRequests.Body(lines: [(CrashSku, 1), ("SKU-OUT", 1)]), OrderStatus.Cancelled),
        new("unknown", OrderRequests.Body(lines: [("SKU-NOPE", 1)]), OrderStatus.Cancelled),
    ];

    private readonly HostDataFolder _data = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static ITestOutputHelper Output => TestContext.Current.TestOutputHelper!;

    [Fact]
    public async Task KilledAtRandomMomentsDuringAThousandOrders_EveryRoundEndsWithEveryOrderTerminal_NoneLost_NoneChargedTwice_InventoryConserved()
    {
        var rounds = EnvironmentNumber("CRASH_LOOP_ROUNDS", 1);
        var ordersPerRound = EnvironmentNumber("CRASH_LOOP_ORDERS", 1000);
        var seed = EnvironmentNumber("CRASH_LOOP_SEED", Random.Shared.Next(1, 1_000_000));
        var random = new Random(seed);
        Output.WriteLine($"Crash loop: {rounds} round(s) of {ordersPerRound} orders, seed {seed} (CRASH_LOOP_SEED={seed} replays the kill moments).");
        await AddCrashStockAsync();

        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var round = 1; round <= rounds; round++)
        {
            var killAfter = EarliestKill + ((LatestKill - EarliestKill) * random.NextDouble());
            var orders = Enumerable.Range(0, ordersPerRound)
                .Select(i => (OrderId: $"loop{round}-{Mix[i % Mix.Length].Name}-{i}", Mix[i % Mix.Length].Body, Mix[i % Mix.Length].Expected))
                .ToList();
            foreach (var order in orders)
            {
                expected[order.OrderId] = order.Expected;
            }

            var unacknowledged = await SubmitUntilKilledAsync(orders.Select(o => (o.OrderId, o.Body)).ToList(), killAfter);
            var atKill = await _data.StagesAsync(orders.Select(o => o.OrderId), Cancellation);
            Output.WriteLine($"Round {round}: killed {killAfter.TotalSeconds:F2} s after the first POST; {ordersPerRound - unacknowledged.Count} POSTs answered 202 before the kill; "
                + $"at the kill {atKill}.");
            Assert.True(atKill.Unfinished > 0, $"Round {round}: every order was already terminal at the kill, so the round proved nothing about recovery.");

            var recovery = Stopwatch.StartNew();
            await using (var restarted = await HostProcess.StartAsync(_data.Path, ReadyTimeout, Cancellation))
            {
                var ready = recovery.Elapsed;
                using var client = new OrdersApiClient(restarted.ApiEndpoint);
                // A client whose POST got no answer sends it again with the same Idempotency-Key; a POST the dead host had already
                // queued must still give one order.
                foreach (var (orderId, body) in unacknowledged)
                {
                    await client.SubmitAsync(orderId, body, Cancellation);
                }

                var unfinished = await client.WaitForAllTerminalAsync(expected.Keys, RecoveryTimeout, Cancellation);
                Assert.True(unfinished.Count == 0,
                    $"Round {round}: {unfinished.Count} orders were not terminal {RecoveryTimeout.TotalMinutes:F0} min after the restart: {string.Join(", ", unfinished.Take(20))}\n"
                    + $"Host output:\n{restarted.RecentOutput()}");
                Output.WriteLine($"Round {round}: restarted host ready in {ready.TotalSeconds:F1} s, {unacknowledged.Count} unanswered POSTs sent again, "
                    + $"all {expected.Count} orders so far terminal {recovery.Elapsed.TotalSeconds:F1} s after the restart began.");
            }

            AssertOutcomes(round, await _data.ReadStoresAsync(Cancellation), expected);
        }
    }

    public void Dispose() => _data.Dispose();

    private async Task AddCrashStockAsync()
    {
        using var stores = await EmbeddedStores.OpenAsync(_data.Path, Cancellation);
        await stores.Inventory.AddSkuIfMissingAsync(new SkuStock(CrashSku, CrashSkuStock, 0, 1999, "USD"), Cancellation);
    }

    /// <summary>
    /// Starts a host, POSTs the orders from <see cref="Posters"/> clients at once, and SIGKILLs the host
    /// <paramref name="killAfter"/> after the first POST. Returns the orders that did not get their 202 before the kill.
    /// </summary>
    private async Task<IReadOnlyList<(string OrderId, string Body)>> SubmitUntilKilledAsync(IReadOnlyList<(string OrderId, string Body)> orders, TimeSpan killAfter)
    {
        var acknowledged = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        await using var host = await HostProcess.StartAsync(_data.Path, ReadyTimeout, Cancellation);
        using var client = new OrdersApiClient(host.ApiEndpoint);
        var next = -1;
        using var killed = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var posters = Enumerable.Range(0, Posters).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < orders.Count && !killed.IsCancellationRequested)
            {
                var (orderId, body) = orders[index];
                try
                {
                    using var response = await client.PostAsync(body, orderId, killed.Token);
                    Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST {orderId} answered {(int)response.StatusCode}");
                    acknowledged[orderId] = true;
                }
                catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException && !Cancellation.IsCancellationRequested)
                {
                    return; // The host is gone: this POST and the rest are sent again after the restart.
                }
            }
        })).ToList();

        await Task.Delay(killAfter, Cancellation);
        await host.KillAsync();
        await killed.CancelAsync();
        await Task.WhenAll(posters);
        return orders.Where(o => !acknowledged.ContainsKey(o.OrderId)).ToList();
    }

    private static void AssertOutcomes(int round, EmbeddedStoresSnapshot snapshot, IReadOnlyDictionary<string, string> expected)
    {
        var byId = snapshot.Orders.ToDictionary(o => o.OrderId, StringComparer.Ordinal);
        var lost = expected.Keys.Where(id => !byId.ContainsKey(id)).ToList();
        Assert.True(lost.Count == 0, $"Round {round}: {lost.Count} accepted orders have no order record: {string.Join(", ", lost.Take(20))}");
        var wrong = expected
            .Where(e => byId[e.Key].Status != e.Value)
            .Select(e => $"{e.Key}: {byId[e.Key].Status} ({byId[e.Key].Reason}), expected {e.Value}")
            .ToList();
        Assert.True(wrong.Count == 0, $"Round {round}: orders that ended differently than without a crash:\n  " + string.Join("\n  ", wrong.Take(20)));
        SagaInvariants.AssertHold(snapshot, new Dictionary<string, int> { [CrashSku] = CrashSkuStock });

        var charges = snapshot.Charges.Where(c => expected.ContainsKey(c.OrderId)).ToList();
        var recharged = charges.Count(c => c.Attempts > 1 && !c.Token.StartsWith("tok_flaky_", StringComparison.Ordinal));
        var statuses = snapshot.Orders.Where(o => expected.ContainsKey(o.OrderId)).GroupBy(o => o.Status).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Count()} {g.Key}");
        Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Round {round}: {string.Join(", ", statuses)}; {charges.Count(c => c.Status == ChargeStatus.Charged)} charged, "
            + $"{charges.Count(c => c.Status == ChargeStatus.Refunded)} refunded, {recharged} charges asked of the gateway again after a restart (same charge id); invariants hold."));
    }

    private static int EnvironmentNumber(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

    private sealed record OrderKind(string Name, string Body, string Expected);
}
