using System.Text.Json.Nodes;
using StateMachineGraph.Model;
using StateMachineGraph.Overlay;

namespace StateMachineGraph.Tests;

public class ExecutionOverlayTests
{
    private readonly StateGraph _saga = Fixtures.Graph("saga.asl.json");

    [Fact]
    public void Compute_HappyPath_AllStepsSucceededAndTheMainPathIsTaken()
    {
        var history = new HistoryBuilder().Started()
            .Task("ReserveInventory").Task("ChargePayment").Task("ShipOrder")
            .Passes("Choice", "ShipmentAccepted")
            .Task("MarkCompleted").Task("NotifyConfirmed")
            .Passes("Succeed", "OrderCompleted")
            .Event("ExecutionSucceeded", "executionSucceededEventDetails", new JsonObject { ["output"] = "{}" });

        var overlay = Compute(history);

        Assert.Equal("SUCCEEDED", overlay.ExecutionStatus);
        foreach (var name in new[] { "ReserveInventory", "ChargePayment", "ShipOrder", "ShipmentAccepted", "MarkCompleted", "NotifyConfirmed", "OrderCompleted" })
        {
            Assert.Equal(StateStatus.Succeeded, overlay.StatusOf(name));
        }

        Assert.Equal(StateStatus.NotReached, overlay.StatusOf("CancelShipment"));
        Assert.Equal(StateStatus.NotReached, overlay.StatusOf("OrderCancelled"));
        Assert.Equivalent(
            new[]
            {
                ("Start", "ReserveInventory"), ("ReserveInventory", "ChargePayment"), ("ChargePayment", "ShipOrder"),
                ("ShipOrder", "ShipmentAccepted"), ("ShipmentAccepted", "MarkCompleted"), ("MarkCompleted", "NotifyConfirmed"),
                ("NotifyConfirmed", "OrderCompleted"), ("OrderCompleted", "End"),
            },
            Taken(overlay),
            strict: true);
        var choiceEdge = _saga.Edges.Single(e => overlay.IsTaken(e.Id) && _saga.Node(e.From).Name == "ShipmentAccepted");
        Assert.Equal(EdgeKind.Choice, choiceEdge.Kind);
    }

    [Fact]
    public void Compute_CaughtFailure_MarksTheStepCaughtAndTheCompensationsInReverseOrder()
    {
        var history = new HistoryBuilder().Started()
            .Task("ReserveInventory").Task("ChargePayment")
            .Task("ShipOrder", caught: true, "AddressUnserviceable")
            .Task("RefundPayment").Task("ReleaseInventory").Task("MarkCancelled").Task("NotifyCancelled")
            .Passes("Fail", "OrderCancelled", exits: false)
            .Event("ExecutionFailed", "executionFailedEventDetails", new JsonObject { ["error"] = "OrderCancelled", ["cause"] = "The order was cancelled" });

        var overlay = Compute(history);

        Assert.Equal("FAILED", overlay.ExecutionStatus);
        Assert.Equal(StateStatus.Succeeded, overlay.StatusOf("ReserveInventory"));
        Assert.Equal(StateStatus.Succeeded, overlay.StatusOf("ChargePayment"));
        Assert.Equal(StateStatus.Caught, overlay.StatusOf("ShipOrder"));
        Assert.Equal("AddressUnserviceable", overlay.States["ShipOrder"].Error);
        Assert.Equal("AddressUnserviceable happened", overlay.States["ShipOrder"].Cause);
        foreach (var name in new[] { "RefundPayment", "ReleaseInventory", "MarkCancelled", "NotifyCancelled" })
        {
            Assert.Equal(StateStatus.Compensating, overlay.StatusOf(name));
        }

        Assert.Equal(StateStatus.Failed, overlay.StatusOf("OrderCancelled"));
        Assert.Equal("OrderCancelled", overlay.States["OrderCancelled"].Error);
        Assert.Equal(StateStatus.NotReached, overlay.StatusOf("ShipmentAccepted"));
        Assert.Equal(StateStatus.NotReached, overlay.StatusOf("CancelShipment"));

        var taken = Taken(overlay);
        Assert.Contains(("ShipOrder", "RefundPayment"), taken);
        Assert.Contains(("RefundPayment", "ReleaseInventory"), taken);
        Assert.Contains(("OrderCancelled", "End"), taken);
        Assert.DoesNotContain(("ShipOrder", "ShipmentAccepted"), taken);
        Assert.Equal(EdgeKind.Catch, _saga.Edges.Single(e => overlay.IsTaken(e.Id) && _saga.Node(e.From).Name == "ShipOrder").Kind);
    }

    [Fact]
    public void Compute_RetriedTask_CountsRetriesAndKeepsTheLastError()
    {
        var history = new HistoryBuilder().Started()
            .Task("ReserveInventory")
            .Task("ChargePayment", caught: false, "PaymentGatewayUnavailable", "PaymentGatewayUnavailable", "ok")
            .Task("ShipOrder")
            .Passes("Choice", "ShipmentAccepted");

        var overlay = Compute(history);

        var charge = overlay.States["ChargePayment"];
        Assert.Equal(StateStatus.Retried, charge.Status);
        Assert.Equal(2, charge.RetryCount);
        Assert.Equal("PaymentGatewayUnavailable", charge.Error);
        Assert.Equal(StateStatus.Succeeded, overlay.StatusOf("ShipOrder"));
        Assert.Equal(0, overlay.States["ShipOrder"].RetryCount);
        Assert.Contains(("ChargePayment", "ShipOrder"), Taken(overlay));
        Assert.DoesNotContain(("ChargePayment", "ReleaseInventory"), Taken(overlay));
    }

    [Fact]
    public void Compute_RunningExecution_MarksTheOpenStateRunning()
    {
        var history = new HistoryBuilder().Started()
            .Task("ReserveInventory")
            .Event("TaskStateEntered", "stateEnteredEventDetails", new JsonObject { ["name"] = "ChargePayment", ["input"] = "{\"amount\":5}" })
            .Event("TaskScheduled", "taskScheduledEventDetails", new JsonObject());

        var overlay = Compute(history);

        Assert.Equal("RUNNING", overlay.ExecutionStatus);
        var charge = overlay.States["ChargePayment"];
        Assert.Equal(StateStatus.Running, charge.Status);
        Assert.Equal("{\"amount\":5}", charge.Input);
        Assert.Null(charge.Output);
        Assert.Null(charge.Duration);
        Assert.Equal(StateStatus.NotReached, overlay.StatusOf("ShipOrder"));
        Assert.Contains(("ReserveInventory", "ChargePayment"), Taken(overlay));
    }

    [Fact]
    public void Compute_Details_CarryInputOutputTimestampsAndDuration()
    {
        var history = new HistoryBuilder().Started().Task("ReserveInventory");

        var details = Compute(history).States["ReserveInventory"];

        // Events 2 (entered) to 6 (exited), 100 ms apart.
        Assert.Equal(HistoryBuilder.At(2), details.EnteredAt);
        Assert.Equal(HistoryBuilder.At(6), details.ExitedAt);
        Assert.Equal(TimeSpan.FromMilliseconds(400), details.Duration);
        Assert.Equal("{\"in\":\"ReserveInventory\"}", details.Input);
        Assert.Equal("{\"out\":\"ReserveInventory\"}", details.Output);
        Assert.Equal(1, details.Visits);
    }

    [Fact]
    public void Compute_UncaughtTaskFailure_FailsTheState()
    {
        var history = new HistoryBuilder().Started()
            .Task("ReserveInventory", caught: false, "States.Timeout")
            .Event("ExecutionFailed", "executionFailedEventDetails", new JsonObject { ["error"] = "States.Timeout" });

        var overlay = Compute(history);

        Assert.Equal(StateStatus.Failed, overlay.StatusOf("ReserveInventory"));
        Assert.Equal("States.Timeout", overlay.States["ReserveInventory"].Error);
        Assert.DoesNotContain(Taken(overlay), t => t.From == "ReserveInventory");
    }

    [Fact]
    public void Compute_ParallelCaughtAfterBranchFailure_MarksGroupCaughtAndBranchStateFailed()
    {
        var graph = Fixtures.Graph("parallel-map.asl.json");
        var b = new HistoryBuilder().Started().Passes("Pass", "Prepare");
        b.Event("ParallelStateEntered", "stateEnteredEventDetails", new JsonObject { ["name"] = "FanOut", ["input"] = "{}" });
        b.Event("ParallelStateStarted");
        var parallelStarted = b.LastId;
        b.Task("CheckFraud");
        b.Event("WaitStateEntered", "stateEnteredEventDetails", new JsonObject { ["name"] = "Settle" });
        b.Event("WaitStateExited", "stateExitedEventDetails", new JsonObject { ["name"] = "Settle" });
        b.Event("MapStateEntered", "stateEnteredEventDetails", new JsonObject { ["name"] = "PerLine" }, previous: parallelStarted);
        b.Event("MapStateStarted");
        b.Event("MapIterationStarted", "mapIterationStartedEventDetails", new JsonObject { ["name"] = "PerLine", ["index"] = 0 });
        b.Task("PriceLine").Passes("Choice", "InStock").Passes("Fail", "LineShort", exits: false);
        b.Event("MapIterationFailed", "mapIterationFailedEventDetails", new JsonObject { ["name"] = "PerLine", ["index"] = 0 });
        b.Event("MapStateFailed");
        b.Event("ParallelStateFailed", "parallelStateFailedEventDetails", new JsonObject { ["error"] = "InsufficientStock" });
        b.Event("ParallelStateExited", "stateExitedEventDetails", new JsonObject { ["name"] = "FanOut", ["output"] = "{}" });
        b.Passes("Fail", "Rejected", exits: false);
        b.Event("ExecutionFailed", "executionFailedEventDetails", new JsonObject { ["error"] = "Rejected" });

        var overlay = ExecutionOverlay.Compute(graph, ExecutionHistory.Parse(b.ToJson()));

        Assert.Equal(StateStatus.Caught, overlay.StatusOf("FanOut"));
        Assert.Equal(StateStatus.Succeeded, overlay.StatusOf("CheckFraud"));
        Assert.Equal(StateStatus.Failed, overlay.StatusOf("LineShort"));
        Assert.Equal(StateStatus.Failed, overlay.StatusOf("Rejected"));
        Assert.Equal(StateStatus.NotReached, overlay.StatusOf("Legacy"));
        var taken = graph.Edges.Where(e => overlay.IsTaken(e.Id)).Select(e => (graph.Node(e.From).Name, graph.Node(e.To).Name)).ToList();
        Assert.Contains(("CheckFraud", "Settle"), taken);
        Assert.Contains(("InStock", "LineShort"), taken);
        Assert.Contains(("FanOut", "Rejected"), taken);
        Assert.DoesNotContain(("FanOut", "Legacy"), taken);
    }

    [Fact]
    public void Parse_EpochTimestampsAndBareArray_AreAccepted()
    {
        const string json = """[{"timestamp":1767322800.25,"type":"ExecutionStarted","id":1,"previousEventId":0}]""";

        var history = ExecutionHistory.Parse(json);

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1767322800250), history.Events[0].Timestamp);
        Assert.Equal("RUNNING", history.Status);
    }

    private ExecutionOverlay Compute(HistoryBuilder history) => ExecutionOverlay.Compute(_saga, ExecutionHistory.Parse(history.ToJson()));

    private List<(string From, string To)> Taken(ExecutionOverlay overlay) =>
        _saga.Edges.Where(e => overlay.IsTaken(e.Id)).Select(e => (_saga.Node(e.From).Name, _saga.Node(e.To).Name)).ToList();
}
