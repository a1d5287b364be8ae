using System.Text.Json.Nodes;

namespace Scenarios.Tests;

/// <summary>Deliberately broken copies of the saga definition, to prove the scenario assertions and invariant checks can fail.</summary>
public static class BrokenSaga
{
    /// <summary>
    /// The definition with the Catch of <paramref name="state"/> that matches <paramref name="error"/> sent to
    /// <paramref name="next"/> instead (e.g. Ship order's AddressUnserviceable straight to Release inventory, skipping the refund).
    /// </summary>
    public static string RewireCatch(string definition, string state, string error, string next)
    {
        var root = JsonNode.Parse(definition)!.AsObject();
        var states = root["States"]!.AsObject();
        if (!states.ContainsKey(next))
        {
            throw new ArgumentException($"The definition has no state '{next}'.", nameof(next));
        }

        var catcher = (states[state]?["Catch"] as JsonArray ?? throw new ArgumentException($"State '{state}' has no Catch.", nameof(state)))
            .OfType<JsonObject>()
            .FirstOrDefault(c => c["ErrorEquals"]!.AsArray().Any(e => (string?)e == error))
            ?? throw new ArgumentException($"State '{state}' has no Catch for {error}.", nameof(error));
        catcher["Next"] = next;
        return root.ToJsonString();
    }

    /// <summary>Ship order's AddressUnserviceable Catch skips "Refund payment": the customer pays for an order never shipped.</summary>
    public static string WithoutRefundOnUnserviceableAddress() =>
        RewireCatch(OrderSaga.Definition(), "Ship order", "AddressUnserviceable", "Release inventory");
}
