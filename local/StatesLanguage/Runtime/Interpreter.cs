using System.Globalization;
using System.Text.Json.Nodes;
using StatesLanguage.Definition;
using StatesLanguage.Integrations;
using StatesLanguage.Json;

namespace StatesLanguage.Runtime;

/// <summary>Runs one execution's definition: states, data flow, retries, catches and history events.</summary>
internal sealed class Interpreter(Execution execution)
{
    private readonly StepFunctionsEngine _engine = execution.Engine;
    private EngineClock Clock => _engine.Clock;

    public async Task RunAsync(RunPlan plan)
    {
        var definition = execution.StateMachine.Definition;
        var root = new Lane { Last = plan.LastEventId };
        var context = BuildExecutionContext(execution.ExecutionArn, execution.Name, execution.ParsedInput, execution.StartDate);
        if (execution.RedriveCount > 0)
        {
            context["Execution"]!["RedriveCount"] = execution.RedriveCount;
            context["Execution"]!["RedriveTime"] = Timestamps.Format(execution.RedriveDate!.Value);
        }
        context["Execution"]!["RoleArn"] = execution.StateMachine.RoleArn;
        var scope = RunScope.Create(
            (prev, type, details) => execution.Append(prev, type, details),
            context,
            TopLevel: true,
            execution.ExecutionArn,
            VariableScope.FromJson(plan.Variables));
        using var timeout = definition.TimeoutSeconds is { } seconds
            ? Clock.TimeoutSource(Max(TimeSpan.Zero, TimeSpan.FromSeconds(seconds) - (Clock.Now - plan.TimeoutFrom)))
            : null;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(execution.AbortToken, timeout?.Token ?? CancellationToken.None);
        try
        {
            if (plan.AppendStarted)
            {
                root.Last = execution.Append(0, "ExecutionStarted", new EventDetails(
                    ("input", execution.Input),
                    ("inputDetails", EventDetails.NotTruncated),
                    ("roleArn", execution.StateMachine.RoleArn)));
            }
            var resume = new StateResume(plan.EnteredEventId, plan.EnteredTime, plan.RetryCounts, plan.CompletedChildren, plan.Variables);
            var (_, outputText) = await RunWorkflowAsync(definition, plan.StartAt, plan.Input, root, scope, linked.Token, resume).ConfigureAwait(false);
            execution.Append(root.Last, "ExecutionSucceeded", new EventDetails(
                ("output", outputText),
                ("outputDetails", EventDetails.NotTruncated)), terminal: true);
            execution.Complete(ExecutionStatus.SUCCEEDED, outputText, null, null);
        }
        catch (Exception) when (execution.IsShutDown)
        {
            // A clean shutdown: nothing is recorded, the next process resumes from the last checkpoint.
        }
        catch (OperationCanceledException) when (execution.AbortToken.IsCancellationRequested)
        {
            var (error, cause) = execution.AbortReason;
            execution.Append(root.Last, "ExecutionAborted", ErrorDetails(error, cause), terminal: true);
            execution.Complete(ExecutionStatus.ABORTED, null, error, cause);
        }
        catch (OperationCanceledException) when (timeout?.IsCancellationRequested == true)
        {
            execution.Append(root.Last, "ExecutionTimedOut", new EventDetails(("error", StatesErrors.Timeout)), terminal: true);
            execution.Complete(ExecutionStatus.TIMED_OUT, null, StatesErrors.Timeout, null);
        }
        catch (StatesException ex)
        {
            Fail(root, ex.Error, ex.Cause);
        }
        catch (HistoryLimitExceededException ex)
        {
            Fail(root, StatesErrors.Runtime, ex.Message);
        }
        catch (Exception ex)
        {
            Fail(root, StatesErrors.Runtime, "Internal engine error: " + ex.Message);
        }
    }

    private void Fail(Lane lane, string? error, string? cause)
    {
        execution.Append(lane.Last, "ExecutionFailed", ErrorDetails(error, cause), terminal: true);
        execution.Complete(ExecutionStatus.FAILED, null, error, cause);
    }

    /// <summary>"error" and "cause", each only when present.</summary>
    private static EventDetails ErrorDetails(string? error, string? cause, params (string Key, object? Value)[] before)
    {
        var fields = new List<(string Key, object? Value)>(before.Length + 2);
        fields.AddRange(before);
        if (error is not null)
        {
            fields.Add(("error", error));
        }
        if (cause is not null)
        {
            fields.Add(("cause", cause));
        }
        return new EventDetails([.. fields]);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    internal static JsonObject BuildExecutionContext(string executionArn, string name, JsonNode? input, DateTimeOffset startTime)
    {
        // arn:aws:states:region:account:execution:machine:name
        var parts = executionArn.Split(':');
        var machineName = parts.Length > 6 ? parts[6].Split('/')[0] : "";
        var machineArn = string.Join(':', parts.Take(5)) + ":stateMachine:" + machineName;
        return new JsonObject
        {
            ["Execution"] = new JsonObject
            {
                ["Id"] = executionArn,
                ["Input"] = JsonUtil.Clone(input),
                ["StartTime"] = Timestamps.Format(startTime),
                ["Name"] = name,
                ["RoleArn"] = "arn:aws:iam::" + (parts.Length > 4 ? parts[4] : "") + ":role/StepFunctionsLocalRole",
                ["RedriveCount"] = 0,
            },
            ["StateMachine"] = new JsonObject { ["Id"] = machineArn, ["Name"] = machineName },
        };
    }

    /// <summary>
    /// The context object for a state: the scope's own object (one per logical thread, see <see cref="RunScope"/>)
    /// with this state's <c>State</c> entry. Everything read from it is copied, so it is reused from state to state.
    /// </summary>
    private static JsonObject StateContext(RunScope scope, StateDefinition state, DateTimeOffset entered, int? retryCount)
    {
        var context = scope.ExecutionContext;
        if (!state.ReadsContext)
        {
            return context;
        }
        context.Remove("Task");
        var stateObj = new JsonObject { ["Name"] = state.Name, ["EnteredTime"] = Timestamps.Format(entered) };
        if (retryCount is not null)
        {
            stateObj["RetryCount"] = retryCount.Value;
        }
        context["State"] = stateObj;
        return context;
    }

    /// <summary>Runs states from <paramref name="startAt"/> to the end; gives the output and its JSON text.</summary>
    private async Task<(JsonNode? Output, string OutputText)> RunWorkflowAsync(Workflow workflow, string startAt, JsonNode? input, Lane lane,
        RunScope scope, CancellationToken ct, StateResume? resume = null)
    {
        var name = startAt;
        // The JSON text of `input` once known: a state's output text is its successor's input text.
        string? inputText = null;
        // Only the execution's own states are checkpointed; branches, iterations and child executions are not.
        var root = scope.TopLevel && ReferenceEquals(workflow, execution.StateMachine.Definition);
        while (true)
        {
            var state = workflow.States[name];
            if (root && resume?.EnteredEventId is null)
            {
                // A resumed state that was entered already keeps the checkpoint it was resumed from. The checkpoint is
                // taken before a stop is noticed, so the previous state's exit is always followed by one (a store can
                // commit them together).
                inputText ??= JsonUtil.Serialize(input);
                execution.SetCheckpoint(new ExecutionCheckpoint(name, inputText, (int)lane.Last, resume?.RetryCounts ?? NoRetries)
                {
                    CompletedChildren = resume?.CompletedChildren,
                    Variables = scope.Variables.ToJson(),
                });
            }
            ct.ThrowIfCancellationRequested();
            var (output, outputText, next) = await RunStateAsync(state, input, inputText, lane, scope, ct, resume, root).ConfigureAwait(false);
            resume = null;
            if (next is null)
            {
                return (output, outputText);
            }
            input = output;
            inputText = outputText;
            name = next;
        }
    }

    private static readonly IReadOnlyDictionary<string, int> NoRetries = new Dictionary<string, int>();

    private async Task<(JsonNode? Output, string OutputText, string? Next)> RunStateAsync(StateDefinition state, JsonNode? input, string? inputText,
        Lane lane, RunScope scope, CancellationToken ct, StateResume? resume, bool root)
    {
        var enteredTime = resume?.EnteredTime ?? Clock.Now;
        if (resume?.EnteredEventId is null)
        {
            inputText ??= JsonUtil.Serialize(input);
        }
        var enteredId = resume?.EnteredEventId ?? (lane.Last = scope.Append(lane.Last, EventTypes.Entered(state.Type), new EventDetails(
            ("name", state.Name),
            ("input", inputText),
            ("inputDetails", EventDetails.NotTruncated))));
        var assign = new PendingAssign();
        try
        {
            if (state.Type is "Task" or "Parallel" or "Map")
            {
                return await RunWithRetryAsync(state, input, inputText, lane, scope, enteredTime, enteredId, ct, resume, root).ConfigureAwait(false);
            }
            var (output, next) = state.Type switch
            {
                "Pass" => RunPass(state, input, scope, enteredTime, assign),
                "Choice" => RunChoice(state, input, scope, enteredTime, assign),
                "Succeed" when state.IsJsonata => (JsonataOutput(state, input, Jsonata(scope, input, StateContext(scope, state, enteredTime, null))), null),
                "Succeed" => (OutputOf(state, DataFlow.SelectPath(state.InputPath, input, StateContext(scope, state, enteredTime, null), "InputPath"), scope, enteredTime), null),
                "Fail" => throw FailState(state, input, scope, enteredTime),
                "Wait" => await RunWaitAsync(state, input, scope, enteredTime, assign, ct).ConfigureAwait(false),
                _ => throw new RuntimeFailure($"Unsupported state type '{state.Type}'."),
            };
            return (output, Exit(state, output, assign.Values, lane, scope), next);
        }
        catch (RuntimeFailure failure)
        {
            throw new StatesException(StatesErrors.Runtime,
                $"An error occurred while executing the state '{state.Name}' (entered at the event id #{enteredId}). {failure.Message}");
        }
        catch (QueryEvaluationException failure)
        {
            throw RecordEvaluationFailure(failure, state, enteredId, lane, scope);
        }
    }

    /// <summary>Appends EvaluationFailed and gives the error with AWS's cause: the state and its entered event, then the reason.</summary>
    private static StatesException RecordEvaluationFailure(QueryEvaluationException failure, StateDefinition state, long enteredId, Lane lane, RunScope scope)
    {
        var cause = $"An error occurred while executing the state '{state.Name}' (entered at the event id #{enteredId}). {failure.Cause}";
        lane.Last = scope.Append(lane.Last, "EvaluationFailed", new EventDetails(
            ("error", StatesErrors.QueryEvaluationError),
            ("cause", cause),
            ("location", failure.Field),
            ("state", state.Name)));
        return new StatesException(StatesErrors.QueryEvaluationError, cause);
    }

    /// <summary>What JSONata expressions of a state see: <c>$states</c> and the variables.</summary>
    private static Dictionary<string, JsonNode?> Jsonata(RunScope scope, JsonNode? input, JsonObject context,
        JsonNode? result = null, bool hasResult = false, JsonNode? errorOutput = null) =>
        JsonataFields.Bindings(scope.Variables, input, context, result, hasResult, errorOutput);

    /// <summary>A JSONata state's output: its Output field, or <paramref name="fallback"/> without one.</summary>
    private static JsonNode? JsonataOutput(JsonNode? output, JsonNode? fallback, Dictionary<string, JsonNode?> bindings) =>
        output is null ? JsonUtil.Clone(fallback) : JsonataFields.Evaluate(output, bindings, "Output");

    /// <summary>A state's own Output field, where <c>"Output": null</c> means a null output rather than none.</summary>
    private static JsonNode? JsonataOutput(StateDefinition state, JsonNode? fallback, Dictionary<string, JsonNode?> bindings) =>
        state.Json.ContainsKey("Output") && state.Output is null ? null : JsonataOutput(state.Output, fallback, bindings);

    private static JsonObject? JsonataAssign(JsonObject? assign, Dictionary<string, JsonNode?> bindings) =>
        assign is null ? null : (JsonObject?)JsonataFields.Evaluate(assign, bindings, "Assign");

    private static decimal JsonataNumber(JsonNode? field, Dictionary<string, JsonNode?> bindings, string name)
    {
        var value = JsonataFields.TryGetExpression(field, out _) ? JsonataFields.Evaluate(field, bindings, name) : field;
        return JsonUtil.TryGetNumber(value, out var n)
            ? n
            : throw new StatesException(StatesErrors.QueryEvaluationError,
                $"The value of the field '{name}' must be a number, but was: {JsonUtil.Serialize(value)}");
    }

    /// <summary>Evaluates an Assign object: <c>$</c> is what the state produced (or the error output, for a Catch).</summary>
    private static JsonObject? EvaluateAssign(JsonObject? assign, JsonNode? value, JsonObject context) =>
        assign is null ? null : (JsonObject?)DataFlow.EvaluateTemplate(assign, value, context);

    /// <summary>
    /// A state that produced its output ends: size check, assigned variables, StateExited. Gives the output's JSON text.
    /// </summary>
    private string Exit(StateDefinition state, JsonNode? output, JsonObject? assigned, Lane lane, RunScope scope)
    {
        var outputText = JsonUtil.Serialize(output);
        CheckSize(state, outputText);
        var assignedText = ApplyAssign(assigned, scope);
        lane.Last = scope.Append(lane.Last, EventTypes.Exited(state.Type), ExitDetails(state, outputText, assignedText));
        return outputText;
    }

    /// <summary>
    /// Sets the assigned variables (all at once, after the output); gives them as JSON text for the StateExited details.
    /// </summary>
    private static Dictionary<string, string>? ApplyAssign(JsonObject? assigned, RunScope scope)
    {
        if (assigned is null)
        {
            return null;
        }
        var serialized = assigned.ToDictionary(p => p.Key, p => JsonUtil.Serialize(p.Value), StringComparer.Ordinal);
        var size = serialized.Sum(p => (long)JsonUtil.Utf8Size(p.Value));
        if (size > VariableScope.MaxAssignBytes)
        {
            throw new StatesException(StatesErrors.DataLimitExceeded,
                $"The variables assigned by this state have a size of {size} bytes, which exceeds the maximum of {VariableScope.MaxAssignBytes} bytes.");
        }
        if (scope.Variables.TotalBytes() + size > VariableScope.MaxTotalBytes)
        {
            throw new StatesException(StatesErrors.DataLimitExceeded,
                $"The variables of this execution would exceed the maximum total size of {VariableScope.MaxTotalBytes} bytes.");
        }
        scope.Variables.Assign(assigned.Select(p => KeyValuePair.Create(p.Key, p.Value)));
        return serialized;
    }

    private static EventDetails ExitDetails(StateDefinition state, string outputText, Dictionary<string, string>? assigned) =>
        assigned is null
            ? new EventDetails(("name", state.Name), ("output", outputText), ("outputDetails", EventDetails.NotTruncated))
            : new EventDetails(
                ("name", state.Name),
                ("output", outputText),
                ("outputDetails", EventDetails.NotTruncated),
                ("assignedVariables", new EventDetails([.. assigned.Select(p => (p.Key, (object?)p.Value))])),
                ("assignedVariablesDetails", EventDetails.NotTruncated));

    private void CheckSize(StateDefinition state, string outputText)
    {
        if (JsonUtil.Utf8Size(outputText) > _engine.Options.MaxPayloadBytes)
        {
            throw new StatesException(StatesErrors.DataLimitExceeded,
                $"The state/task '{state.Name}' returned a result with a size exceeding the maximum number of bytes service limit.");
        }
    }

    private JsonNode? OutputOf(StateDefinition state, JsonNode? value, RunScope scope, DateTimeOffset entered) =>
        DataFlow.SelectPath(state.OutputPath, value, StateContext(scope, state, entered, null), "OutputPath");

    private (JsonNode?, string?) RunPass(StateDefinition state, JsonNode? input, RunScope scope, DateTimeOffset entered, PendingAssign assign)
    {
        var context = StateContext(scope, state, entered, null);
        if (state.IsJsonata)
        {
            var bindings = Jsonata(scope, input, context);
            assign.Values = JsonataAssign(state.Assign, bindings);
            return (JsonataOutput(state, input, bindings), state.Next);
        }
        var effective = DataFlow.SelectPath(state.InputPath, input, context, "InputPath");
        JsonNode? result = state.HasResult
            ? JsonUtil.Clone(state.Result)
            : state.Parameters is not null ? DataFlow.EvaluateTemplate(state.Parameters, effective, context) : effective;
        assign.Values = EvaluateAssign(state.Assign, result, context);
        var combined = DataFlow.ApplyResultPath(state.ResultPath, input, result);
        return (DataFlow.SelectPath(state.OutputPath, combined, context, "OutputPath"), state.Next);
    }

    private (JsonNode?, string?) RunChoice(StateDefinition state, JsonNode? input, RunScope scope, DateTimeOffset entered, PendingAssign assign)
    {
        var context = StateContext(scope, state, entered, null);
        if (state.IsJsonata)
        {
            var bindings = Jsonata(scope, input, context);
            var taken = state.Choices.FirstOrDefault(rule =>
                JsonataFields.Evaluate(rule.Operand, bindings, "Condition") is JsonValue v && JsonUtil.TryGetBool(v, out var b)
                    ? b
                    : throw new StatesException(StatesErrors.QueryEvaluationError,
                        $"The Condition of a choice rule of state '{state.Name}' must evaluate to a boolean."));
            var target = taken?.Next ?? state.Default
                ?? throw new StatesException(StatesErrors.NoChoiceMatched, $"No Matches! for state '{state.Name}'");
            assign.Values = JsonataAssign(taken is null ? state.Assign : taken.Assign, bindings);
            return (JsonataOutput(taken?.Output ?? state.Output, input, bindings), target);
        }
        var effective = DataFlow.SelectPath(state.InputPath, input, context, "InputPath");
        var matched = state.Choices.FirstOrDefault(rule => ChoiceEvaluator.Evaluate(rule, effective, context));
        var next = matched?.Next ?? state.Default;
        if (next is null)
        {
            throw new StatesException(StatesErrors.NoChoiceMatched, $"No Matches! for state '{state.Name}'");
        }
        assign.Values = EvaluateAssign(matched is null ? state.Assign : matched.Assign, effective, context);
        return (DataFlow.SelectPath(state.OutputPath, effective, context, "OutputPath"), next);
    }

    private StatesException FailState(StateDefinition state, JsonNode? input, RunScope scope, DateTimeOffset entered)
    {
        var context = StateContext(scope, state, entered, null);
        if (state.IsJsonata)
        {
            var bindings = Jsonata(scope, input, context);
            string? Text(string field) => state.Json[field] is { } node
                ? (JsonataFields.Evaluate(node, bindings, field) is var value && JsonUtil.TryGetString(value, out var text) ? text
                    : throw new StatesException(StatesErrors.QueryEvaluationError, $"The field '{field}' must evaluate to a string, but was: {JsonUtil.Serialize(value)}"))
                : null;
            return new StatesException(Text("Error")!, Text("Cause"));
        }
        var error = state.Error ?? (state.ErrorPath is null ? null : FailField(state.ErrorPath, "ErrorPath", input, context));
        var cause = state.Cause ?? (state.CausePath is null ? null : FailField(state.CausePath, "CausePath", input, context));
        return new StatesException(error!, cause);
    }

    private static string FailField(string expression, string field, JsonNode? input, JsonNode? context)
    {
        var value = Intrinsics.IntrinsicFunctions.IsIntrinsic(expression)
            ? Intrinsics.IntrinsicFunctions.Evaluate(expression, input, context)
            : DataFlow.SelectPath(expression, input, context, field);
        return JsonUtil.TryGetString(value, out var s)
            ? s
            : throw new RuntimeFailure($"The {field} field must reference a string, but found: {JsonUtil.Serialize(value)}");
    }

    private async Task<(JsonNode?, string?)> RunWaitAsync(StateDefinition state, JsonNode? input, RunScope scope, DateTimeOffset entered,
        PendingAssign assign, CancellationToken ct)
    {
        var context = StateContext(scope, state, entered, null);
        if (state.IsJsonata)
        {
            var bindings = Jsonata(scope, input, context);
            TimeSpan wait;
            if (state.Seconds is not null)
            {
                var seconds = JsonataNumber(state.Seconds, bindings, "Seconds");
                wait = seconds >= 0 && decimal.Truncate(seconds) == seconds
                    ? TimeSpan.FromSeconds((double)seconds)
                    : throw new StatesException(StatesErrors.QueryEvaluationError, $"The field 'Seconds' must be a non-negative integer, but was: {seconds}");
            }
            else
            {
                var value = JsonataFields.Evaluate(state.Json["Timestamp"], bindings, "Timestamp");
                wait = JsonUtil.TryGetString(value, out var text) && Timestamps.TryParse(text, out var until)
                    ? until - Clock.Now
                    : throw new StatesException(StatesErrors.QueryEvaluationError,
                        $"The field 'Timestamp' must be an ISO-8601 extended offset date-time, but was: {JsonUtil.Serialize(value)}");
            }
            assign.Values = JsonataAssign(state.Assign, bindings);
            var waitOutput = JsonataOutput(state, input, bindings);
            await Clock.DelayAsync(wait, ct).ConfigureAwait(false);
            return (waitOutput, state.Next);
        }
        var effective = DataFlow.SelectPath(state.InputPath, input, context, "InputPath");
        assign.Values = EvaluateAssign(state.Assign, effective, context);
        TimeSpan delay;
        if (state.Seconds is not null)
        {
            delay = TimeSpan.FromSeconds(JsonUtil.TryGetDouble(state.Seconds, out var s) ? s : 0);
        }
        else if (state.SecondsPath is not null)
        {
            var path = JsonPath.Parse(state.SecondsPath);
            if (!path.TryEvaluate(effective, context, out var value))
            {
                throw new RuntimeFailure($"The SecondsPath parameter does not reference an input value: {state.SecondsPath}");
            }
            if (!JsonUtil.TryGetNumber(value, out var seconds) || decimal.Truncate(seconds) != seconds)
            {
                throw new RuntimeFailure($"The SecondsPath parameter cannot be parsed as a long value: {state.SecondsPath} == {JsonUtil.Serialize(value)}");
            }
            if (seconds < 0)
            {
                throw new RuntimeFailure($"The SecondsPath parameter references a negative value: {state.SecondsPath} == {JsonUtil.Serialize(value)}");
            }
            delay = TimeSpan.FromSeconds((double)seconds);
        }
        else
        {
            string text;
            if (state.Timestamp is not null)
            {
                text = state.Timestamp;
            }
            else
            {
                var path = JsonPath.Parse(state.TimestampPath!);
                if (!path.TryEvaluate(effective, context, out var value))
                {
                    throw new RuntimeFailure($"The TimestampPath parameter does not reference an input value: {state.TimestampPath}");
                }
                text = JsonUtil.TryGetString(value, out var t) ? t : JsonUtil.Serialize(value);
                if (!Timestamps.TryParse(text, out _))
                {
                    throw new RuntimeFailure(
                        $"The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {state.TimestampPath} == {text}");
                }
            }
            if (!Timestamps.TryParse(text, out var until))
            {
                throw new RuntimeFailure($"The Timestamp parameter is not a valid ISO-8601 extended offset date-time: {text}");
            }
            delay = until - Clock.Now;
        }
        await Clock.DelayAsync(delay, ct).ConfigureAwait(false);
        return (DataFlow.SelectPath(state.OutputPath, effective, context, "OutputPath"), state.Next);
    }

    private async Task<(JsonNode?, string, string?)> RunWithRetryAsync(StateDefinition state, JsonNode? input, string? inputText, Lane lane,
        RunScope scope, DateTimeOffset entered, long enteredId, CancellationToken ct, StateResume? resume, bool root)
    {
        // The result goes into the input itself (no copy of the whole state) unless the integration was handed the input.
        var resultIntoInput = state.Type == "Task" && !state.IsJsonata && (state.Parameters is not null || state.InputPath != "$");
        var inputChanged = false;
        var retryCounts = new int[state.Retry.Count];
        foreach (var (key, count) in resume?.RetryCounts ?? NoRetries)
        {
            if (int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < retryCounts.Length)
            {
                retryCounts[index] = count;
            }
        }
        var attempt = retryCounts.Sum();
        var completed = resume?.CompletedChildren;
        while (true)
        {
            try
            {
                var context = StateContext(scope, state, entered, attempt);
                var effective = state.IsJsonata ? input : DataFlow.SelectPath(state.InputPath, input, context, "InputPath");
                var children = new ChildProgress(completed, root ? RecordChildResult : null);
                completed = null;
                var result = state.Type switch
                {
                    "Task" => await RunTaskAsync(state, effective, lane, scope, context, attempt, ct).ConfigureAwait(false),
                    "Parallel" => await RunParallelAsync(state, effective, lane, scope, context, children, ct).ConfigureAwait(false),
                    _ => await RunMapAsync(state, effective, lane, scope, context, children, ct).ConfigureAwait(false),
                };
                if (state.ResultSelector is not null)
                {
                    result = DataFlow.EvaluateTemplate(state.ResultSelector, result, context);
                }
                JsonObject? assigned;
                JsonNode? output;
                if (state.IsJsonata)
                {
                    var bindings = Jsonata(scope, input, context, result, hasResult: true);
                    assigned = JsonataAssign(state.Assign, bindings);
                    output = JsonataOutput(state, result, bindings);
                }
                else
                {
                    assigned = EvaluateAssign(state.Assign, result, context);
                    if (resultIntoInput)
                    {
                        // A retry or a Catch after this point needs the input as it was.
                        inputText ??= JsonUtil.Serialize(input);
                        inputChanged = true;
                    }
                    var combined = DataFlow.ApplyResultPath(state.ResultPath, input, result, inPlace: resultIntoInput);
                    output = DataFlow.SelectPath(state.OutputPath, combined, context, "OutputPath");
                }
                return (output, Exit(state, output, assigned, lane, scope), state.Next);
            }
            catch (StatesException thrown) when (thrown.Error != StatesErrors.Runtime)
            {
                if (inputChanged)
                {
                    input = JsonUtil.Parse(inputText!);
                    inputChanged = false;
                }
                var ex = thrown is QueryEvaluationException failure ? RecordEvaluationFailure(failure, state, enteredId, lane, scope) : thrown;
                var index = IndexOfMatch(state.Retry.Select(r => r.ErrorEquals), ex.Error);
                if (index >= 0 && retryCounts[index] < state.Retry[index].MaxAttempts)
                {
                    var delay = BackoffDelay(state.Retry[index], retryCounts[index]);
                    retryCounts[index]++;
                    attempt++;
                    if (root)
                    {
                        var counts = retryCounts.Select((c, i) => (c, i)).Where(p => p.c > 0)
                            .ToDictionary(p => p.i.ToString(CultureInfo.InvariantCulture), p => p.c, StringComparer.Ordinal);
                        // A retried Parallel or Map runs all its branches or iterations again.
                        execution.UpdateCheckpoint(c => c! with { RetryCounts = counts, CompletedChildren = null });
                    }
                    await Clock.DelayAsync(delay, ct).ConfigureAwait(false);
                    continue;
                }
                if (state.Type is "Parallel" or "Map")
                {
                    lane.Last = scope.Append(lane.Last, EventTypes.Failed(state.Type), null);
                }
                var catchIndex = IndexOfMatch(state.Catch.Select(c => c.ErrorEquals), ex.Error);
                if (catchIndex < 0)
                {
                    if (ReferenceEquals(ex, thrown))
                    {
                        throw;
                    }
                    throw ex;
                }
                var catcher = state.Catch[catchIndex];
                var errorOutput = new JsonObject { ["Error"] = ex.Error, ["Cause"] = ex.Cause };
                JsonObject? catchAssigned;
                JsonNode? caught;
                if (state.IsJsonata)
                {
                    var bindings = Jsonata(scope, input, StateContext(scope, state, entered, attempt), errorOutput: errorOutput);
                    catchAssigned = JsonataAssign(catcher.Assign, bindings);
                    caught = JsonataOutput(catcher.Output, errorOutput, bindings);
                }
                else
                {
                    catchAssigned = EvaluateAssign(catcher.Assign, errorOutput, StateContext(scope, state, entered, attempt));
                    caught = DataFlow.ApplyResultPath(catcher.ResultPath, input, errorOutput);
                }
                var caughtText = JsonUtil.Serialize(caught);
                var caughtAssigned = ApplyAssign(catchAssigned, scope);
                lane.Last = scope.Append(lane.Last, EventTypes.Exited(state.Type), ExitDetails(state, caughtText, caughtAssigned));
                return (caught, caughtText, catcher.Next);
            }
        }
    }

    private void RecordChildResult(int index, JsonNode? output) =>
        execution.UpdateCheckpoint(c =>
        {
            var children = c!.CompletedChildren is null ? new Dictionary<int, string>() : new Dictionary<int, string>(c.CompletedChildren);
            children[index] = JsonUtil.Serialize(output);
            return c with { CompletedChildren = children };
        });

    internal static TimeSpan BackoffDelay(Retrier retrier, int retriesSoFar, Random? random = null)
    {
        var seconds = retrier.IntervalSeconds * Math.Pow(retrier.BackoffRate, retriesSoFar);
        if (retrier.MaxDelaySeconds is { } max)
        {
            seconds = Math.Min(seconds, max);
        }
        if (retrier.JitterStrategy == "FULL")
        {
            seconds = (random ?? Random.Shared).NextDouble() * seconds;
        }
        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>The first entry whose ErrorEquals matches, with AWS's wildcard rules.</summary>
    internal static int IndexOfMatch(IEnumerable<IReadOnlyList<string>> entries, string error)
    {
        var i = 0;
        foreach (var errorEquals in entries)
        {
            if (ErrorMatches(errorEquals, error))
            {
                return i;
            }
            i++;
        }
        return -1;
    }

    internal static bool ErrorMatches(IReadOnlyList<string> errorEquals, string error)
    {
        if (errorEquals.Contains(error))
        {
            return true;
        }
        var terminal = error is StatesErrors.Runtime or StatesErrors.DataLimitExceeded;
        if (errorEquals.Contains(StatesErrors.All) && !terminal)
        {
            return true;
        }
        return errorEquals.Contains(StatesErrors.TaskFailed) && !terminal && error != StatesErrors.Timeout
            && error != StatesErrors.HeartbeatTimeout;
    }

    private async Task<JsonNode?> RunTaskAsync(StateDefinition state, JsonNode? effective, Lane lane, RunScope scope, JsonObject context, int attempt, CancellationToken ct)
    {
        var resource = state.TaskResource!;
        string? token = null;
        if (resource.WaitForTaskToken)
        {
            token = Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + Convert.ToBase64String(Guid.NewGuid().ToByteArray());
            context["Task"] = new JsonObject { ["Token"] = token };
        }
        var parameters = state.IsJsonata
            ? (state.Arguments is null ? effective : JsonataFields.Evaluate(state.Arguments, Jsonata(scope, effective, context), "Arguments"))
            : state.Parameters is not null ? DataFlow.EvaluateTemplate(state.Parameters, effective, context) : effective;
        var timeout = ResolveSeconds(state.TimeoutSeconds, state.TimeoutSecondsPath, "TimeoutSecondsPath", effective, context);
        var heartbeat = ResolveSeconds(state.HeartbeatSeconds, state.HeartbeatSecondsPath, "HeartbeatSecondsPath", effective, context);
        var lambda = resource.IsLambdaFunctionArn;
        if (lambda)
        {
            var scheduled = new List<(string, object?)>(4)
            {
                ("resource", resource.Arn),
                ("input", JsonUtil.Serialize(parameters)),
                ("inputDetails", EventDetails.NotTruncated),
            };
            if (timeout is not null)
            {
                scheduled.Add(("timeoutInSeconds", timeout.Value));
            }
            lane.Last = scope.Append(lane.Last, "LambdaFunctionScheduled", new EventDetails([.. scheduled]));
            lane.Last = scope.Append(lane.Last, "LambdaFunctionStarted", null);
        }
        else
        {
            var scheduled = new List<(string, object?)>(6)
            {
                ("resourceType", resource.ResourceType),
                ("resource", resource.ResourceName),
                ("region", _engine.Options.Region),
                ("parameters", JsonUtil.Serialize(parameters)),
            };
            if (timeout is not null)
            {
                scheduled.Add(("timeoutInSeconds", timeout.Value));
            }
            if (heartbeat is not null)
            {
                scheduled.Add(("heartbeatInSeconds", heartbeat.Value));
            }
            lane.Last = scope.Append(lane.Last, "TaskScheduled", new EventDetails([.. scheduled]));
            lane.Last = scope.Append(lane.Last, "TaskStarted", TaskDetails(resource));
        }
        JsonNode? result;
        string resultText;
        try
        {
            result = await InvokeTaskAsync(state, resource, parameters, token, timeout, heartbeat, lane, scope, attempt, ct).ConfigureAwait(false);
            resultText = JsonUtil.Serialize(result);
            if (JsonUtil.Utf8Size(resultText) > _engine.Options.MaxPayloadBytes)
            {
                throw new StatesException(StatesErrors.DataLimitExceeded,
                    $"The state/task '{state.Name}' returned a result with a size exceeding the maximum number of bytes service limit.");
            }
        }
        catch (StatesException ex)
        {
            var timedOut = ex.Error is StatesErrors.Timeout or StatesErrors.HeartbeatTimeout;
            var details = lambda
                ? ErrorDetails(ex.Error, ex.Cause)
                : ErrorDetails(ex.Error, ex.Cause, ("resourceType", resource.ResourceType), ("resource", resource.ResourceName));
            var type = lambda ? (timedOut ? "LambdaFunctionTimedOut" : "LambdaFunctionFailed") : (timedOut ? "TaskTimedOut" : "TaskFailed");
            lane.Last = scope.Append(lane.Last, type, details);
            throw;
        }
        lane.Last = lambda
            ? scope.Append(lane.Last, "LambdaFunctionSucceeded", new EventDetails(("output", resultText), ("outputDetails", EventDetails.NotTruncated)))
            : scope.Append(lane.Last, "TaskSucceeded", TaskOutputDetails(resource, resultText));
        return result;
    }

    private static EventDetails TaskDetails(TaskResource resource) =>
        new(("resourceType", resource.ResourceType), ("resource", resource.ResourceName));

    private static EventDetails TaskOutputDetails(TaskResource resource, string outputText) => new(
        ("resourceType", resource.ResourceType),
        ("resource", resource.ResourceName),
        ("output", outputText),
        ("outputDetails", EventDetails.NotTruncated));

    private static int? ResolveSeconds(int? literal, string? path, string field, JsonNode? input, JsonNode? context)
    {
        if (literal is not null || path is null)
        {
            return literal;
        }
        var value = DataFlow.SelectPath(path, input, context, field);
        if (!JsonUtil.TryGetNumber(value, out var n) || decimal.Truncate(n) != n || n <= 0)
        {
            throw new RuntimeFailure($"The {field} field must reference a positive integer: {path} == {JsonUtil.Serialize(value)}");
        }
        return (int)n;
    }

    private async Task<JsonNode?> InvokeTaskAsync(StateDefinition state, TaskResource resource, JsonNode? parameters, string? token,
        int? timeout, int? heartbeat, Lane lane, RunScope scope, int attempt, CancellationToken ct)
    {
        // On the system clock the timeout timer is armed only when the integration does not answer at once, so a Task
        // served in-process never creates (and tears down) a timer. Other clocks, and task tokens, arm it up front.
        var armLater = timeout is not null && token is null && Clock.CanArmLater;
        using var timeoutSource = timeout is not null && !armLater ? Clock.TimeoutSource(TimeSpan.FromSeconds(timeout.Value)) : null;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutSource?.Token ?? CancellationToken.None);
        try
        {
            if (execution.Mocks is { } mocks && mocks.IsMocked(state.Name))
            {
                var mocked = mocks.Next(state.Name);
                if (mocked.Error is not null)
                {
                    throw new StatesException(mocked.Error, mocked.Cause);
                }
                return JsonUtil.Clone(mocked.Return);
            }
            var integration = _engine.FindIntegration(resource)
                ?? throw new StatesException(StatesErrors.TaskFailed, $"No integration is registered for the resource '{resource.Arn}'.");
            var invocation = new TaskInvocation(resource, parameters, token, scope.ExecutionArn, state.Name, attempt);
            if (token is null)
            {
                var pending = integration.InvokeAsync(invocation, linked.Token);
                if (armLater && !pending.IsCompleted)
                {
                    linked.CancelAfter(Clock.Scaled(TimeSpan.FromSeconds(timeout!.Value)));
                }
                return await pending.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            var waiter = _engine.RegisterToken(token);
            try
            {
                var submitted = await integration.InvokeAsync(invocation, linked.Token).WaitAsync(linked.Token).ConfigureAwait(false);
                lane.Last = scope.Append(lane.Last, "TaskSubmitted", TaskOutputDetails(resource, JsonUtil.Serialize(submitted)));
                return await WaitForTokenAsync(waiter, heartbeat, linked.Token).ConfigureAwait(false);
            }
            finally
            {
                _engine.ReleaseToken(token);
            }
        }
        catch (OperationCanceledException) when ((timeoutSource ?? (armLater ? linked : null))?.IsCancellationRequested == true && !ct.IsCancellationRequested)
        {
            throw new StatesException(StatesErrors.Timeout, null);
        }
    }

    private async Task<JsonNode?> WaitForTokenAsync(TaskTokenWaiter waiter, int? heartbeat, CancellationToken ct)
    {
        while (true)
        {
            if (heartbeat is null)
            {
                return await waiter.Result.Task.WaitAsync(ct).ConfigureAwait(false);
            }
            var beat = waiter.NextHeartbeat;
            using var heartbeatSource = Clock.TimeoutSource(TimeSpan.FromSeconds(heartbeat.Value));
            var expired = Task.Delay(Timeout.Infinite, heartbeatSource.Token);
            var winner = await Task.WhenAny(waiter.Result.Task, beat, expired).WaitAsync(ct).ConfigureAwait(false);
            if (winner == waiter.Result.Task)
            {
                return await waiter.Result.Task.ConfigureAwait(false);
            }
            if (winner == expired)
            {
                throw new StatesException(StatesErrors.HeartbeatTimeout, null);
            }
        }
    }

    private async Task<JsonNode?> RunParallelAsync(StateDefinition state, JsonNode? effective, Lane lane, RunScope scope, JsonObject context,
        ChildProgress children, CancellationToken ct)
    {
        var branchInput = state.IsJsonata
            ? (state.Arguments is null ? effective : JsonataFields.Evaluate(state.Arguments, Jsonata(scope, effective, context), "Arguments"))
            : state.Parameters is not null ? DataFlow.EvaluateTemplate(state.Parameters, effective, context) : effective;
        lane.Last = scope.Append(lane.Last, "ParallelStateStarted", null);
        var results = new JsonNode?[state.Branches.Count];
        var lanes = state.Branches.Select(_ => new Lane { Last = lane.Last }).ToArray();
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(ct);
        StatesException? firstError = null;
        var errorLock = new Lock();
        await RunConcurrentAsync(state.Branches.Count, async worker =>
        {
            try
            {
                if (children.TryGetCompleted(worker, out var done))
                {
                    results[worker] = done;
                    return;
                }
                var branch = state.Branches[worker];
                var branchScope = scope.ForChild();
                results[worker] = (await RunWorkflowAsync(branch, branch.StartAt, JsonUtil.Clone(branchInput), lanes[worker], branchScope, failFast.Token).ConfigureAwait(false)).Output;
                children.Succeeded(worker, results[worker]);
            }
            catch (StatesException ex)
            {
                lock (errorLock)
                {
                    firstError ??= ex;
                }
                await failFast.CancelAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Another branch failed, or the execution stopped; the caller decides which.
            }
        }).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        lane.Last = Math.Max(lane.Last, lanes.Length == 0 ? lane.Last : lanes.Max(l => l.Last));
        if (firstError is not null)
        {
            throw firstError;
        }
        lane.Last = scope.Append(lane.Last, "ParallelStateSucceeded", null);
        return new JsonArray(results);
    }

    private async Task<JsonNode?> RunMapAsync(StateDefinition state, JsonNode? effective, Lane lane, RunScope scope, JsonObject context,
        ChildProgress children, CancellationToken ct)
    {
        JsonArray items;
        int maxConcurrency;
        if (state.IsJsonata)
        {
            var bindings = Jsonata(scope, effective, context);
            var itemsValue = state.Items is null ? effective : JsonataFields.EvaluateExpecting(state.Items, bindings, "Items", "array");
            items = itemsValue as JsonArray ?? throw new QueryEvaluationException("Items",
                $"The Map state input must be a JSON array when there is no Items field, but was: {JsonUtil.Serialize(itemsValue)}");
            var limit = state.MaxConcurrency is null ? 0 : JsonataNumber(state.MaxConcurrency, bindings, "MaxConcurrency");
            maxConcurrency = limit >= 0 && decimal.Truncate(limit) == limit && limit <= int.MaxValue
                ? (int)limit
                : throw new StatesException(StatesErrors.QueryEvaluationError, $"The MaxConcurrency field must be a non-negative integer, but was: {limit}");
        }
        else
        {
            var itemsNode = DataFlow.SelectPath(state.ItemsPath, effective, context, "ItemsPath");
            items = itemsNode as JsonArray
                ?? throw new RuntimeFailure($"Invalid path '{state.ItemsPath}': The path does not reference an array: {JsonUtil.Serialize(itemsNode)}");
            maxConcurrency = MapSettings.MaxConcurrency(state, effective, context);
        }
        var processor = state.ItemProcessor!;
        var distributed = processor.Mode == "DISTRIBUTED";
        var selector = state.ItemSelector ?? state.Parameters;
        var inputs = new List<JsonNode?>();
        for (var i = 0; i < items.Count; i++)
        {
            if (selector is null)
            {
                inputs.Add(JsonUtil.Clone(items[i]));
                continue;
            }
            var itemContext = (JsonObject)context.DeepClone();
            VariableScope.Attach(itemContext, scope.Variables);
            itemContext["Map"] = new JsonObject { ["Item"] = new JsonObject { ["Index"] = i, ["Value"] = JsonUtil.Clone(items[i]) } };
            inputs.Add(state.IsJsonata
                ? JsonataFields.Evaluate(selector, Jsonata(scope, effective, itemContext), "ItemSelector")
                : DataFlow.EvaluateTemplate(selector, effective, itemContext));
        }
        if (distributed && state.ItemBatcher is not null)
        {
            inputs = MapSettings.Batch(state.ItemBatcher, inputs, effective);
        }
        lane.Last = scope.Append(lane.Last, "MapStateStarted", new EventDetails(("length", inputs.Count)));
        // AWS reports a bad tolerance only once the Map has started.
        var (toleratedCount, toleratedPercentage) = distributed ? MapSettings.Tolerance(state, effective, context) : (null, null);
        string? mapRunArn = null;
        if (distributed)
        {
            var label = state.Label ?? state.Name;
            mapRunArn = scope.ExecutionArn.Replace(":execution:", ":mapRun:", StringComparison.Ordinal) + "/" + label + ":" + Guid.NewGuid().ToString("N")[..8];
            lane.Last = scope.Append(lane.Last, "MapRunStarted", new EventDetails(("mapRunArn", mapRunArn)));
        }
        var results = new JsonNode?[inputs.Count];
        var failures = 0;
        StatesException? firstError = null;
        var gate = new Lock();
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var next = -1;
        var workers = maxConcurrency == 0 ? inputs.Count : Math.Min(maxConcurrency, inputs.Count);
        await RunConcurrentAsync(workers, async _ =>
        {
            while (true)
            {
                var index = Interlocked.Increment(ref next);
                if (index >= inputs.Count || failFast.IsCancellationRequested)
                {
                    return;
                }
                if (children.TryGetCompleted(index, out var done))
                {
                    results[index] = done;
                    continue;
                }
                if (distributed)
                {
                    try
                    {
                        results[index] = await RunChildExecutionAsync(processor, inputs[index], mapRunArn!, index, failFast.Token).ConfigureAwait(false);
                    }
                    catch (StatesException ex)
                    {
                        bool exceeded;
                        lock (gate)
                        {
                            failures++;
                            results[index] = new JsonObject { ["Error"] = ex.Error, ["Cause"] = ex.Cause };
                            exceeded = MapSettings.ExceedsTolerance(failures, inputs.Count, toleratedCount, toleratedPercentage);
                        }
                        if (exceeded)
                        {
                            lock (gate)
                            {
                                firstError ??= new StatesException(StatesErrors.ExceedToleratedFailureThreshold,
                                    "The specified tolerated failure threshold was exceeded");
                            }
                            await failFast.CancelAsync().ConfigureAwait(false);
                        }
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                    continue;
                }
                var iterationLane = new Lane { Last = lane.Last };
                var iterationDetails = new EventDetails(("name", state.Name), ("index", index));
                iterationLane.Last = scope.Append(iterationLane.Last, "MapIterationStarted", iterationDetails);
                try
                {
                    var iterationScope = scope.ForChild();
                    results[index] = (await RunWorkflowAsync(processor, processor.StartAt, inputs[index], iterationLane, iterationScope, failFast.Token).ConfigureAwait(false)).Output;
                    scope.Append(iterationLane.Last, "MapIterationSucceeded", iterationDetails);
                    children.Succeeded(index, results[index]);
                }
                catch (StatesException ex)
                {
                    scope.Append(iterationLane.Last, "MapIterationFailed", iterationDetails);
                    lock (gate)
                    {
                        firstError ??= ex;
                    }
                    await failFast.CancelAsync().ConfigureAwait(false);
                    return;
                }
                catch (OperationCanceledException)
                {
                    if (!ct.IsCancellationRequested)
                    {
                        scope.Append(iterationLane.Last, "MapIterationAborted", iterationDetails);
                    }
                    return;
                }
            }
        }).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        if (firstError is not null)
        {
            if (distributed)
            {
                lane.Last = scope.Append(lane.Last, "MapRunFailed", new EventDetails(("error", firstError.Error), ("cause", firstError.Cause)));
            }
            throw firstError;
        }
        if (distributed)
        {
            lane.Last = scope.Append(lane.Last, "MapRunSucceeded", null);
        }
        lane.Last = scope.Append(lane.Last, "MapStateSucceeded", null);
        return new JsonArray(results);
    }

    private async Task<JsonNode?> RunChildExecutionAsync(Workflow processor, JsonNode? input, string mapRunArn, int index, CancellationToken ct)
    {
        var childArn = mapRunArn.Replace(":mapRun:", ":execution:", StringComparison.Ordinal) + ":" + index.ToString(CultureInfo.InvariantCulture);
        var childName = childArn.Split(':')[^1];
        var log = new List<HistoryEvent>();
        var childScope = RunScope.Create(
            (prev, type, details) =>
            {
                lock (log)
                {
                    var e = HistoryEvent.Recorded(log.Count + 1, prev, Clock.Now, type, details);
                    log.Add(e);
                    return e.Id;
                }
            },
            BuildExecutionContext(childArn, childName, input, Clock.Now),
            TopLevel: false,
            childArn,
            new VariableScope());
        var lane = new Lane { Last = childScope.Append(0, "ExecutionStarted", new EventDetails(("input", JsonUtil.Serialize(input)), ("inputDetails", EventDetails.NotTruncated))) };
        var (output, _) = await RunWorkflowAsync(processor, processor.StartAt, input, lane, childScope, ct).ConfigureAwait(false);
        return output;
    }

    /// <summary>
    /// Runs <paramref name="count"/> logical threads. The caller's clock activity passes to the workers and comes
    /// back with the last one to finish, so a virtual clock never sees a gap where nothing seems to run.
    /// </summary>
    private async Task RunConcurrentAsync(int count, Func<int, Task> body)
    {
        if (count == 0)
        {
            return;
        }
        Clock.Enter(count);
        Clock.Exit();
        var remaining = count;
        var tasks = Enumerable.Range(0, count).Select(worker => Task.Run(async () =>
        {
            try
            {
                await body(worker).ConfigureAwait(false);
            }
            finally
            {
                if (Interlocked.Decrement(ref remaining) != 0)
                {
                    Clock.Exit();
                }
            }
        })).ToList();
        await Task.WhenAll(tasks).ConfigureAwait(false);
    }
}

/// <summary>Where events of one logical thread go, and its context object.</summary>
/// <remarks>
/// <see cref="ExecutionContext"/> belongs to this scope alone: a state sets its <c>State</c> entry in place (a branch or
/// iteration gets a copy), and its variables are attached to it once.
/// </remarks>
internal sealed record RunScope(Func<long, string, EventDetails?, long> Append, JsonObject ExecutionContext, bool TopLevel, string ExecutionArn,
    VariableScope Variables)
{
    public static RunScope Create(Func<long, string, EventDetails?, long> append, JsonObject executionContext, bool TopLevel, string executionArn,
        VariableScope variables)
    {
        VariableScope.Attach(executionContext, variables);
        return new RunScope(append, executionContext, TopLevel, executionArn, variables);
    }

    /// <summary>The scope of a Parallel branch or Map iteration: child variables, its own context object.</summary>
    public RunScope ForChild()
    {
        var context = (JsonObject)ExecutionContext.DeepClone();
        context.Remove("State");
        var variables = Variables.CreateChild();
        VariableScope.Attach(context, variables);
        return this with { ExecutionContext = context, Variables = variables };
    }
}

/// <summary>The history event types named after a state type, without building the strings per state.</summary>
internal static class EventTypes
{
    public static string Entered(string stateType) => stateType switch
    {
        "Task" => "TaskStateEntered",
        "Pass" => "PassStateEntered",
        "Choice" => "ChoiceStateEntered",
        "Succeed" => "SucceedStateEntered",
        "Fail" => "FailStateEntered",
        "Wait" => "WaitStateEntered",
        "Parallel" => "ParallelStateEntered",
        "Map" => "MapStateEntered",
        _ => stateType + "StateEntered",
    };

    public static string Exited(string stateType) => stateType switch
    {
        "Task" => "TaskStateExited",
        "Pass" => "PassStateExited",
        "Choice" => "ChoiceStateExited",
        "Succeed" => "SucceedStateExited",
        "Wait" => "WaitStateExited",
        "Parallel" => "ParallelStateExited",
        "Map" => "MapStateExited",
        _ => stateType + "StateExited",
    };

    public static string Failed(string stateType) => stateType switch
    {
        "Parallel" => "ParallelStateFailed",
        "Map" => "MapStateFailed",
        _ => stateType + "StateFailed",
    };
}

/// <summary>The variables a state's Assign evaluated, applied when the state exits.</summary>
internal sealed class PendingAssign
{
    public JsonObject? Values { get; set; }
}

/// <summary>One logical thread's position in the history (for previousEventId).</summary>
internal sealed class Lane
{
    public long Last { get; set; }
}

/// <summary>Where a resumed or redriven top-level state picks up: its entered event, retries used, children done, variables.</summary>
internal sealed record StateResume(
    long? EnteredEventId,
    DateTimeOffset? EnteredTime,
    IReadOnlyDictionary<string, int> RetryCounts,
    IReadOnlyDictionary<int, string>? CompletedChildren,
    string? Variables);

/// <summary>The Parallel branches or Map iterations that already succeeded, and where to report new successes.</summary>
internal sealed class ChildProgress(IReadOnlyDictionary<int, string>? completed, Action<int, JsonNode?>? onSucceeded)
{
    public bool TryGetCompleted(int index, out JsonNode? output)
    {
        if (completed is not null && completed.TryGetValue(index, out var text))
        {
            output = JsonUtil.Parse(text);
            return true;
        }
        output = null;
        return false;
    }

    public void Succeeded(int index, JsonNode? output) => onSucceeded?.Invoke(index, output);
}
