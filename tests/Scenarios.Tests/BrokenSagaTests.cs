using Scenarios.Tests.Harness;
using Scenarios.Tests.Invariants;
using Xunit.Sdk;

namespace Scenarios.Tests;

/// <summary>The checks are able to fail: a saga whose Ship Catch skips the refund is caught by the assertions and the invariants.</summary>
[Collection(InvariantRunsCollection.Name)]
public sealed class BrokenSagaTests
{
    [Fact]
    public void RewireCatch_ChangesOnlyThatCatchesTarget()
    {
        var broken = System.Text.Json.Nodes.JsonNode.Parse(BrokenSaga.WithoutRefundOnUnserviceableAddress())!;
        var intact = System.Text.Json.Nodes.JsonNode.Parse(OrderSaga.Definition())!;

        Assert.Equal("Release inventory", (string?)broken["States"]!["Ship order"]!["Catch"]![0]!["Next"]);
        Assert.Equal("Refund payment", (string?)intact["States"]!["Ship order"]!["Catch"]![0]!["Next"]);
        broken["States"]!["Ship order"]!["Catch"]![0]!["Next"] = "Refund payment";
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(intact, broken));
    }

    [Fact]
    public async Task ScenarioAssertions_FailOnTheBrokenSaga_ForAnUnserviceableAddress()
    {
        var world = await SagaWorld.CreateAsync(BrokenSaga.WithoutRefundOnUnserviceableAddress());

        await world.RunAsync("o-1", SagaWorld.OrderBody(country: "AQ"));

        await SagaAssertions.CancelledAsync(world, "o-1", "AddressUnserviceable");
        var failure = await Assert.ThrowsAsync<FalseException>(() => SagaAssertions.FullyCompensatedAsync(world, "o-1"));
        Assert.Contains("still holds money", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvariantChecker_ReportsChargedButNeverShipped_OnTheBrokenSaga_AndNothingOnTheRealOne()
    {
        const int orders = 400;
        const int seed = 20261123;

        var broken = await InvariantRun.ExecuteAsync(BrokenSaga.WithoutRefundOnUnserviceableAddress(), orders, seed);
        var intact = await InvariantRun.ExecuteAsync(OrderSaga.Definition(), orders, seed);

        Assert.Empty(intact.Violations);
        var moneyKept = broken.Violations.Where(v => v.Invariant == SagaInvariants.NothingChargedUnlessShippedOrRefunded).ToList();
        Assert.NotEmpty(moneyKept);
        var unserviceable = broken.Orders.Where(o => o.Body.Contains("\"country\":\"AQ\"", StringComparison.Ordinal)).Select(o => o.OrderId).ToHashSet();
        Assert.All(moneyKept, v => Assert.Contains(v.Subject, unserviceable));
    }

    [Fact]
    public async Task InvariantChecker_ReportsReservationsKeptByCancelledOrders_WhenADeclinedPaymentSkipsTheRelease()
    {
        var definition = BrokenSaga.RewireCatch(OrderSaga.Definition(), "Charge payment", "PaymentDeclined", "Record order cancelled");

        var broken = await InvariantRun.ExecuteAsync(definition, 300, seed: 424242);

        var declined = broken.Orders.Where(o => o.Body.Contains("tok_chargeDeclined", StringComparison.Ordinal)).Select(o => o.OrderId).ToHashSet();
        var keptStock = broken.Violations.Where(v => v.Detail.Contains("reservation=Reserved", StringComparison.Ordinal)).Select(v => v.Subject).ToList();
        Assert.NotEmpty(keptStock);
        Assert.All(keptStock, orderId => Assert.Contains(orderId, declined));
    }
}
