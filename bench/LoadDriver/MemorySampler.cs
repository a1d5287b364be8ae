using System.Diagnostics;

namespace ECommerce.Bench.LoadDriver;

/// <summary>One sample: seconds since the scenario started, this process's working set and managed heap, orders terminal so far.</summary>
public sealed record MemorySample(double Seconds, long WorkingSetBytes, long ManagedHeapBytes, int Terminal);

/// <summary>
/// Samples this process's working set, managed heap and a progress counter every interval until disposed, so a run
/// shows whether memory stays flat after warm-up and how throughput holds up over time.
/// </summary>
public sealed class MemorySampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Func<int> _progress;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly List<MemorySample> _samples = [];
    private bool _disposed;

    public MemorySampler(TimeSpan interval, Func<int> progress)
    {
        _progress = progress;
        Sample();
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
                {
                    Sample();
                }
            }
            catch (OperationCanceledException)
            {
                // Disposed: the last sample is taken below.
            }
        });
    }

    public IReadOnlyList<MemorySample> Samples
    {
        get
        {
            lock (_samples)
            {
                return [.. _samples];
            }
        }
    }

    public long PeakWorkingSet => Samples.Max(s => s.WorkingSetBytes);

    public long PeakManagedHeap => Samples.Max(s => s.ManagedHeapBytes);

    /// <summary>The first sample at or after <paramref name="seconds"/> (the last one when the run was shorter).</summary>
    public MemorySample At(double seconds) => Samples.FirstOrDefault(s => s.Seconds >= seconds) ?? Samples[^1];

    private void Sample()
    {
        using var self = Process.GetCurrentProcess();
        var sample = new MemorySample(Stopwatch.GetElapsedTime(_started).TotalSeconds, self.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false), _progress());
        lock (_samples)
        {
            _samples.Add(sample);
        }
    }

    /// <summary>Stops sampling and takes the last sample; later calls do nothing, so a scenario can read figures before its scope ends.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        Sample();
        _stop.Dispose();
    }
}
