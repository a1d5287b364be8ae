using System.Text.Json.Nodes;
using StateMachineGraph.Model;
using StateMachineGraph.Overlay;
using StateMachineGraph.Rendering;

namespace StepFunctionsConsole;

/// <summary>Everything the execution page shows, gathered from three API calls.</summary>
internal sealed record ExecutionView(
    string ExecutionArn,
    string Name,
    string StateMachineArn,
    string StateMachineName,
    string Status,
    DateTimeOffset? StartDate,
    DateTimeOffset? StopDate,
    string? Output,
    string? Error,
    string? Cause,
    int RedriveCount,
    ExecutionHistory History,
    ExecutionOverlay Overlay,
    string GraphSvg)
{
    public static async Task<ExecutionView> LoadAsync(StepFunctionsReader reader, string executionArn, CancellationToken cancellationToken)
    {
        var execution = await reader.DescribeExecutionAsync(executionArn, cancellationToken).ConfigureAwait(false);
        var machine = await reader.DescribeStateMachineForExecutionAsync(executionArn, cancellationToken).ConfigureAwait(false);
        var historyJson = await reader.GetExecutionHistoryAsync(executionArn, cancellationToken).ConfigureAwait(false);
        var graph = StateGraphBuilder.FromText((string)machine["definition"]!);
        var history = ExecutionHistory.Parse(historyJson.ToJsonString());
        var overlay = ExecutionOverlay.Compute(graph, history);
        return new ExecutionView(
            executionArn,
            (string?)execution["name"] ?? executionArn,
            (string?)execution["stateMachineArn"] ?? (string?)machine["stateMachineArn"] ?? "",
            (string?)machine["name"] ?? "",
            (string?)execution["status"] ?? "RUNNING",
            ConsolePages.Date(execution["startDate"]),
            ConsolePages.Date(execution["stopDate"]),
            (string?)execution["output"],
            (string?)execution["error"],
            (string?)execution["cause"],
            execution["redriveCount"] is JsonValue count ? count.GetValue<int>() : 0,
            history,
            overlay,
            SvgRenderer.Render(graph, overlay));
    }
}
