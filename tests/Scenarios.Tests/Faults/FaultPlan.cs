using StatesLanguage.Runtime;

namespace Scenarios.Tests.Faults;

/// <summary>The port operations a fault can be injected into (one per saga step or compensation).</summary>
public enum Port
{
    Reserve,
    Release,
    Charge,
    Refund,
    Ship,
    CancelShipment,
    RecordStatus,
}

/// <summary>What one call to a port does instead of its work.</summary>
public enum FaultKind
{
    None,

    /// <summary>Throws the port's transient error (InventoryUnavailable, PaymentGatewayUnavailable, CarrierUnavailable, OrdersUnavailable).</summary>
    Transient,

    /// <summary>Hangs on the virtual clock until the caller gives up (the Task state's TimeoutSeconds), doing nothing.</summary>
    Hang,
}

/// <summary>
/// Which calls of which port fail, per order: "the Nth call", "the first N calls" or "every call until healed".
/// Calls are counted per (port, order), so concurrent orders do not disturb each other's schedule.
/// </summary>
public sealed class FaultPlan
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(Port, string), Dictionary<int, FaultKind>> _byCall = [];
    private readonly Dictionary<(Port, string), FaultKind> _always = [];
    private readonly Dictionary<(Port, string), int> _calls = [];
    private int _injected;

    /// <summary>The clock hangs wait on; set by the world that owns the plan.</summary>
    internal VirtualClock? Clock { get; set; }

    public FaultPlan FailCall(Port port, string orderId, int call, FaultKind kind = FaultKind.Transient)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(call, 1);
        lock (_gate)
        {
            if (!_byCall.TryGetValue((port, orderId), out var calls))
            {
                _byCall[(port, orderId)] = calls = [];
            }

            calls[call] = kind;
        }

        return this;
    }

    public FaultPlan FailFirst(Port port, string orderId, int calls, FaultKind kind = FaultKind.Transient)
    {
        for (var call = 1; call <= calls; call++)
        {
            FailCall(port, orderId, call, kind);
        }

        return this;
    }

    /// <summary>A lasting outage: every call fails until <see cref="Heal"/>.</summary>
    public FaultPlan FailAlways(Port port, string orderId, FaultKind kind = FaultKind.Transient)
    {
        lock (_gate)
        {
            _always[(port, orderId)] = kind;
        }

        return this;
    }

    /// <summary>Ends every fault: later calls all succeed (the operator fixed the dependency).</summary>
    public void Heal()
    {
        lock (_gate)
        {
            _byCall.Clear();
            _always.Clear();
        }
    }

    /// <summary>How many calls, over all ports and orders, failed or hung on purpose.</summary>
    public int Injected => Volatile.Read(ref _injected);

    /// <summary>How many times the port was called for the order (faulted calls included).</summary>
    public int Calls(Port port, string orderId)
    {
        lock (_gate)
        {
            return _calls.GetValueOrDefault((port, orderId));
        }
    }

    /// <summary>Counts the call and applies its fault: throws the port's transient error, or hangs until cancelled.</summary>
    internal async Task ApplyAsync(Port port, string orderId, Func<string, Exception> transientError, CancellationToken cancellationToken)
    {
        FaultKind kind;
        int call;
        lock (_gate)
        {
            call = _calls.GetValueOrDefault((port, orderId)) + 1;
            _calls[(port, orderId)] = call;
            kind = _always.TryGetValue((port, orderId), out var always) ? always
                : _byCall.TryGetValue((port, orderId), out var calls) ? calls.GetValueOrDefault(call) : FaultKind.None;
        }

        if (kind != FaultKind.None)
        {
            Interlocked.Increment(ref _injected);
        }

        switch (kind)
        {
            case FaultKind.Transient:
                throw transientError($"Injected fault: {port} call {call} for order {orderId} failed.");
            case FaultKind.Hang:
                var clock = Clock ?? throw new InvalidOperationException("A hang needs the world's virtual clock.");
                // Longer than any Task state's TimeoutSeconds: the state times out first and cancels this wait.
                await clock.DelayAsync(TimeSpan.FromMinutes(10), cancellationToken).ConfigureAwait(false);
                throw transientError($"Injected fault: {port} call {call} for order {orderId} hung for 10 minutes.");
        }
    }
}
