using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StepFunctionsConsole;

/// <summary>
/// The console's view of a Step Functions endpoint: the few AWS JSON 1.0 calls it makes. Because it only speaks the
/// public API, the console works next to any Step Functions API, not just the local one.
/// </summary>
public sealed class StepFunctionsReader(HttpClient http)
{
    public async Task<JsonArray> ListStateMachinesAsync(CancellationToken cancellationToken) =>
        (await CallAsync("ListStateMachines", new JsonObject(), cancellationToken).ConfigureAwait(false))["stateMachines"]!.AsArray();

    public Task<JsonObject> DescribeStateMachineAsync(string stateMachineArn, CancellationToken cancellationToken) =>
        CallAsync("DescribeStateMachine", new JsonObject { ["stateMachineArn"] = stateMachineArn }, cancellationToken);

    public async Task<JsonArray> ListExecutionsAsync(string stateMachineArn, string? statusFilter, CancellationToken cancellationToken)
    {
        var request = new JsonObject { ["stateMachineArn"] = stateMachineArn, ["maxResults"] = 1000 };
        if (!string.IsNullOrEmpty(statusFilter))
        {
            request["statusFilter"] = statusFilter;
        }

        return (await CallAsync("ListExecutions", request, cancellationToken).ConfigureAwait(false))["executions"]!.AsArray();
    }

    public Task<JsonObject> DescribeExecutionAsync(string executionArn, CancellationToken cancellationToken) =>
        CallAsync("DescribeExecution", new JsonObject { ["executionArn"] = executionArn }, cancellationToken);

    public Task<JsonObject> DescribeStateMachineForExecutionAsync(string executionArn, CancellationToken cancellationToken) =>
        CallAsync("DescribeStateMachineForExecution", new JsonObject { ["executionArn"] = executionArn }, cancellationToken);

    /// <summary>The whole history, following nextToken, as `aws stepfunctions get-execution-history` would print it.</summary>
    public async Task<JsonObject> GetExecutionHistoryAsync(string executionArn, CancellationToken cancellationToken)
    {
        var events = new JsonArray();
        string? nextToken = null;
        do
        {
            var request = new JsonObject { ["executionArn"] = executionArn, ["maxResults"] = 1000, ["includeExecutionData"] = true };
            if (nextToken is not null)
            {
                request["nextToken"] = nextToken;
            }

            var page = await CallAsync("GetExecutionHistory", request, cancellationToken).ConfigureAwait(false);
            foreach (var historyEvent in page["events"]!.AsArray().ToList())
            {
                page["events"]!.AsArray().Remove(historyEvent);
                events.Add(historyEvent);
            }

            nextToken = (string?)page["nextToken"];
        }
        while (nextToken is not null);

        return new JsonObject { ["events"] = events };
    }

    public Task<JsonObject> StartExecutionAsync(string stateMachineArn, string? name, string input, CancellationToken cancellationToken)
    {
        var request = new JsonObject { ["stateMachineArn"] = stateMachineArn, ["input"] = input };
        if (!string.IsNullOrWhiteSpace(name))
        {
            request["name"] = name;
        }

        return CallAsync("StartExecution", request, cancellationToken);
    }

    public Task<JsonObject> StopExecutionAsync(string executionArn, CancellationToken cancellationToken) =>
        CallAsync("StopExecution", new JsonObject { ["executionArn"] = executionArn, ["error"] = "Console.Stopped", ["cause"] = "Stopped from the console" },
            cancellationToken);

    /// <summary>RedriveExecution: reruns a FAILED, ABORTED or TIMED_OUT execution from its unsuccessful state.</summary>
    public Task<JsonObject> RedriveExecutionAsync(string executionArn, CancellationToken cancellationToken) =>
        CallAsync("RedriveExecution", new JsonObject { ["executionArn"] = executionArn }, cancellationToken);

    /// <summary>Calls any operation of the API with a request document; errors become <see cref="StepFunctionsCallException"/>.</summary>
    public async Task<JsonObject> CallAsync(string operation, JsonObject request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/x-amz-json-1.0"),
        };
        message.Headers.Add("X-Amz-Target", "AWSStepFunctions." + operation);
        using var response = await http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken).ConfigureAwait(false) ?? [];
        if (!response.IsSuccessStatusCode)
        {
            var type = ((string?)body["__type"] ?? "UnknownError").Split('#')[^1];
            throw new StepFunctionsCallException(type, (string?)body["message"] ?? (string?)body["Message"] ?? response.ReasonPhrase ?? "");
        }

        return body;
    }
}

/// <summary>The Step Functions API answered with an error (its AWS error type and message).</summary>
public sealed class StepFunctionsCallException(string errorType, string message) : Exception($"{errorType}: {message}")
{
    public string ErrorType { get; } = errorType;
}
