using System.Text.Json.Nodes;
using StatesLanguage.Runtime;
using StepFunctionsApi.Persistence;
using StepFunctionsApi.Protocol;

namespace StepFunctionsApi.Operations;

/// <summary>
/// StartExecution, StartSyncExecution, StopExecution, RedriveExecution, DescribeExecution, ListExecutions,
/// GetExecutionHistory, DescribeStateMachineForExecution. Reads come from the store, so they answer the same before and
/// after a restart.
/// </summary>
internal sealed class ExecutionOperations(LocalStepFunctions sfn)
{
    private const int MaxInputLength = 262_144;
    private const int MaxClientTokenLength = 64;
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(10);
    // AWS: a client token makes a redrive idempotent for 15 minutes.
    private static readonly TimeSpan ClientTokenLifetime = TimeSpan.FromMinutes(15);

    public async Task<JsonObject> StartAsync(ApiRequest request)
    {
        var (machineArn, testCase) = Identifiers.ParseStateMachineArn(request.RequiredString("stateMachineArn", Identifiers.MaxArnLength));
        var name = request.OptionalString("name", Identifiers.MaxNameLength) ?? Guid.NewGuid().ToString();
        var input = request.OptionalString("input", MaxInputLength, minLength: 0) ?? "{}";
        request.OptionalString("traceHeader", 256, minLength: 0);
        Identifiers.CheckName(name);
        var stored = sfn.Store.GetStateMachine(machineArn) ?? throw AwsApiException.StateMachineDoesNotExist(machineArn);
        var machine = sfn.RunnableMachine(machineArn) ?? throw AwsApiException.StateMachineDoesNotExist(machineArn);
        CheckTestCase(stored.Name, testCase);
        var arn = sfn.ExecutionArn(stored.Name, name);
        // An execution this process runs or ran is in the engine; one only an earlier process ran was committed by it.
        if (sfn.Engine.GetExecution(arn) is { } held)
        {
            // Its first start may still be committing: answer only once it is on disk, as that start will.
            await sfn.Store.FlushAsync().ConfigureAwait(false);
            return SameStartAgain(held.ExecutionArn, held.Status == ExecutionStatus.RUNNING, held.Input, held.StartDate, input);
        }
        if (sfn.Store.GetCommittedExecution(arn) is { } existing)
        {
            return SameStartAgain(existing.Arn, existing.IsRunning, existing.Input, existing.StartDate, input);
        }
        var record = new ExecutionRecord
        {
            Arn = arn,
            StateMachineArn = machineArn,
            Name = name,
            Status = "RUNNING",
            StartDate = sfn.Options.Clock.GetUtcNow(),
            Input = input,
            TestCase = testCase,
            Definition = stored.Definition,
            RoleArn = stored.RoleArn,
            DefinitionUpdateDate = stored.UpdateDate,
        };
        var execution = await sfn.StartAsync(machine, record).ConfigureAwait(false);
        return new JsonObject { ["executionArn"] = execution.ExecutionArn, ["startDate"] = AwsJson.Timestamp(execution.StartDate) };
    }

    public async Task<JsonObject> StartSyncAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var (machineArn, _) = Identifiers.ParseStateMachineArn(request.RequiredString("stateMachineArn", Identifiers.MaxArnLength));
        var name = request.OptionalString("name", Identifiers.MaxNameLength) ?? Guid.NewGuid().ToString();
        var input = request.OptionalString("input", MaxInputLength, minLength: 0) ?? "{}";
        Identifiers.CheckName(name);
        var stored = sfn.Store.GetStateMachine(machineArn) ?? throw AwsApiException.StateMachineDoesNotExist(machineArn);
        if (stored.Type != "EXPRESS")
        {
            throw new AwsApiException("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine");
        }
        var machine = sfn.RunnableMachine(machineArn) ?? throw AwsApiException.StateMachineDoesNotExist(machineArn);
        var result = await sfn.RunUnrecordedAsync(machine, input, name, cancellationToken).ConfigureAwait(false);
        var info = result.Info;
        var response = new JsonObject
        {
            ["executionArn"] = info.ExecutionArn,
            ["stateMachineArn"] = machineArn,
            ["name"] = info.Name,
            ["startDate"] = AwsJson.Timestamp(info.StartDate),
            ["stopDate"] = AwsJson.Timestamp(info.StopDate ?? info.StartDate),
            // StartSyncExecution reports an aborted or timed-out run as TIMED_OUT or FAILED; there is no ABORTED.
            ["status"] = info.Status switch { ExecutionStatus.SUCCEEDED => "SUCCEEDED", ExecutionStatus.TIMED_OUT => "TIMED_OUT", _ => "FAILED" },
            ["input"] = info.Input,
            ["inputDetails"] = new JsonObject { ["included"] = true },
            ["billingDetails"] = new JsonObject
            {
                ["billedMemoryUsedInMB"] = 64,
                ["billedDurationInMilliseconds"] = Math.Max(100, (long)Math.Ceiling(((info.StopDate ?? info.StartDate) - info.StartDate).TotalMilliseconds / 100) * 100),
            },
        };
        AddResult(response, info.Output, info.Error, info.Cause);
        return response;
    }

    public async Task<JsonObject> StopAsync(ApiRequest request)
    {
        var record = Existing(request);
        var error = request.OptionalString("error", 256, minLength: 0);
        var cause = request.OptionalString("cause", 32_768, minLength: 0);
        if (record.IsRunning && sfn.Engine.GetExecution(record.Arn) is { } running)
        {
            await sfn.Engine.StopExecutionAsync(record.Arn, error, cause).ConfigureAwait(false);
            // AWS answers once the stop is recorded, so a DescribeExecution right after says ABORTED.
            await running.WaitForCompletionAsync().WaitAsync(StopWait).ConfigureAwait(false);
            record = sfn.Store.GetExecution(record.Arn) ?? record;
        }
        return new JsonObject { ["stopDate"] = AwsJson.Timestamp(record.StopDate ?? sfn.Options.Clock.GetUtcNow()) };
    }

    /// <summary>
    /// RedriveExecution: the same ARN reruns from its unsuccessful state. A client token already used for this
    /// execution within 15 minutes answers that redrive's date again without redriving (remembered in the store, so
    /// also across a restart).
    /// </summary>
    public async Task<JsonObject> RedriveAsync(ApiRequest request)
    {
        var record = Existing(request);
        var clientToken = request.OptionalString("clientToken", MaxClientTokenLength);
        if (clientToken is not null && clientToken.Any(c => c is < '!' or > '~'))
        {
            throw AwsApiException.Constraint("clientToken", clientToken, "Member must satisfy regular expression pattern: [!-~]+");
        }
        var now = sfn.Options.Clock.GetUtcNow();
        if (clientToken is not null && sfn.Store.FindRedriveToken(record.Arn, clientToken, now - ClientTokenLifetime) is { } earlier)
        {
            return new JsonObject { ["redriveDate"] = AwsJson.Timestamp(earlier) };
        }
        var redriveDate = await sfn.RedriveAsync(record, clientToken).ConfigureAwait(false);
        if (clientToken is not null)
        {
            sfn.Store.RememberRedriveToken(record.Arn, clientToken, now, redriveDate);
        }
        return new JsonObject { ["redriveDate"] = AwsJson.Timestamp(redriveDate) };
    }

    public JsonObject Describe(ApiRequest request)
    {
        var record = Existing(request);
        var response = new JsonObject
        {
            ["executionArn"] = record.Arn,
            ["stateMachineArn"] = record.StateMachineArn,
            ["name"] = record.Name,
            ["status"] = record.Status,
            ["startDate"] = AwsJson.Timestamp(record.StartDate),
            ["input"] = record.Input,
            ["inputDetails"] = new JsonObject { ["included"] = true },
        };
        if (record.StopDate is { } stop)
        {
            response["stopDate"] = AwsJson.Timestamp(stop);
        }
        AddResult(response, record.Output, record.Error, record.Cause);
        response["redriveCount"] = record.RedriveCount;
        if (record.RedriveDate is { } redriven)
        {
            response["redriveDate"] = AwsJson.Timestamp(redriven);
        }
        var reason = sfn.NotRedrivableReason(record);
        response["redriveStatus"] = reason is null ? ExecutionRedriveStatus.Redrivable : ExecutionRedriveStatus.NotRedrivable;
        if (reason is not null)
        {
            response["redriveStatusReason"] = reason;
        }
        return response;
    }

    public JsonObject DescribeStateMachine(ApiRequest request)
    {
        var record = Existing(request);
        return new JsonObject
        {
            ["stateMachineArn"] = record.StateMachineArn,
            ["name"] = record.StateMachineArn.Split(':')[6],
            ["definition"] = record.Definition,
            ["roleArn"] = record.RoleArn,
            ["updateDate"] = AwsJson.Timestamp(record.DefinitionUpdateDate),
            ["loggingConfiguration"] = new JsonObject { ["level"] = "OFF", ["includeExecutionData"] = false },
            ["tracingConfiguration"] = new JsonObject { ["enabled"] = false },
        };
    }

    public JsonObject List(ApiRequest request)
    {
        var machineArn = request.OptionalString("stateMachineArn", Identifiers.MaxArnLength);
        if (request.OptionalString("mapRunArn", 2000) is not null && machineArn is null)
        {
            throw new AwsApiException("ResourceNotFound", "Map runs are not recorded by this local API.");
        }
        if (machineArn is null)
        {
            throw AwsApiException.Validation("Must provide a StateMachine ARN or MapRun ARN");
        }
        (machineArn, _) = Identifiers.ParseStateMachineArn(machineArn);
        var status = request.OptionalEnum("statusFilter", "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE");
        var redriveFilter = request.OptionalEnum("redriveFilter", "REDRIVEN", "NOT_REDRIVEN");
        bool? redriven = redriveFilter switch { "REDRIVEN" => true, "NOT_REDRIVEN" => false, _ => null };
        var max = request.OptionalInt("maxResults", 0, 1000) is { } m and > 0 ? m : 100;
        var token = request.OptionalString("nextToken", 3096);
        _ = sfn.Store.GetStateMachine(machineArn) ?? throw AwsApiException.StateMachineDoesNotExist(machineArn);
        (long, long)? after = null;
        if (token is not null)
        {
            var position = AwsJson.ReadPageToken(token, PageScope(machineArn, status, redriveFilter), 2);
            after = (position[0], position[1]);
        }
        var page = sfn.Store.ListExecutions(machineArn, status, max + 1, after, redriven);
        var items = page.Take(max).Select(e =>
        {
            var item = new JsonObject
            {
                ["executionArn"] = e.Arn,
                ["stateMachineArn"] = e.StateMachineArn,
                ["name"] = e.Name,
                ["status"] = e.Status,
                ["startDate"] = AwsJson.Timestamp(e.StartDate),
            };
            if (e.StopDate is { } stop)
            {
                item["stopDate"] = AwsJson.Timestamp(stop);
            }
            item["redriveCount"] = e.RedriveCount;
            if (e.RedriveDate is { } redriveDate)
            {
                item["redriveDate"] = AwsJson.Timestamp(redriveDate);
            }
            return (JsonNode)item;
        }).ToArray();
        var response = new JsonObject { ["executions"] = new JsonArray(items) };
        if (page.Count > max)
        {
            var last = page[max - 1];
            response["nextToken"] = AwsJson.PageToken(PageScope(machineArn, status, redriveFilter), last.StartDate.ToUnixTimeMilliseconds(), last.Sequence);
        }
        return response;
    }

    private static string PageScope(string machineArn, string? status, string? redriveFilter) =>
        "executions:" + machineArn + ":" + status + (redriveFilter is null ? "" : ":" + redriveFilter);

    public JsonObject History(ApiRequest request)
    {
        var record = Existing(request);
        var max = request.OptionalInt("maxResults", 0, 1000) is { } m and > 0 ? m : 100;
        var reverse = request.OptionalBool("reverseOrder") ?? false;
        var includeData = request.OptionalBool("includeExecutionData") ?? true;
        var token = request.OptionalString("nextToken", 1024);
        var scope = "history:" + record.Arn + ":" + (reverse ? "desc" : "asc");
        long? resumeAt = token is null ? null : AwsJson.ReadPageToken(token, scope, 1)[0];
        var events = reverse
            ? sfn.Store.GetEvents(record.Arn, 1, resumeAt ?? long.MaxValue, max + 1, descending: true)
            : sfn.Store.GetEvents(record.Arn, resumeAt ?? 1, long.MaxValue, max + 1, descending: false);
        var response = new JsonObject
        {
            ["events"] = new JsonArray(events.Take(max).Select(e => (JsonNode)ToAws(e, includeData)).ToArray()),
        };
        if (events.Count > max)
        {
            response["nextToken"] = AwsJson.PageToken(scope, events[max].Id);
        }
        return response;
    }

    private static JsonObject ToAws(HistoryEvent historyEvent, bool includeData)
    {
        var json = historyEvent.ToAwsJson();
        if (!includeData && json[historyEvent.DetailsKey] is JsonObject details)
        {
            details.Remove("input");
            details.Remove("output");
            details.Remove("parameters");
        }
        return json;
    }

    private static void AddResult(JsonObject response, string? output, string? error, string? cause)
    {
        if (output is not null)
        {
            response["output"] = output;
            response["outputDetails"] = new JsonObject { ["included"] = true };
        }
        if (error is not null)
        {
            response["error"] = error;
        }
        if (cause is not null)
        {
            response["cause"] = cause;
        }
    }

    /// <summary>AWS: the same name and input while the execution runs returns it again; anything else is ExecutionAlreadyExists.</summary>
    private static JsonObject SameStartAgain(string arn, bool running, string existingInput, DateTimeOffset startDate, string input)
    {
        if (running && existingInput == input)
        {
            return new JsonObject { ["executionArn"] = arn, ["startDate"] = AwsJson.Timestamp(startDate) };
        }
        throw new AwsApiException("ExecutionAlreadyExists", $"Execution Already Exists: '{arn}'");
    }

    private void CheckTestCase(string machineName, string? testCase)
    {
        if (testCase is null)
        {
            return;
        }
        if (sfn.MockConfig is null)
        {
            throw AwsApiException.Validation($"The test case '{testCase}' needs a mock config file (set SFN_MOCK_CONFIG).");
        }
        try
        {
            sfn.MockConfig.Resolve(machineName, testCase);
        }
        catch (KeyNotFoundException ex)
        {
            throw AwsApiException.Validation(ex.Message);
        }
    }

    private ExecutionRecord Existing(ApiRequest request)
    {
        var arn = request.RequiredString("executionArn", Identifiers.MaxArnLength);
        Identifiers.CheckExecutionArn(arn);
        return sfn.Store.GetExecution(arn) ?? throw AwsApiException.ExecutionDoesNotExist(arn);
    }
}
