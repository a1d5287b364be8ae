using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StepFunctionsApi.Operations;

namespace StepFunctionsApi.Protocol;

/// <summary>
/// The AWS JSON 1.0 front door: <c>POST /</c> with <c>X-Amz-Target: AWSStepFunctions.&lt;Operation&gt;</c>, a JSON body,
/// and a JSON answer or AWS's error document. Signatures are accepted without checking, as Step Functions Local does.
/// </summary>
public sealed class StepFunctionsEndpoint
{
    private const string TargetPrefix = "AWSStepFunctions.";
    private const string ContentType = "application/x-amz-json-1.0";

    private readonly Dictionary<string, Func<ApiRequest, CancellationToken, Task<JsonObject>>> _operations;
    private readonly ILogger? _logger;

    public StepFunctionsEndpoint(LocalStepFunctions sfn, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(sfn);
        _logger = logger;
        var machines = new StateMachineOperations(sfn);
        var executions = new ExecutionOperations(sfn);
        var tasks = new TaskTokenOperations(sfn.Engine);
        var definitions = new DefinitionOperations(sfn);
        _operations = new(StringComparer.Ordinal)
        {
            ["CreateStateMachine"] = Sync(machines.Create),
            ["DescribeStateMachine"] = Sync(machines.Describe),
            ["UpdateStateMachine"] = Sync(machines.Update),
            ["DeleteStateMachine"] = Sync(machines.Delete),
            ["ListStateMachines"] = Sync(machines.List),
            ["ValidateStateMachineDefinition"] = Sync(DefinitionOperations.Validate),
            ["TestState"] = definitions.TestStateAsync,
            ["StartExecution"] = (request, _) => executions.StartAsync(request),
            ["StartSyncExecution"] = executions.StartSyncAsync,
            ["StopExecution"] = (request, _) => executions.StopAsync(request),
            ["RedriveExecution"] = (request, _) => executions.RedriveAsync(request),
            ["DescribeExecution"] = Sync(executions.Describe),
            ["DescribeStateMachineForExecution"] = Sync(executions.DescribeStateMachine),
            ["ListExecutions"] = Sync(executions.List),
            ["GetExecutionHistory"] = Sync(executions.History),
            ["SendTaskSuccess"] = Sync(tasks.Success),
            ["SendTaskFailure"] = Sync(tasks.Failure),
            ["SendTaskHeartbeat"] = Sync(tasks.Heartbeat),
        };
    }

    /// <summary>The operations served, by AWS name.</summary>
    public IReadOnlyCollection<string> Operations => _operations.Keys;

    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var requestId = Guid.NewGuid().ToString();
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        try
        {
            var operation = Operation(context.Request.Headers["X-Amz-Target"].ToString());
            var body = await ReadBodyAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
            var result = await operation(new ApiRequest(body), context.RequestAborted).ConfigureAwait(false);
            await WriteAsync(context.Response, 200, result, context.RequestAborted).ConfigureAwait(false);
        }
        catch (AwsApiException ex)
        {
            context.Response.Headers["x-amzn-ErrorType"] = ex.ErrorType;
            await WriteAsync(context.Response, ex.StatusCode, new JsonObject { ["__type"] = ex.QualifiedType, ["message"] = ex.Message },
                context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            _logger?.LogError(ex, "Step Functions API request {RequestId} failed", requestId);
            context.Response.Headers["x-amzn-ErrorType"] = "InternalFailure";
            await WriteAsync(context.Response, 500, new JsonObject { ["__type"] = "com.amazon.coral.service#InternalFailure", ["message"] = ex.Message },
                context.RequestAborted).ConfigureAwait(false);
        }
    }

    private Func<ApiRequest, CancellationToken, Task<JsonObject>> Operation(string target)
    {
        if (target.StartsWith(TargetPrefix, StringComparison.Ordinal) && _operations.TryGetValue(target[TargetPrefix.Length..], out var operation))
        {
            return operation;
        }
        throw new AwsApiException("UnknownOperationException", string.IsNullOrEmpty(target) ? "Missing X-Amz-Target header." : $"Unknown operation: {target}");
    }

    private static async Task<JsonObject> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (buffer.Length == 0)
        {
            return [];
        }
        try
        {
            return JsonNode.Parse(buffer.ToArray()) as JsonObject
                ?? throw new AwsApiException("SerializationException", "The request body must be a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new AwsApiException("SerializationException", "Malformed JSON in the request body: " + ex.Message);
        }
    }

    private static async Task WriteAsync(HttpResponse response, int status, JsonObject body, CancellationToken cancellationToken)
    {
        response.StatusCode = status;
        response.ContentType = ContentType;
        await response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(body), cancellationToken).ConfigureAwait(false);
    }

    private static Func<ApiRequest, CancellationToken, Task<JsonObject>> Sync(Func<ApiRequest, JsonObject> operation) =>
        (request, _) => Task.FromResult(operation(request));
}
