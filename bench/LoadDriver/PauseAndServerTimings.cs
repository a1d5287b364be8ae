using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Diagnostics.Tracing;

namespace ECommerce.Bench.LoadDriver;

/// <summary>
/// Where an accept latency goes, for an in-process host: the server's own time for POST /orders (ASP.NET Core's
/// http.server.request.duration, from the request's start to its response) and each GC pause (the runtime's
/// suspend-to-restart events). A client p99 far above the server's says the time went to the client's side of the
/// thread pool; a GC pause as long as the p99 says the GC stopped everyone.
/// Listening costs the host about a tenth of its throughput, so the driver only listens when asked (--diagnostics).
/// </summary>
public sealed class PauseAndServerTimings : EventListener
{
    private const int GcKeyword = 0x1;
    private const int SuspendBeginEventId = 9;
    private const int RestartEndEventId = 3;

    private readonly MeterListener _meters = new();
    private readonly ConcurrentBag<double> _serverPosts = [];
    private readonly ConcurrentBag<double> _pauses = [];
    private DateTime _suspendedAt;
    private bool _listening = true;

    public PauseAndServerTimings()
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Microsoft.AspNetCore.Hosting" && instrument.Name == "http.server.request.duration")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
        {
            string? method = null, route = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "http.request.method")
                {
                    method = tag.Value as string;
                }
                else if (tag.Key == "http.route")
                {
                    route = tag.Value as string;
                }
            }
            if (Volatile.Read(ref _listening) && method == "POST" && route == "/orders")
            {
                _serverPosts.Add(seconds * 1000);
            }
        });
        _meters.Start();
    }

    /// <summary>The server's time for each POST /orders since the last call, then starts a new tally.</summary>
    public LatencyStats TakeServerPosts() => LatencyStats.From(Drain(_serverPosts));

    /// <summary>GC pauses since the last call, then starts a new tally.</summary>
    public LatencyStats TakePauses() => LatencyStats.From(Drain(_pauses));

    public override void Dispose()
    {
        Volatile.Write(ref _listening, false);
        _meters.Dispose();
        base.Dispose();
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Informational, (EventKeywords)GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventId == SuspendBeginEventId)
        {
            _suspendedAt = eventData.TimeStamp;
        }
        else if (eventData.EventId == RestartEndEventId && _suspendedAt != default)
        {
            _pauses.Add((eventData.TimeStamp - _suspendedAt).TotalMilliseconds);
            _suspendedAt = default;
        }
    }

    private static List<double> Drain(ConcurrentBag<double> bag)
    {
        var taken = new List<double>(bag.Count);
        while (bag.TryTake(out var value))
        {
            taken.Add(value);
        }
        return taken;
    }
}
