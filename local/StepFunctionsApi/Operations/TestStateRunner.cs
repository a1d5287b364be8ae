using System.Text.Json.Nodes;
using StatesLanguage.Definition;
using StatesLanguage.Mocks;
using StatesLanguage.Runtime;
using StepFunctionsApi.Protocol;

namespace StepFunctionsApi.Operations;

/// <summary>A TestState mock: the task's result, or the error it raises.</summary>
internal sealed record TestStateMock(JsonNode? Result, string? Error, string? Cause);

/// <summary>What TestState reports: status (SUCCEEDED, FAILED, RETRIABLE, CAUGHT_ERROR), output or error, next state.</summary>
internal sealed record TestStateOutcome(string Status, string? Output, string? Error, string? Cause, string? NextState, IReadOnlyList<HistoryEvent> History);

/// <summary>
/// Runs one state on its own, the way TestState does: in a throwaway engine on a virtual clock (waits take no time),
/// inside a tiny machine where every state it can go to is a Succeed placeholder, with its Retry removed (TestState
/// reports RETRIABLE instead of retrying) and its Catch kept (CAUGHT_ERROR, with the catcher's Next).
/// </summary>
internal sealed class TestStateRunner
{
    private const string MachineName = "TestState";
    private const string MockCase = "TestStateMock";

    private readonly StepFunctionsApiOptions _options;
    private readonly JsonObject _state;
    private readonly string _runName;
    private readonly string? _queryLanguage;
    private readonly TestStateMock? _mock;

    public TestStateRunner(StepFunctionsApiOptions options, string stateName, JsonObject state, string? queryLanguage, TestStateMock? mock)
    {
        _options = options;
        _state = state;
        _queryLanguage = queryLanguage;
        _mock = mock;
        // A state that can go to itself would loop on its own copy; the copy under test gets its own name then.
        _runName = Targets(state).Contains(stateName) ? stateName + " (under test)" : stateName;
    }

    private string Type => _state["Type"]?.GetValue<string>() ?? "";

    public async Task<TestStateOutcome> RunAsync(string input, CancellationToken cancellationToken)
    {
        var underTest = (JsonObject)_state.DeepClone();
        underTest.Remove("Retry");
        var states = new JsonObject { [_runName] = underTest };
        foreach (var target in Targets(_state))
        {
            states[target] = new JsonObject { ["Type"] = "Succeed" };
        }
        var mocks = _mock is null || Type != "Task" ? null : MockConfigFor(_mock);
        var result = await RunMachineAsync(states, input, mocks, cancellationToken).ConfigureAwait(false);
        return Interpret(result);
    }

    /// <summary>inspectionData: the state's data flow step by step, recomputed with Pass states over the same engine.</summary>
    public async Task<JsonObject> InspectAsync(JsonNode? input, TestStateOutcome outcome, CancellationToken cancellationToken)
    {
        var data = new JsonObject { ["input"] = Serialize(input) };
        var afterInputPath = await PassAsync(new JsonObject { ["InputPath"] = PathOrDefault("InputPath") }, input, cancellationToken).ConfigureAwait(false);
        if (afterInputPath.Ok)
        {
            data["afterInputPath"] = Serialize(afterInputPath.Value);
        }
        JsonNode? afterParameters = afterInputPath.Value;
        var scheduled = outcome.History.FirstOrDefault(e => e.Type is "TaskScheduled" or "LambdaFunctionScheduled");
        if (scheduled is not null)
        {
            afterParameters = JsonNode.Parse(scheduled.Details?["parameters"]?.GetValue<string>() ?? scheduled.Details?["input"]?.GetValue<string>() ?? "null");
        }
        else if (_state["Parameters"] is { } parameters && afterInputPath.Ok)
        {
            var evaluated = await PassAsync(new JsonObject { ["Parameters"] = parameters.DeepClone() }, afterInputPath.Value, cancellationToken).ConfigureAwait(false);
            afterParameters = evaluated.Value;
        }
        data["afterParameters"] = Serialize(afterParameters);
        var succeeded = outcome.History.LastOrDefault(e => e.Type is "TaskSucceeded" or "LambdaFunctionSucceeded");
        if (succeeded?.Details?["output"]?.GetValue<string>() is not { } resultText || outcome.Status != "SUCCEEDED")
        {
            return data;
        }
        var result = JsonNode.Parse(resultText);
        data["result"] = resultText;
        var afterResultSelector = result;
        if (_state["ResultSelector"] is { } selector)
        {
            afterResultSelector = (await PassAsync(new JsonObject { ["Parameters"] = selector.DeepClone() }, result, cancellationToken).ConfigureAwait(false)).Value;
        }
        data["afterResultSelector"] = Serialize(afterResultSelector);
        var resultPath = new JsonObject { ["Result"] = afterResultSelector?.DeepClone(), ["ResultPath"] = PathOrDefault("ResultPath") };
        var afterResultPath = await PassAsync(resultPath, input, cancellationToken).ConfigureAwait(false);
        if (afterResultPath.Ok)
        {
            data["afterResultPath"] = Serialize(afterResultPath.Value);
        }
        return data;
    }

    private TestStateOutcome Interpret(ExecutionResult result)
    {
        var history = result.History;
        var exit = history.FirstOrDefault(e => e.Type.EndsWith("StateExited", StringComparison.Ordinal) && e.StateName == _runName);
        var failure = history.LastOrDefault(e => !e.Type.StartsWith("Execution", StringComparison.Ordinal) && e.Details?["error"] is not null
            && (exit is null || e.Id < exit.Id));
        var error = failure?.Details?["error"]?.GetValue<string>() ?? (exit is null ? result.Error : null);
        var cause = failure is not null ? failure.Details?["cause"]?.GetValue<string>() : exit is null ? result.Cause : null;
        if (Type == "Fail")
        {
            return new TestStateOutcome("FAILED", null, result.Error, result.Cause, null, history);
        }
        if (error is not null && Retriable(error))
        {
            return new TestStateOutcome("RETRIABLE", null, error, cause, null, history);
        }
        if (exit is null)
        {
            return new TestStateOutcome("FAILED", null, result.Error, result.Cause, null, history);
        }
        var next = history.FirstOrDefault(e => e.Id > exit.Id && e.Type.EndsWith("StateEntered", StringComparison.Ordinal))?.StateName;
        var output = exit.Details?["output"]?.GetValue<string>();
        return new TestStateOutcome(error is null ? "SUCCEEDED" : "CAUGHT_ERROR", output, error, cause, next, history);
    }

    private bool Retriable(string error)
    {
        if (_state["Retry"] is not JsonArray retriers)
        {
            return false;
        }
        var terminal = error is "States.Runtime" or "States.DataLimitExceeded";
        return retriers.OfType<JsonObject>().Any(retrier =>
        {
            var maxAttempts = retrier["MaxAttempts"]?.GetValue<int>() ?? 3;
            var errors = (retrier["ErrorEquals"] as JsonArray)?.Select(e => e?.GetValue<string>()).ToList() ?? [];
            var matches = errors.Contains(error)
                || (errors.Contains("States.ALL") && !terminal)
                || (errors.Contains("States.TaskFailed") && !terminal && error is not ("States.Timeout" or "States.HeartbeatTimeout"));
            return maxAttempts > 0 && matches;
        });
    }

    /// <summary>The state's path field; null when the state sets it to null (discard), "$" when it does not set it.</summary>
    private JsonNode? PathOrDefault(string field) => _state.ContainsKey(field) ? _state[field]?.DeepClone() : "$";

    private async Task<(bool Ok, JsonNode? Value)> PassAsync(JsonObject passFields, JsonNode? input, CancellationToken cancellationToken)
    {
        passFields["Type"] = "Pass";
        passFields["End"] = true;
        try
        {
            var result = await RunMachineAsync(new JsonObject { ["Inspect"] = passFields }, Serialize(input), null, cancellationToken).ConfigureAwait(false);
            return result.Status == ExecutionStatus.SUCCEEDED ? (true, result.OutputJson) : (false, null);
        }
        catch (AwsApiException)
        {
            return (false, null);
        }
    }

    private async Task<ExecutionResult> RunMachineAsync(JsonObject states, string input, MockConfig? mocks, CancellationToken cancellationToken)
    {
        var startAt = states.First().Key;
        var definition = new JsonObject { ["StartAt"] = startAt, ["States"] = states };
        if (_queryLanguage is not null)
        {
            definition["QueryLanguage"] = _queryLanguage;
        }
        var engine = new StepFunctionsEngine(LocalStepFunctions.EngineOptionsFor(_options, mocks, [], new VirtualClock()));
        foreach (var integration in _options.Integrations.Reverse())
        {
            engine.RegisterIntegration(integration);
        }
        StateMachine machine;
        try
        {
            machine = engine.CreateStateMachine(MachineName, definition.ToJsonString());
        }
        catch (DefinitionValidationException ex)
        {
            throw new AwsApiException("InvalidDefinition", ex.Message);
        }
        try
        {
            var execution = await engine.StartExecutionAsync(machine, input, testCase: mocks is null ? null : MockCase).ConfigureAwait(false);
            return await execution.WaitForCompletionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (StepFunctionsApiException ex)
        {
            throw new AwsApiException(ex.ErrorCode, ex.Message);
        }
    }

    private MockConfig MockConfigFor(TestStateMock mock)
    {
        var response = mock.Error is null
            ? new JsonObject { ["Return"] = mock.Result?.DeepClone() }
            : new JsonObject { ["Throw"] = new JsonObject { ["Error"] = mock.Error, ["Cause"] = mock.Cause } };
        var config = new JsonObject
        {
            ["StateMachines"] = new JsonObject
            {
                [MachineName] = new JsonObject { ["TestCases"] = new JsonObject { [MockCase] = new JsonObject { [_runName] = "Mocked" } } },
            },
            ["MockedResponses"] = new JsonObject { ["Mocked"] = new JsonObject { ["0"] = response } },
        };
        return MockConfig.Parse(config.ToJsonString());
    }

    /// <summary>Every state name the state can transition to: Next, Default, Choices[].Next, Catch[].Next.</summary>
    private static HashSet<string> Targets(JsonObject state)
    {
        var targets = new HashSet<string>(StringComparer.Ordinal);
        void Add(JsonNode? node)
        {
            if (node is JsonValue value && value.TryGetValue<string>(out var name))
            {
                targets.Add(name);
            }
        }
        Add(state["Next"]);
        Add(state["Default"]);
        foreach (var rule in (state["Choices"] as JsonArray ?? []).OfType<JsonObject>())
        {
            Add(rule["Next"]);
        }
        foreach (var catcher in (state["Catch"] as JsonArray ?? []).OfType<JsonObject>())
        {
            Add(catcher["Next"]);
        }
        return targets;
    }

    private static string Serialize(JsonNode? node) => node?.ToJsonString() ?? "null";
}
