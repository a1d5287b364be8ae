namespace Scenarios.Tests.Faults;

/// <summary>What goes wrong between Step Functions and a function, around an invocation that itself works.</summary>
public enum DeliveryFault
{
    None,

    /// <summary>The function runs twice (at-least-once delivery); Step Functions sees the second answer.</summary>
    Duplicate,

    /// <summary>The function runs to the end but its answer never arrives: the Task state times out.</summary>
    ResponseLost,
}

/// <summary>Delivery faults by (handler, order, invocation number), counted per order so concurrent orders stay deterministic.</summary>
public sealed class DeliveryPlan
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string, string, int), DeliveryFault> _faults = [];
    private readonly Dictionary<(string, string), int> _invocations = [];
    private int _injected;

    /// <summary>How many invocations were delivered twice or lost their answer.</summary>
    public int Injected
    {
        get
        {
            lock (_gate)
            {
                return _injected;
            }
        }
    }

    public DeliveryPlan On(string handler, string orderId, int invocation, DeliveryFault fault)
    {
        lock (_gate)
        {
            _faults[(handler, orderId, invocation)] = fault;
        }

        return this;
    }

    /// <summary>Ends every delivery fault.</summary>
    public void Heal()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    public int Invocations(string handler, string orderId)
    {
        lock (_gate)
        {
            return _invocations.GetValueOrDefault((handler, orderId));
        }
    }

    internal DeliveryFault Next(string handler, string orderId)
    {
        lock (_gate)
        {
            var invocation = _invocations.GetValueOrDefault((handler, orderId)) + 1;
            _invocations[(handler, orderId)] = invocation;
            var fault = _faults.GetValueOrDefault((handler, orderId, invocation));
            if (fault != DeliveryFault.None)
            {
                _injected++;
            }

            return fault;
        }
    }
}
