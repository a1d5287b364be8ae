using System.Diagnostics;

namespace ECommerce.Bench.LoadDriver;

/// <summary>Samples this process's working set and managed heap every interval until disposed; reports start and peak.</summary>
public sealed class MemorySampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private bool _disposed;

    public MemorySampler(TimeSpan interval)
    {
        StartWorkingSet = Environment.WorkingSet;
        PeakWorkingSet = StartWorkingSet;
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

    public long StartWorkingSet { get; }

    public long PeakWorkingSet { get; private set; }

    public long PeakManagedHeap { get; private set; }

    public long EndWorkingSet { get; private set; }

    private void Sample()
    {
        using var self = Process.GetCurrentProcess();
        PeakWorkingSet = Math.Max(PeakWorkingSet, self.WorkingSet64);
        PeakManagedHeap = Math.Max(PeakManagedHeap, GC.GetTotalMemory(forceFullCollection: false));
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
        EndWorkingSet = Environment.WorkingSet;
        _stop.Dispose();
    }
}
