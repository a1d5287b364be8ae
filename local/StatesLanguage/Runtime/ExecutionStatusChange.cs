using System.Text.Json.Nodes;

namespace StatesLanguage.Runtime;

/// <summary>
/// The "Step Functions Execution Status Change" event AWS sends to EventBridge when an execution starts, is redriven
/// or reaches a terminal status.
/// </summary>
public sealed record ExecutionStatusChange(string Id, DateTimeOffset Time, string Region, string Account, ExecutionInfo Execution)
{
    public const string DetailType = "Step Functions Execution Status Change";

    public const string Source = "aws.states";

    /// <summary>The event as EventBridge delivers it (dates in the detail are epoch milliseconds).</summary>
    public JsonObject ToEventBridgeJson()
    {
        var e = Execution;
        return new JsonObject
        {
            ["version"] = "0",
            ["id"] = Id,
            ["detail-type"] = DetailType,
            ["source"] = Source,
            ["account"] = Account,
            ["time"] = Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["region"] = Region,
            ["resources"] = new JsonArray(e.ExecutionArn),
            ["detail"] = new JsonObject
            {
                ["executionArn"] = e.ExecutionArn,
                ["stateMachineArn"] = e.StateMachineArn,
                ["name"] = e.Name,
                ["status"] = e.Status.ToString(),
                ["startDate"] = e.StartDate.ToUnixTimeMilliseconds(),
                ["stopDate"] = e.StopDate?.ToUnixTimeMilliseconds(),
                ["input"] = e.Input,
                ["output"] = e.Output,
                ["inputDetails"] = new JsonObject { ["included"] = true },
                ["outputDetails"] = e.Output is null ? null : new JsonObject { ["included"] = true },
                ["error"] = e.Error,
                ["cause"] = e.Cause,
                ["redriveCount"] = e.RedriveCount,
                ["redriveDate"] = e.RedriveDate?.ToUnixTimeMilliseconds(),
                ["redriveStatus"] = e.RedriveStatus,
                ["redriveStatusReason"] = e.RedriveStatusReason,
            },
        };
    }
}
