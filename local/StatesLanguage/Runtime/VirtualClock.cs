namespace StatesLanguage.Runtime;

/// <summary>
/// A <see cref="TimeProvider"/> whose time only moves when told to, or by itself when every execution it runs is
/// blocked on a timer: it then jumps to the earliest due timer. Waits, retry backoff and timeouts finish at once
/// in real time while history timestamps show the simulated durations.
/// </summary>
public sealed class VirtualClock : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<Entry> _entries = [];
    private DateTimeOffset _now;
    private long _sequence;
    private int _busy;
    private bool _advancing;

    /// <summary>Starts at <paramref name="start"/> (default: the real current time, rounded to the millisecond).</summary>
    public VirtualClock(DateTimeOffset? start = null)
    {
        var now = start ?? DateTimeOffset.UtcNow;
        _now = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }

    /// <summary>When false, time moves only through <see cref="Advance"/>.</summary>
    public bool AutoAdvance { get; set; } = true;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <summary>Moves time forward, firing every timer that falls due on the way.</summary>
    public void Advance(TimeSpan by)
    {
        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + by;
        }
        while (true)
        {
            List<Entry> due;
            lock (_gate)
            {
                var next = _entries.Where(e => e.Due <= target).OrderBy(e => e.Due).ThenBy(e => e.Sequence).FirstOrDefault();
                if (next is null)
                {
                    _now = target;
                    return;
                }
                _now = next.Due > _now ? next.Due : _now;
                due = TakeDue();
            }
            Fire(due);
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new VirtualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>
    /// Waits <paramref name="delay"/> of virtual time. The caller counts as blocked (not busy) until the delay ends,
    /// which is what lets the clock jump forward when everything is waiting.
    /// </summary>
    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken = default)
    {
        if (delay <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }
        cancellationToken.ThrowIfCancellationRequested();
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Entry entry;
        lock (_gate)
        {
            entry = new Entry(_now + delay, _sequence++, tcs, null);
            _entries.Add(entry);
            _busy--;
        }
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() =>
            {
                bool removed;
                lock (_gate)
                {
                    removed = _entries.Remove(entry);
                    if (removed)
                    {
                        _busy++;
                    }
                }
                if (removed)
                {
                    tcs.TrySetCanceled(cancellationToken);
                }
            });
            tcs.Task.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
        }
        TryAutoAdvance();
        return tcs.Task;
    }

    /// <summary>Marks one more logical thread of work as running (an execution, a branch, an iteration, a call).</summary>
    internal void EnterActivity(int count = 1)
    {
        lock (_gate)
        {
            _busy += count;
        }
    }

    /// <summary>Marks a logical thread as finished; when nothing is running the clock may jump.</summary>
    internal void ExitActivity()
    {
        lock (_gate)
        {
            _busy--;
        }
        TryAutoAdvance();
    }

    private void TryAutoAdvance()
    {
        while (true)
        {
            List<Entry> due;
            lock (_gate)
            {
                if (!AutoAdvance || _advancing || _busy > 0 || _entries.Count == 0)
                {
                    return;
                }
                var next = _entries.OrderBy(e => e.Due).ThenBy(e => e.Sequence).First();
                if (next.Due > _now)
                {
                    _now = next.Due;
                }
                due = TakeDue();
                _advancing = true;
            }
            try
            {
                Fire(due);
            }
            finally
            {
                lock (_gate)
                {
                    _advancing = false;
                }
            }
            if (due.Any(e => e.Delay is null))
            {
                // A plain timer callback may start work asynchronously; look again once it had a chance to run.
                _ = Task.Run(async () =>
                {
                    await Task.Delay(2).ConfigureAwait(false);
                    TryAutoAdvance();
                });
                return;
            }
        }
    }

    // Callers hold _gate.
    private List<Entry> TakeDue()
    {
        var due = _entries.Where(e => e.Due <= _now).OrderBy(e => e.Due).ThenBy(e => e.Sequence).ToList();
        foreach (var entry in due)
        {
            _entries.Remove(entry);
            if (entry.Delay is not null)
            {
                _busy++;
            }
        }
        return due;
    }

    private static void Fire(List<Entry> due)
    {
        foreach (var entry in due)
        {
            if (entry.Delay is not null)
            {
                entry.Delay.TrySetResult();
            }
            else
            {
                entry.Timer!.Fire();
            }
        }
    }

    private void Schedule(VirtualTimer timer, TimeSpan dueTime)
    {
        lock (_gate)
        {
            _entries.RemoveAll(e => e.Timer == timer);
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                _entries.Add(new Entry(_now + (dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime), _sequence++, null, timer));
            }
        }
    }

    private void Unschedule(VirtualTimer timer)
    {
        lock (_gate)
        {
            _entries.RemoveAll(e => e.Timer == timer);
        }
    }

    private sealed record Entry(DateTimeOffset Due, long Sequence, TaskCompletionSource? Delay, VirtualTimer? Timer);

    private sealed class VirtualTimer(VirtualClock clock, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;
        private bool _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (_disposed)
            {
                return false;
            }
            _period = period;
            clock.Schedule(this, dueTime);
            return true;
        }

        public void Fire()
        {
            if (_disposed)
            {
                return;
            }
            if (_period != Timeout.InfiniteTimeSpan && _period > TimeSpan.Zero)
            {
                clock.Schedule(this, _period);
            }
            callback(state);
        }

        public void Dispose()
        {
            _disposed = true;
            clock.Unschedule(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>Delays and activity accounting on whichever clock the engine runs: virtual, or real with a time scale.</summary>
internal sealed class EngineClock(TimeProvider provider, double timeScale)
{
    public TimeProvider Provider { get; } = provider;

    private VirtualClock? Virtual => Provider as VirtualClock;

    public DateTimeOffset Now => Provider.GetUtcNow();

    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (Virtual is { } v)
        {
            return v.DelayAsync(delay, cancellationToken);
        }
        if (delay <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }
        var scaled = timeScale > 0 && timeScale != 1 ? TimeSpan.FromTicks((long)(delay.Ticks / timeScale)) : delay;
        return Task.Delay(scaled, Provider, cancellationToken);
    }

    /// <summary>
    /// True on the system clock: a timeout can then be armed later with <see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/>
    /// (by <see cref="Scaled"/> time), which uses the system clock too.
    /// </summary>
    public bool CanArmLater => Provider == TimeProvider.System;

    /// <summary>Real time for <paramref name="duration"/> of execution time, with the time scale applied.</summary>
    public TimeSpan Scaled(TimeSpan duration) => timeScale > 0 && timeScale != 1 ? TimeSpan.FromTicks((long)(duration.Ticks / timeScale)) : duration;

    /// <summary>A token cancelled after <paramref name="after"/> of (virtual or scaled) time.</summary>
    public CancellationTokenSource TimeoutSource(TimeSpan after)
    {
        if (Virtual is not null)
        {
            return new CancellationTokenSource(after, Provider);
        }
        var scaled = timeScale > 0 && timeScale != 1 ? TimeSpan.FromTicks((long)(after.Ticks / timeScale)) : after;
        return new CancellationTokenSource(scaled, Provider);
    }

    public void Enter(int count = 1) => Virtual?.EnterActivity(count);

    public void Exit() => Virtual?.ExitActivity();
}
