using System.Text.Json.Nodes;
using ECommerce.Inventory.Domain;
using ECommerce.Payments.Domain;
using ECommerce.Shipping.Domain;
using EndToEnd.Tests.Support;

namespace EndToEnd.Tests;

/// <summary>
/// Orders submitted over HTTP to the in-process local runtime, one per outcome the saga has, followed to their terminal
/// status and checked against what each service recorded and what the topic announced.
/// </summary>
public sealed class OrderOutcomeTests(LocalRuntimeFixture runtime) : IClassFixture<LocalRuntimeFixture>
{
    private static readonly TimeSpan SagaTimeout = TimeSpan.FromSeconds(45);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnOrderInStock_Completes_ReservedChargedOnceShippedAndConfirmed()
    {
        var orderId = OrderRequests.NewOrderId("complete");

        var order = await SubmitAndWaitAsync(orderId, OrderRequests.Body(lines: [("SKU-1", 2), ("SKU-3", 1)]));

        Assert.Equal("COMPLETED", (string?)order["status"]);
        Assert.Equal(2 * 1999 + 499, (long?)order["totalAmount"]);
        Assert.Equal("USD", (string?)order["currency"]);
        var records = await RecordsOfAsync(orderId);
        Assert.Equal(ReservationStatus.Reserved, records.Reservation?.Status);
        Assert.NotNull(records.Charge);
        Assert.Equal(ChargeStatus.Charged, records.Charge.Status);
        Assert.Equal(1, records.Charge.Attempts);
        Assert.Equal(2 * 1999 + 499, records.Charge.Amount);
        Assert.Null(records.Charge.RefundId);
        Assert.Equal(ShipmentStatus.Shipped, records.Shipment?.Status);
        Assert.False(string.IsNullOrEmpty(records.Shipment?.TrackingNumber));
        var announced = await AnnouncementsOfAsync(orderId);
        var confirmed = Assert.Single(announced);
        Assert.Equal("OrderConfirmed", confirmed.EventType);
        Assert.Equal(2 * 1999 + 499, (long?)confirmed.Body["totalAmount"]);
        Assert.Equal(records.Shipment!.TrackingNumber, (string?)confirmed.Body["trackingNumber"]);
        await AssertInvariantsAsync();
    }

    [Fact]
    public async Task AnOrderForAnSkuWithNoStock_IsCancelled_WithNothingReservedChargedOrShipped()
    {
        var orderId = OrderRequests.NewOrderId("nostock");

        var order = await SubmitAndWaitAsync(orderId, OrderRequests.Body(lines: [("SKU-2", 1), ("SKU-OUT", 1)]));

        AssertCancelled(order, "InsufficientStock", mentioning: "SKU-OUT");
        var records = await RecordsOfAsync(orderId);
        Assert.Null(records.Reservation);
        Assert.Null(records.Charge);
        Assert.Null(records.Shipment);
        AssertCancellationAnnounced(await AnnouncementsOfAsync(orderId), "InsufficientStock");
        await AssertInvariantsAsync();
    }

    [Fact]
    public async Task AnOrderForAnUnknownSku_IsCancelled_WithUnknownSku()
    {
        var orderId = OrderRequests.NewOrderId("unknown");

        var order = await SubmitAndWaitAsync(orderId, OrderRequests.Body(lines: [("SKU-1", 1), ("NOT-IN-CATALOGUE", 1)]));

        AssertCancelled(order, "UnknownSku", mentioning: "NOT-IN-CATALOGUE");
        var records = await RecordsOfAsync(orderId);
        Assert.Null(records.Reservation);
        Assert.Null(records.Charge);
        Assert.Null(records.Shipment);
        AssertCancellationAnnounced(await AnnouncementsOfAsync(orderId), "UnknownSku");
        await AssertInvariantsAsync();
    }

    [Fact]
    public async Task AnOrderWithADeclinedPayment_IsCancelled_AndItsInventoryReleased()
    {
        var orderId = OrderRequests.NewOrderId("declined");

        var order = await SubmitAndWaitAsync(orderId, OrderRequests.Body(token: OrderRequests.DeclinedToken, lines: [("SKU-4", 3)]));

        AssertCancelled(order, "PaymentDeclined", mentioning: null);
        var records = await RecordsOfAsync(orderId);
        Assert.Equal(ReservationStatus.Released, records.Reservation?.Status);
        Assert.NotNull(records.Charge);
        Assert.Equal(ChargeStatus.Attempted, records.Charge.Status);
        Assert.Null(records.Charge.ChargeId);
        Assert.Null(records.Charge.RefundId);
        Assert.Null(records.Shipment);
        AssertCancellationAnnounced(await AnnouncementsOfAsync(orderId), "PaymentDeclined");
        var path = await PathOfAsync(orderId);
        Assert.Equal(["Reserve inventory", "Charge payment", "Release inventory", "Record order cancelled", "Announce order cancelled", "Order cancelled"], path);
        await AssertInvariantsAsync();
    }

    [Fact]
    public async Task AnOrderTheCarrierCannotShip_IsRefundedOnceReleasedAndCancelled()
    {
        var orderId = OrderRequests.NewOrderId("unshippable");

        var order = await SubmitAndWaitAsync(orderId, OrderRequests.Body(country: OrderRequests.UnserviceableCountry, lines: [("SKU-5", 4)]));

        AssertCancelled(order, "AddressUnserviceable", mentioning: null);
        var records = await RecordsOfAsync(orderId);
        Assert.Equal(ReservationStatus.Released, records.Reservation?.Status);
        Assert.NotNull(records.Charge);
        Assert.Equal(ChargeStatus.Refunded, records.Charge.Status);
        Assert.Equal(1, records.Charge.Attempts);
        Assert.Equal(4 * 75, records.Charge.Amount);
        Assert.False(string.IsNullOrEmpty(records.Charge.ChargeId));
        Assert.False(string.IsNullOrEmpty(records.Charge.RefundId));
        Assert.NotEqual(ShipmentStatus.Shipped, records.Shipment?.Status);
        AssertCancellationAnnounced(await AnnouncementsOfAsync(orderId), "AddressUnserviceable");
        var path = (await PathOfAsync(orderId)).ToList();
        Assert.Equal(1, path.Count(s => s == "Refund payment"));
        Assert.Equal(1, path.Count(s => s == "Release inventory"));
        Assert.True(path.IndexOf("Refund payment") < path.IndexOf("Release inventory"), "Compensations run in reverse order: " + string.Join(" → ", path));
        await AssertInvariantsAsync();
    }

    [Fact]
    public async Task AnOrderWithTransientGatewayAndCarrierFaults_IsRetriedAndCompletes()
    {
        var orderId = OrderRequests.NewOrderId("flaky");

        var order = await SubmitAndWaitAsync(orderId, OrderRequests.Body(token: "tok_flaky_2", postalCode: "OUTAGE-1", lines: [("SKU-3", 2)]));

        Assert.Equal("COMPLETED", (string?)order["status"]);
        var records = await RecordsOfAsync(orderId);
        Assert.NotNull(records.Charge);
        Assert.Equal(ChargeStatus.Charged, records.Charge.Status);
        Assert.Equal(3, records.Charge.Attempts);
        Assert.Null(records.Charge.RefundId);
        Assert.NotNull(records.Shipment);
        Assert.Equal(ShipmentStatus.Shipped, records.Shipment.Status);
        Assert.Equal(2, records.Shipment.Attempts);
        Assert.Equal("OrderConfirmed", Assert.Single(await AnnouncementsOfAsync(orderId)).EventType);
        await AssertInvariantsAsync();
    }

    private async Task<JsonObject> SubmitAndWaitAsync(string orderId, string body)
    {
        await runtime.Orders.SubmitAsync(orderId, body, Cancellation);
        return await runtime.Orders.WaitForTerminalAsync(orderId, SagaTimeout, Cancellation);
    }

    private static void AssertCancelled(JsonObject order, string error, string? mentioning)
    {
        Assert.Equal("CANCELLED", (string?)order["status"]);
        var reason = (string?)order["reason"];
        Assert.NotNull(reason);
        Assert.StartsWith(error, reason, StringComparison.Ordinal);
        if (mentioning is not null)
        {
            Assert.Contains(mentioning, reason, StringComparison.Ordinal);
        }
    }

    private static void AssertCancellationAnnounced(IReadOnlyList<TopicMessage> announced, string error)
    {
        var cancelled = Assert.Single(announced);
        Assert.Equal("OrderCancelled", cancelled.EventType);
        Assert.Equal(error, (string?)cancelled.Body["reason"]);
    }

    /// <summary>The order's messages on the order events topic; the announcement is the saga's last step, so wait for it.</summary>
    private async Task<IReadOnlyList<TopicMessage>> AnnouncementsOfAsync(string orderId)
    {
        var started = DateTime.UtcNow;
        while (true)
        {
            var messages = (await runtime.Orders.TopicMessagesAsync(Cancellation)).Where(m => m.OrderId == orderId).ToList();
            var executions = await runtime.ExecutionsNamedAsync(orderId, Cancellation);
            var finished = executions.Count > 0 && executions.All(e => (string?)e["status"] != "RUNNING");
            if (finished || DateTime.UtcNow - started > SagaTimeout)
            {
                return messages;
            }

            await Task.Delay(100, Cancellation);
        }
    }

    private async Task<IReadOnlyList<string>> PathOfAsync(string orderId)
    {
        var order = await runtime.Orders.GetAsync(orderId, Cancellation);
        var executionArn = (string?)order?["executionArn"];
        Assert.False(string.IsNullOrEmpty(executionArn), $"Order {orderId} has no executionArn: {order?.ToJsonString()}");
        await AnnouncementsOfAsync(orderId);
        return await runtime.StatesEnteredAsync(executionArn, Cancellation);
    }

    private async Task<OrderRecords> RecordsOfAsync(string orderId)
    {
        var snapshot = await runtime.Runtime.Services.Stores.ReadSnapshotAsync();
        return new OrderRecords(
            snapshot.Inventory.Reservations.SingleOrDefault(r => r.OrderId == orderId),
            snapshot.Charges.SingleOrDefault(c => c.OrderId == orderId),
            snapshot.Shipments.SingleOrDefault(s => s.OrderId == orderId));
    }

    private async Task AssertInvariantsAsync() => SagaInvariants.AssertHold(await runtime.Runtime.Services.Stores.ReadSnapshotAsync());

    private sealed record OrderRecords(Reservation? Reservation, ChargeRecord? Charge, ShipmentRecord? Shipment);
}
