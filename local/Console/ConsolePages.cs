using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StateMachineGraph.Model;
using StateMachineGraph.Overlay;
using StateMachineGraph.Rendering;

namespace StepFunctionsConsole;

/// <summary>Renders the console's pages from what the Step Functions API returns.</summary>
internal static class ConsolePages
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Home(JsonArray stateMachines, IReadOnlyList<(JsonObject Machine, JsonArray Executions)> recent)
    {
        var body = new StringBuilder("<h1>State machines</h1><section class=\"card\"><table><thead><tr><th>Name</th><th>Type</th><th>Created</th><th>Executions</th></tr></thead><tbody>");
        foreach (var machine in stateMachines.Select(m => m!.AsObject()))
        {
            var executions = recent.FirstOrDefault(r => (string?)r.Machine["stateMachineArn"] == (string?)machine["stateMachineArn"]).Executions;
            body.Append("<tr><td><a href=\"state-machine?arn=").Append(Html.Url((string?)machine["stateMachineArn"])).Append("\">")
                .Append(Html.Encode((string?)machine["name"])).Append("</a></td><td>").Append(Html.Encode((string?)machine["type"]))
                .Append("</td><td>").Append(Html.Time(Date(machine["creationDate"]))).Append("</td><td>")
                .Append(executions?.Count.ToString(CultureInfo.InvariantCulture) ?? "0").Append("</td></tr>");
        }

        body.Append("</tbody></table>");
        if (stateMachines.Count == 0)
        {
            body.Append("<p>No state machines yet.</p>");
        }

        body.Append("</section>");
        return Html.Page("State machines", body.ToString());
    }

    public static string StateMachine(JsonObject machine, JsonArray executions, string? statusFilter, string? search, string? error)
    {
        var arn = (string?)machine["stateMachineArn"];
        var graph = StateGraphBuilder.FromText((string)machine["definition"]!);
        var body = new StringBuilder();
        body.Append("<h1>").Append(Html.Encode((string?)machine["name"])).Append("</h1>");
        if (error is not null)
        {
            body.Append("<p class=\"error\" data-testid=\"error\">").Append(Html.Encode(error)).Append("</p>");
        }

        body.Append("<section class=\"card\"><h2>Executions</h2><form method=\"get\" action=\"state-machine\"><input type=\"hidden\" name=\"arn\" value=\"")
            .Append(Html.Encode(arn)).Append("\"><label>Status <select name=\"status\"><option value=\"\">All</option>");
        foreach (var status in new[] { "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE" })
        {
            body.Append("<option").Append(status == statusFilter ? " selected" : "").Append('>').Append(status).Append("</option>");
        }

        body.Append("</select></label> <label>Name <input type=\"text\" name=\"search\" value=\"").Append(Html.Encode(search))
            .Append("\" placeholder=\"order id\"></label> <button class=\"secondary\" type=\"submit\">Filter</button></form>");
        body.Append("<table data-testid=\"executions\"><thead><tr><th>Name</th><th>Status</th><th>Started</th><th>Stopped</th></tr></thead><tbody>");
        foreach (var execution in executions.Select(e => e!.AsObject())
                     .Where(e => string.IsNullOrEmpty(search) || ((string?)e["name"] ?? "").Contains(search, StringComparison.OrdinalIgnoreCase)))
        {
            body.Append("<tr><td><a href=\"execution?arn=").Append(Html.Url((string?)execution["executionArn"])).Append("\">")
                .Append(Html.Encode((string?)execution["name"])).Append("</a></td><td>").Append(Html.StatusBadge((string?)execution["status"]))
                .Append("</td><td>").Append(Html.Time(Date(execution["startDate"]))).Append("</td><td>").Append(Html.Time(Date(execution["stopDate"])))
                .Append("</td></tr>");
        }

        body.Append("</tbody></table></section>");
        body.Append("<section class=\"card\"><h2>Start execution</h2><form method=\"post\" action=\"state-machine/start\"><input type=\"hidden\" name=\"arn\" value=\"")
            .Append(Html.Encode(arn)).Append("\"><p><label>Name (optional) <input type=\"text\" name=\"name\"></label></p>")
            .Append("<p><textarea name=\"input\" aria-label=\"Input\">{}</textarea></p><button type=\"submit\">Start execution</button></form></section>");
        body.Append("<section class=\"card\"><h2>Definition</h2><div class=\"graph\">").Append(SvgRenderer.Render(graph)).Append("</div></section>");
        return Html.Page((string?)machine["name"] ?? "State machine", body.ToString());
    }

    /// <summary>Executions in these statuses can be redriven (AWS refuses the rest with ExecutionNotRedrivable).</summary>
    private static readonly string[] RedrivableStatuses = ["FAILED", "ABORTED", "TIMED_OUT"];

    public static string Execution(ExecutionView view, string? error = null) =>
        Html.Page(view.Name, $"""
            <p><a href="state-machine?arn={Html.Url(view.StateMachineArn)}">← {Html.Encode(view.StateMachineName)}</a></p>
            <h1>{Html.Encode(view.Name)}</h1>
            {(error is null ? "" : $"<p class=\"error\" data-testid=\"action-error\">{Html.Encode(error)}</p>")}
            <div id="summary">{Summary(view)}</div>
            <div class="layout">
              <section class="card"><h2>Graph</h2>{Legend(view.RedriveCount > 0)}<div class="graph" id="graph">{view.GraphSvg}</div></section>
              <section class="card" id="state-panel"><h2>State</h2><p id="state-hint">Click a state in the graph to see its input, output, error and timings.</p>
                <div id="state-details" data-testid="state-details"></div></section>
            </div>
            <section class="card"><h2>Event history</h2><div id="history">{HistoryTable(view.History)}</div></section>
            <script type="application/json" id="state-data">{StateDataJson(view.Overlay)}</script>
            """, ConsoleScript.Execution(view.Status == "RUNNING"));

    public static string Summary(ExecutionView view)
    {
        var body = new StringBuilder("<section class=\"card\"><dl class=\"details\">");
        body.Append("<dt>Status</dt><dd>").Append(Html.StatusBadge(view.Status)).Append("</dd>");
        body.Append("<dt>Started</dt><dd>").Append(Html.Time(view.StartDate)).Append("</dd>");
        body.Append("<dt>Stopped</dt><dd>").Append(Html.Time(view.StopDate)).Append("</dd>");
        body.Append("<dt>Execution ARN</dt><dd>").Append(Html.Encode(view.ExecutionArn)).Append("</dd>");
        if (view.RedriveCount > 0)
        {
            body.Append("<dt>Redrives</dt><dd data-testid=\"redriven\">Redriven ").Append(view.RedriveCount).Append("× (last ")
                .Append(Html.Time(view.RedriveDate)).Append(')');
            var states = view.RedrivenStates;
            if (states.Count > 0)
            {
                body.Append(": reran ").Append(Html.Encode(string.Join(" → ", states)));
            }

            body.Append("</dd>");
        }

        body.Append("</dl>");
        if (view.Status == "RUNNING")
        {
            body.Append("<form class=\"inline\" method=\"post\" action=\"execution/stop\"><input type=\"hidden\" name=\"arn\" value=\"")
                .Append(Html.Encode(view.ExecutionArn)).Append("\"><button type=\"submit\" data-testid=\"stop\">Stop execution</button></form>");
        }

        if (RedrivableStatuses.Contains(view.Status))
        {
            body.Append("<form class=\"inline\" method=\"post\" action=\"execution/redrive\"><input type=\"hidden\" name=\"arn\" value=\"")
                .Append(Html.Encode(view.ExecutionArn))
                .Append("\"><button type=\"submit\" data-testid=\"redrive\" title=\"Rerun from the unsuccessful state; completed states are not run again\">")
                .Append("Redrive</button></form>");
        }

        if (view.Output is not null)
        {
            body.Append("<h2>Output</h2><pre data-testid=\"output\">").Append(Html.Encode(Pretty(view.Output))).Append("</pre>");
        }

        if (view.Error is not null || view.Cause is not null)
        {
            body.Append("<h2>Error</h2><p class=\"error\" data-testid=\"error\">").Append(Html.Encode(view.Error)).Append("</p><pre>")
                .Append(Html.Encode(view.Cause)).Append("</pre>");
        }

        return body.Append("</section>").ToString();
    }

    public static string HistoryTable(ExecutionHistory history)
    {
        var body = new StringBuilder("<table data-testid=\"history\"><thead><tr><th>ID</th><th>Type</th><th>Step</th><th>Time</th><th>Details</th></tr></thead><tbody>");
        var attempt = 0;
        foreach (var historyEvent in history.Events)
        {
            if (historyEvent.Type == "ExecutionRedriven")
            {
                attempt++;
                body.Append("<tr class=\"redrive-separator\" data-testid=\"redrive-separator\"><td colspan=\"5\">Redrive ").Append(attempt)
                    .Append(": the events below belong to the redriven attempt</td></tr>");
            }

            body.Append("<tr data-event-type=\"").Append(Html.Encode(historyEvent.Type)).Append('"')
                .Append(attempt > 0 ? " class=\"redriven-attempt\" data-attempt=\"" + attempt.ToString(CultureInfo.InvariantCulture) + "\"" : "")
                .Append("><td>").Append(historyEvent.Id)
                .Append("</td><td>").Append(Html.Encode(historyEvent.Type)).Append("</td><td>").Append(Html.Encode(historyEvent.Detail("name")))
                .Append("</td><td>").Append(Html.Time(historyEvent.Timestamp)).Append("</td><td>");
            if (historyEvent.Details.ValueKind == JsonValueKind.Object)
            {
                body.Append("<details><summary>details</summary><pre>").Append(Html.Encode(JsonSerializer.Serialize(historyEvent.Details, Indented)))
                    .Append("</pre></details>");
            }

            body.Append("</td></tr>");
        }

        return body.Append("</tbody></table>").ToString();
    }

    public static string StateDataJson(ExecutionOverlay overlay)
    {
        var states = new JsonObject();
        foreach (var (name, details) in overlay.States)
        {
            states[name] = new JsonObject
            {
                ["status"] = ExecutionOverlay.CssName(details.Status),
                ["visits"] = details.Visits,
                ["retries"] = details.RetryCount,
                ["input"] = details.Input is null ? null : Pretty(details.Input),
                ["output"] = details.Output is null ? null : Pretty(details.Output),
                ["error"] = details.Error,
                ["cause"] = details.Cause,
                ["enteredAt"] = details.EnteredAt?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                ["exitedAt"] = details.ExitedAt?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                ["durationMs"] = details.Duration?.TotalMilliseconds,
            };
        }

        // Inside a <script> element only "</" could end it early; JSON escaping of '<' keeps it inert.
        return states.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default });
    }

    private static string Legend(bool redriven)
    {
        var items = new[]
        {
            ("succeeded", "#1d8102", "Succeeded"), ("retried", "#7aa116", "Retried"), ("caught", "#ff9900", "Caught"),
            ("compensating", "#8c4fff", "Compensating"), ("failed", "#d13212", "Failed"), ("running", "#0073bb", "Running"),
            ("not-reached", "#d5dbdb", "Not reached"),
        };
        return "<p class=\"legend\">" + string.Concat(items.Select(i => $"<span><i style=\"background:{i.Item2}\"></i>{i.Item3}</span>"))
            + (redriven ? "<span><i class=\"redriven-key\"></i>Ran in the redriven attempt</span>" : "") + "</p>";
    }

    internal static string Pretty(string json)
    {
        try
        {
            return JsonSerializer.Serialize(JsonNode.Parse(json), Indented);
        }
        catch (JsonException)
        {
            return json;
        }
    }

    internal static DateTimeOffset? Date(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue<double>(out var seconds) => DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000)),
        JsonValue value when value.TryGetValue<string>(out var text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) => parsed,
        _ => null,
    };
}
