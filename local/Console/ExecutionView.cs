using System.Text.Json.Nodes;
using System.Xml.Linq;
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
    DateTimeOffset? RedriveDate,
    ExecutionHistory History,
    ExecutionOverlay Overlay,
    string GraphSvg)
{
    /// <summary>The states entered after the last ExecutionRedriven event (the redriven attempt), in order; empty if never redriven.</summary>
    public IReadOnlyList<string> RedrivenStates => RedrivenStatesOf(History);

    public static IReadOnlyList<string> RedrivenStatesOf(ExecutionHistory history)
    {
        var events = history.Events;
        var lastRedrive = events.Select((e, i) => (e, i)).LastOrDefault(p => p.e.Type == "ExecutionRedriven");
        if (lastRedrive.e is null)
        {
            return [];
        }

        return events.Skip(lastRedrive.i + 1).Where(e => e.IsStateEntered).Select(e => e.Detail("name")).OfType<string>().Distinct().ToList();
    }

    /// <summary>Marks the graph's states of the redriven attempt with <c>data-redriven</c> (the stylesheet outlines them).</summary>
    public static string MarkRedriven(string svg, IReadOnlyList<string> redrivenStates)
    {
        if (redrivenStates.Count == 0)
        {
            return svg;
        }

        var document = XDocument.Parse(svg);
        foreach (var node in document.Descendants().Where(e => e.Attribute("data-node") is not null
                     && redrivenStates.Contains((string?)e.Attribute("data-state") ?? "", StringComparer.Ordinal)))
        {
            node.SetAttributeValue("data-redriven", "true");
        }

        return document.Root!.ToString(SaveOptions.DisableFormatting);
    }

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
            ConsolePages.Date(execution["redriveDate"]),
            history,
            overlay,
            MarkRedriven(SvgRenderer.Render(graph, overlay), RedrivenStatesOf(history)));
    }
}
