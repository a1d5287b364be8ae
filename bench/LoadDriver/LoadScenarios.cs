using System.Collections.Concurrent;
using System.Diagnostics;

namespace ECommerce.Bench.LoadDriver;

/// <summary>What one scenario measured; memory figures are this process's (the host runs in it unless --url is given).</summary>
public sealed record ScenarioResult(
    string Scenario,
    int Posted,
    int Terminal,
    IReadOnlyDictionary<string, int> Statuses,
    double Seconds,
    double PostsPerSecond,
    double TerminalPerSecond,
    double SteadyTerminalPerSecond,
    LatencyStats Accept,
    LatencyStats PostToTerminal,
    long WorkingSetAfterWarmupBytes,
    long WorkingSetEndBytes,
    long PeakWorkingSetBytes,
    long PeakManagedHeapBytes,
    IReadOnlyList<MemorySample> Samples)
{
    /// <summary>POSTs answered 429 (the queue was at MaxQueueDepth): shed by back-pressure, never accepted.</summary>
    public int Shed { get; init; }

    /// <summary>Managed heap after a full collection before the scenario (set by the caller).</summary>
    public long RetainedHeapBeforeBytes { get; init; }

    /// <summary>Managed heap after a full collection once the scenario ended (set by the caller).</summary>
    public long RetainedHeapAfterBytes { get; init; }

    /// <summary>This process's CPU time over the scenario per order that reached a terminal status (set by the caller).</summary>
    public double CpuMillisecondsPerOrder { get; init; }

    /// <summary>The in-process server's own time for each POST /orders, accepted or shed (set by the caller).</summary>
    public LatencyStats? ServerAccept { get; init; }

    /// <summary>This process's GC pauses over the scenario (set by the caller).</summary>
    public LatencyStats? GcPauses { get; init; }
}

/// <summary>
/// Closed-loop (N orders in flight) and open-loop (fixed or max POST rate) runs, each bounded by a count and a duration.
/// Terminal status comes from <see cref="ITerminalSignal"/>: the order store's commit in process, GET polling otherwise.
/// </summary>
public sealed class LoadScenarios(OrdersClient client, ITerminalSignal signal, string runId)
{
    /// <summary>Throughput is also reported from this point on, once JIT, caches and pools have settled.</summary>
    public static readonly TimeSpan SteadyAfter = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(1);
    private int _sequence;

    private string NextOrderId() => $"{runId}-{Interlocked.Increment(ref _sequence)}";

    /// <summary>
    /// <paramref name="inFlight"/> workers each POST an order and wait for its terminal status, then start the next, until
    /// <paramref name="count"/> orders were posted or <paramref name="maxDuration"/> passed.
    /// </summary>
    public async Task<ScenarioResult> ClosedLoopAsync(int inFlight, int count, TimeSpan maxDuration, string? name = null)
    {
        var run = new Run();
        var remaining = count;
        using var deadline = new CancellationTokenSource(maxDuration);
        await using var memory = new MemorySampler(SampleInterval, () => run.Terminal);
        async Task Worker()
        {
            while (!deadline.IsCancellationRequested && Interlocked.Decrement(ref remaining) >= 0)
            {
                await PostAndWaitAsync(run, deadline.Token).ConfigureAwait(false);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(_ => Task.Run(Worker))).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(run.Started).TotalSeconds;
        await memory.DisposeAsync().ConfigureAwait(false);
        return run.Result(name ?? $"closed loop, {inFlight} in flight", seconds, seconds, memory);
    }

    /// <summary>
    /// POSTs orders at <paramref name="ratePerSecond"/> (0: as fast as 64 posters go) until <paramref name="count"/> were posted or
    /// <paramref name="maxDuration"/> passed, then waits up to <paramref name="drain"/> for the last ones to finish.
    /// Terminal/s counts from the first POST to the last terminal status.
    /// </summary>
    public async Task<ScenarioResult> OpenLoopAsync(double ratePerSecond, int count, TimeSpan maxDuration, TimeSpan drain)
    {
        var run = new Run();
        using var posting = new CancellationTokenSource(maxDuration);
        using var waiting = new CancellationTokenSource(maxDuration + drain);
        await using var memory = new MemorySampler(SampleInterval, () => run.Terminal);
        var orders = new List<Task>(count);

        if (ratePerSecond > 0)
        {
            // Open loop: each POST leaves on schedule whether or not earlier ones have answered (no coordinated omission).
            for (var i = 0; i < count && !posting.IsCancellationRequested; i++)
            {
                var due = TimeSpan.FromSeconds(i / ratePerSecond) - Stopwatch.GetElapsedTime(run.Started);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, CancellationToken.None).ConfigureAwait(false);
                }
                orders.Add(Task.Run(() => PostAndWaitAsync(run, waiting.Token)));
            }
        }
        else
        {
            var remaining = count;
            var posters = Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
            {
                var mine = new List<Task>();
                while (!posting.IsCancellationRequested && Interlocked.Decrement(ref remaining) >= 0)
                {
                    var orderId = NextOrderId();
                    signal.Expect(orderId);
                    if (await PostAsync(run, orderId).ConfigureAwait(false) is { } posted)
                    {
                        mine.Add(WaitAsync(run, orderId, posted, waiting.Token));
                    }
                }
                await Task.WhenAll(mine).ConfigureAwait(false);
            })).ToList();
            orders.AddRange(posters);
        }
        await Task.WhenAll(orders).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(run.Started).TotalSeconds;
        await memory.DisposeAsync().ConfigureAwait(false);
        var name = ratePerSecond > 0 ? $"open loop, {ratePerSecond:0} POST/s" : "open loop, max POST rate (64 posters)";
        return run.Result(name, seconds, run.PostingSeconds, memory);
    }

    private async Task PostAndWaitAsync(Run run, CancellationToken waitUntil)
    {
        var orderId = NextOrderId();
        signal.Expect(orderId);
        if (await PostAsync(run, orderId).ConfigureAwait(false) is { } posted)
        {
            await WaitAsync(run, orderId, posted, waitUntil).ConfigureAwait(false);
        }
    }

    /// <summary>Posts the order; returns when it was posted, or null when the API shed it (429).</summary>
    private async Task<long?> PostAsync(Run run, string orderId)
    {
        var posted = Stopwatch.GetTimestamp();
        var (milliseconds, accepted) = await client.PostAsync(orderId, CancellationToken.None).ConfigureAwait(false);
        Interlocked.Exchange(ref run.LastPost, Stopwatch.GetTimestamp());
        if (!accepted)
        {
            signal.Forget(orderId);
            Interlocked.Increment(ref run.ShedCount);
            return null;
        }
        run.Accept.Add(milliseconds);
        return posted;
    }

    private async Task WaitAsync(Run run, string orderId, long posted, CancellationToken waitUntil)
    {
        var status = await signal.WaitAsync(orderId, waitUntil).ConfigureAwait(false);
        if (status is not null)
        {
            run.EndToEnd.Add(Stopwatch.GetElapsedTime(posted).TotalMilliseconds);
            run.Statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            Interlocked.Increment(ref run.TerminalCount);
        }
    }

    /// <summary>One scenario's tallies while it runs.</summary>
    private sealed class Run
    {
        public readonly long Started = Stopwatch.GetTimestamp();
        public readonly ConcurrentBag<double> Accept = [];
        public readonly ConcurrentBag<double> EndToEnd = [];
        public readonly ConcurrentDictionary<string, int> Statuses = new(StringComparer.Ordinal);
        public int TerminalCount;
        public int ShedCount;
        public long LastPost;

        public int Terminal => Volatile.Read(ref TerminalCount);

        public double PostingSeconds => (Interlocked.Read(ref LastPost) - Started) / (double)Stopwatch.Frequency;

        public ScenarioResult Result(string name, double seconds, double postingSeconds, MemorySampler memory)
        {
            var samples = memory.Samples;
            var warm = memory.At(SteadyAfter.TotalSeconds);
            var last = samples[^1];
            var steady = last.Seconds - warm.Seconds >= SteadyAfter.TotalSeconds
                ? (last.Terminal - warm.Terminal) / (last.Seconds - warm.Seconds)
                : double.NaN;
            return new ScenarioResult(name, Accept.Count, EndToEnd.Count, Statuses, seconds, Accept.Count / Math.Max(postingSeconds, 1e-3),
                EndToEnd.Count / seconds, steady, LatencyStats.From(Accept), LatencyStats.From(EndToEnd), warm.WorkingSetBytes,
                last.WorkingSetBytes, memory.PeakWorkingSet, memory.PeakManagedHeap, samples)
            {
                Shed = Volatile.Read(ref ShedCount),
            };
        }
    }
}
