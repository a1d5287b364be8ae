using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace StepFunctionsConsole;

/// <summary>
/// Maps the web console onto a host. It is read-only on executions except for Stop, Redrive and a start-execution form,
/// and it reads everything through the Step Functions API at <c>stepFunctionsEndpoint</c>.
/// </summary>
public static class ConsoleEndpoints
{
    public static RouteGroupBuilder MapStepFunctionsConsole(this IEndpointRouteBuilder routes, Uri stepFunctionsEndpoint, string prefix = "/console")
    {
        var reader = new StepFunctionsReader(new HttpClient { BaseAddress = stepFunctionsEndpoint, Timeout = TimeSpan.FromSeconds(30) });
        var console = routes.MapGroup(prefix);

        console.MapGet("/", async (HttpContext context) =>
        {
            if (!context.Request.Path.Value!.EndsWith('/'))
            {
                return Results.Redirect(context.Request.PathBase + context.Request.Path + "/");
            }

            var machines = await reader.ListStateMachinesAsync(context.RequestAborted).ConfigureAwait(false);
            var recent = new List<(JsonObject, JsonArray)>();
            foreach (var machine in machines.Select(m => m!.AsObject()))
            {
                recent.Add((machine, await reader.ListExecutionsAsync((string)machine["stateMachineArn"]!, null, context.RequestAborted).ConfigureAwait(false)));
            }

            return HtmlResult(ConsolePages.Home(machines, recent));
        });

        console.MapGet("/state-machine", async (string arn, string? status, string? search, HttpContext context) =>
            await StateMachinePageAsync(reader, arn, status, search, error: null, context.RequestAborted).ConfigureAwait(false));

        console.MapPost("/state-machine/start", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            var arn = form["arn"].ToString();
            var input = string.IsNullOrWhiteSpace(form["input"]) ? "{}" : form["input"].ToString();
            try
            {
                JsonNode.Parse(input);
                var started = await reader.StartExecutionAsync(arn, form["name"], input, context.RequestAborted).ConfigureAwait(false);
                return Results.Redirect("../execution?arn=" + Uri.EscapeDataString((string)started["executionArn"]!));
            }
            catch (JsonException exception)
            {
                return await StateMachinePageAsync(reader, arn, null, null, "The input is not valid JSON: " + exception.Message, context.RequestAborted,
                    StatusCodes.Status400BadRequest).ConfigureAwait(false);
            }
            catch (StepFunctionsCallException exception)
            {
                return await StateMachinePageAsync(reader, arn, null, null, exception.Message, context.RequestAborted, StatusCodes.Status400BadRequest)
                    .ConfigureAwait(false);
            }
        }).DisableAntiforgery();

        console.MapGet("/execution", async (string arn, HttpContext context) =>
            HtmlResult(ConsolePages.Execution(await ExecutionView.LoadAsync(reader, arn, context.RequestAborted).ConfigureAwait(false))));

        console.MapGet("/execution/live", async (string arn, HttpContext context) =>
        {
            var view = await ExecutionView.LoadAsync(reader, arn, context.RequestAborted).ConfigureAwait(false);
            var live = new JsonObject
            {
                ["status"] = view.Status,
                ["summary"] = ConsolePages.Summary(view),
                ["graph"] = view.GraphSvg,
                ["history"] = ConsolePages.HistoryTable(view.History),
                ["states"] = ConsolePages.StateDataJson(view.Overlay),
            };
            return Results.Content(live.ToJsonString(), "application/json");
        });

        console.MapPost("/execution/stop", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            var arn = form["arn"].ToString();
            await reader.StopExecutionAsync(arn, context.RequestAborted).ConfigureAwait(false);
            return Results.Redirect("../execution?arn=" + Uri.EscapeDataString(arn));
        }).DisableAntiforgery();

        console.MapPost("/execution/redrive", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            var arn = form["arn"].ToString();
            try
            {
                await reader.RedriveExecutionAsync(arn, context.RequestAborted).ConfigureAwait(false);
                return Results.Redirect("../execution?arn=" + Uri.EscapeDataString(arn));
            }
            catch (StepFunctionsCallException exception)
            {
                var view = await ExecutionView.LoadAsync(reader, arn, context.RequestAborted).ConfigureAwait(false);
                return HtmlResult(ConsolePages.Execution(view, exception.Message), StatusCodes.Status400BadRequest);
            }
        }).DisableAntiforgery();

        return console;
    }

    private static async Task<IResult> StateMachinePageAsync(StepFunctionsReader reader, string arn, string? status, string? search, string? error,
        CancellationToken cancellationToken, int statusCode = StatusCodes.Status200OK)
    {
        var machine = await reader.DescribeStateMachineAsync(arn, cancellationToken).ConfigureAwait(false);
        var executions = await reader.ListExecutionsAsync(arn, status, cancellationToken).ConfigureAwait(false);
        return HtmlResult(ConsolePages.StateMachine(machine, executions, status, search, error), statusCode);
    }

    private static IResult HtmlResult(string html, int statusCode = StatusCodes.Status200OK) =>
        Results.Content(html, "text/html; charset=utf-8", statusCode: statusCode);
}
