using System.Collections.Concurrent;
using System.Diagnostics;

namespace ECommerce.Bench.LoadDriver;

/// <summary>What one scenario measured.</summary>
public sealed record ScenarioResult(
    string Scenario,
    int Posted,
    int Terminal,
    IReadOnlyDictionary<string, int> Statuses,
    double Seconds,
    double PostsPerSecond,
    double TerminalPerSecond,
    LatencyStats Accept,
    LatencyStats PostToTerminal,
    long PeakWorkingSetBytes,
    long PeakManagedHeapBytes);

/// <summary>Closed-loop (N orders in flight) and open-loop (fixed or max POST rate) runs, each bounded by a count and a duration.</summary>
public sealed class LoadScenarios(OrdersClient client, string runId)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);
    private int _sequence;

    private string NextOrderId() => $"{runId}-{Interlocked.Increment(ref _sequence)}";

    /// <summary><paramref name="inFlight"/> workers each POST an order and poll it to a terminal status, then start the next.</summary>
    public async Task<ScenarioResult> ClosedLoopAsync(int inFlight, int count, TimeSpan maxDuration)
    {
        var accept = new ConcurrentBag<double>();
        var endToEnd = new ConcurrentBag<double>();
        var statuses = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var remaining = count;
        using var deadline = new CancellationTokenSource(maxDuration);
        await using var memory = new MemorySampler(TimeSpan.FromMilliseconds(250));
        var started = Stopwatch.GetTimestamp();
        async Task Worker()
        {
            while (!deadline.IsCancellationRequested && Interlocked.Decrement(ref remaining) >= 0)
            {
                var orderId = NextOrderId();
                var posted = Stopwatch.GetTimestamp();
                accept.Add(await client.PostAsync(orderId, CancellationToken.None).ConfigureAwait(false));
                var status = await WaitForTerminalAsync(orderId, deadline.Token).ConfigureAwait(false);
                if (status is not null)
                {
                    endToEnd.Add(Stopwatch.GetElapsedTime(posted).TotalMilliseconds);
                    statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(_ => Task.Run(Worker))).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await memory.DisposeAsync().ConfigureAwait(false);
        return new ScenarioResult($"closed loop, {inFlight} in flight", accept.Count, endToEnd.Count, statuses, seconds,
            accept.Count / seconds, endToEnd.Count / seconds, LatencyStats.From(accept), LatencyStats.From(endToEnd),
            memory.PeakWorkingSet, memory.PeakManagedHeap);
    }

    /// <summary>
    /// POSTs <paramref name="count"/> orders at <paramref name="ratePerSecond"/> (0: as fast as 64 posters go), then polls
    /// until every order is terminal or <paramref name="maxDuration"/> passes. Terminal/s counts from the first POST.
    /// </summary>
    public async Task<ScenarioResult> OpenLoopAsync(double ratePerSecond, int count, TimeSpan maxDuration)
    {
        var accept = new ConcurrentBag<double>();
        var postedAt = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var deadline = new CancellationTokenSource(maxDuration);
        await using var memory = new MemorySampler(TimeSpan.FromMilliseconds(250));
        var started = Stopwatch.GetTimestamp();

        async Task PostOne()
        {
            var orderId = NextOrderId();
            postedAt[orderId] = Stopwatch.GetTimestamp();
            accept.Add(await client.PostAsync(orderId, CancellationToken.None).ConfigureAwait(false));
        }

        if (ratePerSecond > 0)
        {
            // Open loop: each POST leaves on schedule whether or not earlier ones have answered (no coordinated omission).
            var inFlight = new List<Task>(count);
            for (var i = 0; i < count && !deadline.IsCancellationRequested; i++)
            {
                var due = TimeSpan.FromSeconds(i / ratePerSecond) - Stopwatch.GetElapsedTime(started);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, CancellationToken.None).ConfigureAwait(false);
                }
                inFlight.Add(Task.Run(PostOne));
            }
            await Task.WhenAll(inFlight).ConfigureAwait(false);
        }
        else
        {
            var remaining = count;
            async Task Poster()
            {
                while (!deadline.IsCancellationRequested && Interlocked.Decrement(ref remaining) >= 0)
                {
                    await PostOne().ConfigureAwait(false);
                }
            }
            await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(Poster))).ConfigureAwait(false);
        }
        var postSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        var endToEnd = new ConcurrentBag<double>();
        var statuses = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var pending = new ConcurrentDictionary<string, long>(postedAt, StringComparer.Ordinal);
        while (!pending.IsEmpty && !deadline.IsCancellationRequested)
        {
            await Parallel.ForEachAsync(pending.Keys.ToArray(), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (orderId, ct) =>
            {
                var status = await client.StatusAsync(orderId, ct).ConfigureAwait(false);
                if (OrdersClient.IsTerminal(status) && pending.TryRemove(orderId, out var posted))
                {
                    // Accurate to the sweep: an order counts as terminal when a sweep first sees it so.
                    endToEnd.Add(Stopwatch.GetElapsedTime(posted).TotalMilliseconds);
                    statuses.AddOrUpdate(status!, 1, (_, n) => n + 1);
                }
            }).ConfigureAwait(false);
            await Task.Delay(PollInterval * 5, CancellationToken.None).ConfigureAwait(false);
        }
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await memory.DisposeAsync().ConfigureAwait(false);
        var name = ratePerSecond > 0 ? $"open loop, {ratePerSecond:0} POST/s" : "open loop, max POST rate (64 posters)";
        return new ScenarioResult(name, accept.Count, endToEnd.Count, statuses, seconds, accept.Count / postSeconds,
            endToEnd.Count / seconds, LatencyStats.From(accept), LatencyStats.From(endToEnd), memory.PeakWorkingSet, memory.PeakManagedHeap);
    }

    private async Task<string?> WaitForTerminalAsync(string orderId, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var status = await client.StatusAsync(orderId, cancellationToken).ConfigureAwait(false);
                if (OrdersClient.IsTerminal(status))
                {
                    return status;
                }
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }
}
