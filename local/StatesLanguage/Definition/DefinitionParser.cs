using System.Text.Json;
using System.Text.Json.Nodes;
using StatesLanguage.Intrinsics;
using StatesLanguage.Json;
using StatesLanguage.Runtime;

namespace StatesLanguage.Definition;

/// <summary>Parses a definition (JSON or YAML) and validates it statically, collecting every problem.</summary>
public sealed class DefinitionParser
{
    private static readonly string[] CommonFields = ["Type", "Comment", "QueryLanguage"];

    private static readonly Dictionary<string, string[]> AllowedFields = new()
    {
        ["Pass"] = ["Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "Result", "Assign", "Output"],
        ["Task"] = ["Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector", "Resource",
            "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Retry", "Catch",
            "Credentials", "Arguments", "Output", "Assign"],
        ["Choice"] = ["Choices", "Default", "InputPath", "OutputPath", "Assign", "Output"],
        ["Wait"] = ["Next", "End", "InputPath", "OutputPath", "Seconds", "SecondsPath", "Timestamp", "TimestampPath",
            "Assign", "Output"],
        ["Succeed"] = ["InputPath", "OutputPath", "Output"],
        ["Fail"] = ["Error", "ErrorPath", "Cause", "CausePath"],
        ["Parallel"] = ["Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector",
            "Branches", "Retry", "Catch", "Arguments", "Output", "Assign"],
        ["Map"] = ["Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ItemSelector",
            "ResultSelector", "ItemsPath", "Items", "ItemProcessor", "Iterator", "MaxConcurrency",
            "MaxConcurrencyPath", "ItemReader", "ItemBatcher", "ResultWriter", "ToleratedFailureCount",
            "ToleratedFailureCountPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "Label",
            "Retry", "Catch", "Arguments", "Output", "Assign"],
    };

    private static readonly HashSet<string> ComparisonOperators =
    [
        "StringEquals", "StringEqualsPath", "StringLessThan", "StringLessThanPath", "StringGreaterThan",
        "StringGreaterThanPath", "StringLessThanEquals", "StringLessThanEqualsPath", "StringGreaterThanEquals",
        "StringGreaterThanEqualsPath", "StringMatches", "NumericEquals", "NumericEqualsPath", "NumericLessThan",
        "NumericLessThanPath", "NumericGreaterThan", "NumericGreaterThanPath", "NumericLessThanEquals",
        "NumericLessThanEqualsPath", "NumericGreaterThanEquals", "NumericGreaterThanEqualsPath", "BooleanEquals",
        "BooleanEqualsPath", "TimestampEquals", "TimestampEqualsPath", "TimestampLessThan", "TimestampLessThanPath",
        "TimestampGreaterThan", "TimestampGreaterThanPath", "TimestampLessThanEquals", "TimestampLessThanEqualsPath",
        "TimestampGreaterThanEquals", "TimestampGreaterThanEqualsPath", "IsNull", "IsPresent", "IsNumeric",
        "IsString", "IsBoolean", "IsTimestamp",
    ];

    private static readonly string[] JsonPathOnlyFields =
    [
        "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector", "ItemsPath", "TimeoutSecondsPath",
        "HeartbeatSecondsPath", "SecondsPath", "TimestampPath", "ErrorPath", "CausePath", "MaxConcurrencyPath",
        "ToleratedFailureCountPath", "ToleratedFailurePercentagePath",
    ];

    private static readonly string[] JsonataOnlyFields = ["Arguments", "Output", "Items"];

    private static readonly string[] JsonataExpressionFields =
    [
        "Arguments", "Output", "Assign", "Items", "ItemSelector", "Seconds", "Timestamp", "Error", "Cause", "TimeoutSeconds",
        "HeartbeatSeconds", "MaxConcurrency", "ToleratedFailureCount", "ToleratedFailurePercentage",
    ];

    private readonly List<ValidationProblem> _problems = [];
    private string _queryLanguage = "JSONPath";
    private readonly Dictionary<string, string> _allStateNames = new(StringComparer.Ordinal);

    private DefinitionParser()
    {
    }

    /// <summary>Parses JSON (or YAML when the text does not start with '{') and validates it.</summary>
    /// <exception cref="DefinitionValidationException">The definition has one or more problems.</exception>
    public static StateMachineDefinition Parse(string definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        JsonNode? root;
        try
        {
            var trimmed = definition.TrimStart();
            root = trimmed.StartsWith('{') ? JsonUtil.Parse(definition) : YamlToJson.Convert(definition);
        }
        catch (Exception ex) when (ex is JsonException or YamlDotNet.Core.YamlException)
        {
            throw new DefinitionValidationException([new ValidationProblem("/", "INVALID_JSON_DESCRIPTION: " + ex.Message)]);
        }
        return Parse(root);
    }

    public static StateMachineDefinition Parse(JsonNode? root)
    {
        var parser = new DefinitionParser();
        var result = parser.ParseRoot(root);
        if (parser._problems.Count > 0 || result is null)
        {
            throw new DefinitionValidationException(parser._problems);
        }
        return result;
    }

    private void Problem(string path, string code, string message) => _problems.Add(new ValidationProblem(path, $"{code}: {message}"));

    private void Schema(string path, string message) => Problem(path, "SCHEMA_VALIDATION_FAILED", message);

    private StateMachineDefinition? ParseRoot(JsonNode? root)
    {
        if (root is not JsonObject obj)
        {
            Schema("/", "The definition must be a JSON object");
            return null;
        }
        foreach (var key in obj.Select(p => p.Key))
        {
            if (key is not ("StartAt" or "States" or "Comment" or "Version" or "TimeoutSeconds" or "QueryLanguage"))
            {
                Schema("/" + key, $"Field '{key}' is not supported");
            }
        }
        var queryLanguage = OptionalString(obj, "QueryLanguage", "/") ?? "JSONPath";
        if (queryLanguage is not ("JSONPath" or "JSONata"))
        {
            Schema("/QueryLanguage", $"Value '{queryLanguage}' is not accepted. Valid values: [JSONPath, JSONata]");
        }
        _queryLanguage = queryLanguage;
        int? timeout = null;
        if (obj["TimeoutSeconds"] is { } t)
        {
            timeout = PositiveInt(t, "/TimeoutSeconds", allowZero: false);
        }
        var workflow = ParseWorkflow(obj, "");
        if (workflow is null)
        {
            return null;
        }
        return new StateMachineDefinition
        {
            StartAt = workflow.StartAt,
            States = workflow.States,
            Comment = OptionalString(obj, "Comment", "/"),
            TimeoutSeconds = timeout,
            QueryLanguage = queryLanguage,
            Json = obj,
        };
    }

    private Workflow? ParseWorkflow(JsonObject obj, string path, string mode = "INLINE", string executionType = "STANDARD")
    {
        var startAt = OptionalString(obj, "StartAt", path + "/");
        if (startAt is null)
        {
            Schema(path + "/StartAt", "The field 'StartAt' is required");
        }
        if (obj["States"] is not JsonObject statesObj)
        {
            Schema(path + "/States", "The field 'States' is required and must be an object");
            return null;
        }
        var states = new Dictionary<string, StateDefinition>(StringComparer.Ordinal);
        foreach (var (name, node) in statesObj)
        {
            var statePath = $"{path}/States/{name}";
            if (name.Length is 0 or > 80)
            {
                Schema(statePath, $"State name '{name}' must be 1 to 80 characters long");
            }
            if (_allStateNames.TryGetValue(name, out var firstPath))
            {
                Schema(statePath, $"Duplicate State name: {name} (also defined at {firstPath})");
            }
            else
            {
                _allStateNames[name] = statePath;
            }
            if (node is not JsonObject stateObj)
            {
                Schema(statePath, "A state must be a JSON object");
                continue;
            }
            var state = ParseState(name, stateObj, statePath);
            if (state is not null)
            {
                states[name] = state;
            }
        }
        if (startAt is not null && !statesObj.ContainsKey(startAt))
        {
            Problem(path + "/StartAt", "MISSING_TRANSITION_TARGET", $"Missing 'StartAt' target: {startAt}");
        }
        CheckTransitions(states, path);
        if (startAt is not null && statesObj.ContainsKey(startAt))
        {
            CheckReachability(startAt, states, path);
        }
        return new Workflow { StartAt = startAt ?? "", States = states, Mode = mode, ExecutionType = executionType };
    }

    private void CheckTransitions(Dictionary<string, StateDefinition> states, string path)
    {
        foreach (var state in states.Values)
        {
            var statePath = $"{path}/States/{state.Name}";
            if (state.Next is not null && !states.ContainsKey(state.Next))
            {
                Problem(statePath + "/Next", "MISSING_TRANSITION_TARGET", $"Missing 'Next' target: {state.Next}");
            }
            if (state.Default is not null && !states.ContainsKey(state.Default))
            {
                Problem(statePath + "/Default", "MISSING_TRANSITION_TARGET", $"Missing 'Default' target: {state.Default}");
            }
            for (var i = 0; i < state.Choices.Count; i++)
            {
                var next = state.Choices[i].Next;
                if (next is not null && !states.ContainsKey(next))
                {
                    Problem($"{statePath}/Choices/{i}/Next", "MISSING_TRANSITION_TARGET", $"Missing 'Next' target: {next}");
                }
            }
            for (var i = 0; i < state.Catch.Count; i++)
            {
                var next = state.Catch[i].Next;
                if (!states.ContainsKey(next))
                {
                    Problem($"{statePath}/Catch/{i}/Next", "MISSING_TRANSITION_TARGET", $"Missing 'Next' target: {next}");
                }
            }
        }
    }

    private void CheckReachability(string startAt, Dictionary<string, StateDefinition> states, string path)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { startAt };
        var queue = new Queue<string>([startAt]);
        while (queue.Count > 0)
        {
            if (!states.TryGetValue(queue.Dequeue(), out var state))
            {
                continue;
            }
            var targets = new List<string?> { state.Next, state.Default };
            targets.AddRange(state.Choices.Select(c => c.Next));
            targets.AddRange(state.Catch.Select(c => c.Next));
            foreach (var target in targets)
            {
                if (target is not null && seen.Add(target))
                {
                    queue.Enqueue(target);
                }
            }
        }
        foreach (var name in states.Keys.Where(n => !seen.Contains(n)))
        {
            Schema($"{path}/States/{name}", $"State '{name}' is not reachable");
        }
    }

    private StateDefinition? ParseState(string name, JsonObject obj, string path)
    {
        var type = OptionalString(obj, "Type", path + "/");
        if (type is null || !AllowedFields.TryGetValue(type, out var allowed))
        {
            Schema(path + "/Type", type is null ? "The field 'Type' is required" : $"Unknown state type '{type}'");
            return null;
        }
        foreach (var key in obj.Select(p => p.Key))
        {
            if (!CommonFields.Contains(key) && !allowed.Contains(key))
            {
                Schema($"{path}/{key}", $"Field '{key}' is not supported for a state of type {type}");
            }
        }
        var isTerminalType = type is "Choice" or "Succeed" or "Fail";
        var next = OptionalString(obj, "Next", path + "/");
        var end = obj["End"] is { } endNode && JsonUtil.TryGetBool(endNode, out var e) && e;
        if (!isTerminalType)
        {
            if (next is null && !end)
            {
                Schema(path, $"State '{name}' must have either 'Next' or 'End': true");
            }
            else if (next is not null && end)
            {
                Schema(path, $"State '{name}' cannot have both 'Next' and 'End': true");
            }
        }
        var stateLanguage = OptionalString(obj, "QueryLanguage", path + "/");
        if (stateLanguage is not null and not ("JSONPath" or "JSONata"))
        {
            Schema(path + "/QueryLanguage", $"Value '{stateLanguage}' is not accepted. Valid values: [JSONPath, JSONata]");
        }
        if (_queryLanguage == "JSONata" && stateLanguage == "JSONPath")
        {
            Schema(path + "/QueryLanguage", "A state cannot use JSONPath when the state machine's QueryLanguage is JSONata");
        }
        var isJsonata = (stateLanguage ?? _queryLanguage) == "JSONata";
        CheckLanguageFields(obj, path, isJsonata);
        var state = new StateDefinition
        {
            Name = name,
            Type = type,
            Json = obj,
            Next = next,
            End = end,
            QueryLanguage = stateLanguage,
            IsJsonata = isJsonata,
            Arguments = obj["Arguments"],
            Output = obj["Output"],
            Items = obj["Items"],
            InputPath = PathField(obj, "InputPath", path, isJsonata),
            OutputPath = PathField(obj, "OutputPath", path, isJsonata),
            ResultPath = PathField(obj, "ResultPath", path, isJsonata, referencePath: true),
            Parameters = isJsonata ? null : Template(obj, "Parameters", path),
            ResultSelector = Template(obj, "ResultSelector", path),
            Result = obj["Result"],
            HasResult = obj.ContainsKey("Result"),
            Retry = ParseRetry(obj, path),
            Catch = ParseCatch(obj, path, isJsonata),
            Resource = OptionalString(obj, "Resource", path + "/"),
            TimeoutSeconds = obj["TimeoutSeconds"] is { } ts && !IsExpression(ts, isJsonata) ? PositiveInt(ts, path + "/TimeoutSeconds", allowZero: false) : null,
            TimeoutSecondsPath = PathString(obj, "TimeoutSecondsPath", path),
            HeartbeatSeconds = obj["HeartbeatSeconds"] is { } hb && !IsExpression(hb, isJsonata) ? PositiveInt(hb, path + "/HeartbeatSeconds", allowZero: false) : null,
            HeartbeatSecondsPath = PathString(obj, "HeartbeatSecondsPath", path),
            Choices = type == "Choice" ? ParseChoices(obj, path, isJsonata) : [],
            Default = OptionalString(obj, "Default", path + "/"),
            Seconds = obj["Seconds"],
            SecondsPath = PathString(obj, "SecondsPath", path),
            Timestamp = OptionalString(obj, "Timestamp", path + "/"),
            TimestampPath = PathString(obj, "TimestampPath", path),
            Error = OptionalString(obj, "Error", path + "/"),
            ErrorPath = PathString(obj, "ErrorPath", path, allowIntrinsic: true),
            Cause = OptionalString(obj, "Cause", path + "/"),
            CausePath = PathString(obj, "CausePath", path, allowIntrinsic: true),
            Branches = type == "Parallel" ? ParseBranches(obj, path) : [],
            ItemProcessor = type == "Map" ? ParseProcessor(obj, path) : null,
            ItemsPath = PathField(obj, "ItemsPath", path, isJsonata),
            ItemSelector = isJsonata ? obj["ItemSelector"] : Template(obj, "ItemSelector", path),
            MaxConcurrency = obj["MaxConcurrency"],
            MaxConcurrencyPath = PathString(obj, "MaxConcurrencyPath", path),
            ToleratedFailureCount = obj["ToleratedFailureCount"],
            ToleratedFailureCountPath = PathString(obj, "ToleratedFailureCountPath", path),
            ToleratedFailurePercentage = obj["ToleratedFailurePercentage"],
            ToleratedFailurePercentagePath = PathString(obj, "ToleratedFailurePercentagePath", path),
            ItemBatcher = obj["ItemBatcher"] as JsonObject,
            ItemReader = obj["ItemReader"] as JsonObject,
            Label = OptionalString(obj, "Label", path + "/"),
            Assign = AssignField(obj, path, isJsonata),
        };
        ValidateTypeSpecific(state, path);
        return state;
    }

    private void ValidateTypeSpecific(StateDefinition state, string path)
    {
        switch (state.Type)
        {
            case "Task" when state.Resource is null:
                Schema(path + "/Resource", "The field 'Resource' is required for a Task state");
                break;
            case "Task" when state.TimeoutSeconds is not null && state.TimeoutSecondsPath is not null:
                Schema(path, "TimeoutSeconds and TimeoutSecondsPath cannot both be set");
                break;
            case "Choice" when state.Choices.Count == 0:
                Schema(path + "/Choices", "A Choice state must have a non-empty 'Choices' array");
                break;
            case "Wait":
                var count = new object?[] { state.Seconds, state.SecondsPath, state.Timestamp, state.TimestampPath }.Count(v => v is not null);
                if (count != 1)
                {
                    Schema(path, "A Wait state must have exactly one of Seconds, SecondsPath, Timestamp, TimestampPath");
                }
                break;
            case "Fail" when state.Error is not null && state.ErrorPath is not null:
                Schema(path, "Error and ErrorPath cannot both be set");
                break;
            case "Fail" when state.Cause is not null && state.CausePath is not null:
                Schema(path, "Cause and CausePath cannot both be set");
                break;
            case "Parallel" when state.Branches.Count == 0:
                Schema(path + "/Branches", "A Parallel state must have at least one branch");
                break;
            case "Map" when state.ItemProcessor is null:
                Schema(path + "/ItemProcessor", "A Map state requires 'ItemProcessor' (or 'Iterator')");
                break;
        }
        if (state.Type == "Map" && state.ItemSelector is not null && state.Parameters is not null)
        {
            Schema(path, "ItemSelector and Parameters cannot both be set");
        }
    }

    private IReadOnlyList<Workflow> ParseBranches(JsonObject obj, string path)
    {
        if (obj["Branches"] is not JsonArray branches)
        {
            return [];
        }
        var result = new List<Workflow>();
        for (var i = 0; i < branches.Count; i++)
        {
            if (branches[i] is JsonObject b && ParseWorkflow(b, $"{path}/Branches/{i}") is { } w)
            {
                result.Add(w);
            }
            else if (branches[i] is not JsonObject)
            {
                Schema($"{path}/Branches/{i}", "A branch must be an object with StartAt and States");
            }
        }
        return result;
    }

    private Workflow? ParseProcessor(JsonObject obj, string path)
    {
        var key = obj.ContainsKey("ItemProcessor") ? "ItemProcessor" : obj.ContainsKey("Iterator") ? "Iterator" : null;
        if (key is null)
        {
            return null;
        }
        if (obj.ContainsKey("ItemProcessor") && obj.ContainsKey("Iterator"))
        {
            Schema(path, "ItemProcessor and Iterator cannot both be set");
        }
        if (obj[key] is not JsonObject processor)
        {
            Schema($"{path}/{key}", $"'{key}' must be an object");
            return null;
        }
        var config = processor["ProcessorConfig"] as JsonObject;
        var mode = config?["Mode"]?.GetValue<string>() ?? "INLINE";
        if (mode is not ("INLINE" or "DISTRIBUTED"))
        {
            Schema($"{path}/{key}/ProcessorConfig/Mode", $"Value '{mode}' is not accepted. Valid values: [INLINE, DISTRIBUTED]");
        }
        var executionType = config?["ExecutionType"]?.GetValue<string>() ?? "STANDARD";
        return ParseWorkflow(processor, $"{path}/{key}", mode, executionType);
    }

    private IReadOnlyList<Retrier> ParseRetry(JsonObject obj, string path)
    {
        if (obj["Retry"] is not JsonArray array)
        {
            return [];
        }
        var result = new List<Retrier>();
        for (var i = 0; i < array.Count; i++)
        {
            var p = $"{path}/Retry/{i}";
            if (array[i] is not JsonObject r)
            {
                Schema(p, "A retrier must be an object");
                continue;
            }
            var errors = ErrorEquals(r, p, i == array.Count - 1);
            var maxAttempts = r["MaxAttempts"] is { } ma ? PositiveInt(ma, p + "/MaxAttempts", allowZero: true) ?? 3 : 3;
            var interval = r["IntervalSeconds"] is { } iv && JsonUtil.TryGetDouble(iv, out var ivd) ? ivd : 1;
            if (interval < 1 && r.ContainsKey("IntervalSeconds"))
            {
                Schema(p + "/IntervalSeconds", "IntervalSeconds must be a positive integer");
            }
            var backoff = r["BackoffRate"] is { } br && JsonUtil.TryGetDouble(br, out var brd) ? brd : 2.0;
            if (backoff < 1)
            {
                Schema(p + "/BackoffRate", "BackoffRate must be greater than or equal to 1.0");
            }
            int? maxDelay = r["MaxDelaySeconds"] is { } md ? PositiveInt(md, p + "/MaxDelaySeconds", allowZero: false) : null;
            var jitter = r["JitterStrategy"]?.GetValue<string>() ?? "NONE";
            if (jitter is not ("FULL" or "NONE"))
            {
                Schema(p + "/JitterStrategy", $"Value '{jitter}' is not accepted. Valid values: [FULL, NONE]");
            }
            result.Add(new Retrier(errors, interval, maxAttempts, backoff, maxDelay, jitter));
        }
        return result;
    }

    private IReadOnlyList<Catcher> ParseCatch(JsonObject obj, string path, bool isJsonata)
    {
        if (obj["Catch"] is not JsonArray array)
        {
            return [];
        }
        var result = new List<Catcher>();
        for (var i = 0; i < array.Count; i++)
        {
            var p = $"{path}/Catch/{i}";
            if (array[i] is not JsonObject c)
            {
                Schema(p, "A catcher must be an object");
                continue;
            }
            var errors = ErrorEquals(c, p, i == array.Count - 1);
            var next = OptionalString(c, "Next", p + "/");
            if (next is null)
            {
                Schema(p + "/Next", "The field 'Next' is required in a catcher");
            }
            result.Add(new Catcher(errors, next ?? "", PathField(c, "ResultPath", p, isJsonata, referencePath: true))
            {
                Assign = AssignField(c, p, isJsonata),
                Output = c["Output"],
            });
        }
        return result;
    }

    private List<string> ErrorEquals(JsonObject obj, string path, bool isLast)
    {
        if (obj["ErrorEquals"] is not JsonArray array || array.Count == 0)
        {
            Schema(path + "/ErrorEquals", "ErrorEquals must be a non-empty array of error names");
            return [];
        }
        var errors = array.Select(e => JsonUtil.TryGetString(e, out var s) ? s : "").ToList();
        if (errors.Contains(StatesErrors.All) && (!isLast || errors.Count > 1))
        {
            Schema(path + "/ErrorEquals", "States.ALL must appear alone in the last retrier or catcher");
        }
        return errors;
    }

    private IReadOnlyList<ChoiceRule> ParseChoices(JsonObject obj, string path, bool isJsonata)
    {
        if (obj["Choices"] is not JsonArray array)
        {
            return [];
        }
        var result = new List<ChoiceRule>();
        for (var i = 0; i < array.Count; i++)
        {
            var p = $"{path}/Choices/{i}";
            if (array[i] is not JsonObject rule)
            {
                Schema(p, "A choice rule must be an object");
                continue;
            }
            var parsed = ParseRule(rule, p, topLevel: true) with { Assign = AssignField(rule, p, isJsonata), Output = rule["Output"] };
            if (isJsonata && parsed.Operator != "Condition")
            {
                Schema(p, "A JSONata choice rule requires 'Condition'");
            }
            if (isJsonata)
            {
                foreach (var (problemPath, message) in JsonataFields.Validate(rule, p))
                {
                    Schema(problemPath, message);
                }
            }
            if (parsed.Next is null)
            {
                Schema(p + "/Next", "A top-level choice rule requires 'Next'");
            }
            result.Add(parsed);
        }
        return result;
    }

    private ChoiceRule ParseRule(JsonObject rule, string path, bool topLevel)
    {
        var next = topLevel ? OptionalString(rule, "Next", path + "/") : null;
        if (!topLevel && rule.ContainsKey("Next"))
        {
            Schema(path + "/Next", "Nested choice rules cannot have 'Next'");
        }
        if (rule["And"] is JsonArray and)
        {
            return new ChoiceRule { And = and.Select((r, i) => ParseNested(r, $"{path}/And/{i}")).ToList(), Next = next };
        }
        if (rule["Or"] is JsonArray or)
        {
            return new ChoiceRule { Or = or.Select((r, i) => ParseNested(r, $"{path}/Or/{i}")).ToList(), Next = next };
        }
        if (rule["Not"] is JsonObject not)
        {
            return new ChoiceRule { Not = ParseRule(not, path + "/Not", topLevel: false), Next = next };
        }
        if (rule.ContainsKey("Condition"))
        {
            return new ChoiceRule { Operator = "Condition", Operand = rule["Condition"], Next = next };
        }
        var variable = OptionalString(rule, "Variable", path + "/");
        if (variable is null)
        {
            Schema(path, "A choice rule requires 'Variable' and a comparison operator, or And/Or/Not");
        }
        else
        {
            CheckPath(variable, path + "/Variable");
        }
        var operators = rule.Select(p => p.Key).Where(ComparisonOperators.Contains).ToList();
        foreach (var key in rule.Select(p => p.Key))
        {
            if (key is not ("Variable" or "Next" or "Comment" or "Assign" or "Output") && !ComparisonOperators.Contains(key))
            {
                Schema($"{path}/{key}", $"Field '{key}' is not supported in a choice rule");
            }
        }
        if (operators.Count != 1)
        {
            Schema(path, "A choice rule must have exactly one comparison operator");
            return new ChoiceRule { Variable = variable, Next = next };
        }
        var op = operators[0];
        if (op.EndsWith("Path", StringComparison.Ordinal) && JsonUtil.TryGetString(rule[op], out var operandPath))
        {
            CheckPath(operandPath, $"{path}/{op}");
        }
        return new ChoiceRule { Variable = variable, Operator = op, Operand = JsonUtil.Clone(rule[op]), Next = next };
    }

    private ChoiceRule ParseNested(JsonNode? node, string path)
    {
        if (node is JsonObject obj)
        {
            return ParseRule(obj, path, topLevel: false);
        }
        Schema(path, "A choice rule must be an object");
        return new ChoiceRule();
    }

    private static bool IsExpression(JsonNode node, bool isJsonata) => isJsonata && JsonataFields.TryGetExpression(node, out _);

    private void CheckLanguageFields(JsonObject obj, string path, bool isJsonata)
    {
        foreach (var key in obj.Select(p => p.Key))
        {
            if (isJsonata && JsonPathOnlyFields.Contains(key))
            {
                Schema($"{path}/{key}", $"The field '{key}' is not supported when the QueryLanguage is JSONata");
            }
            else if (!isJsonata && JsonataOnlyFields.Contains(key))
            {
                Schema($"{path}/{key}", $"The field '{key}' is only supported when the QueryLanguage is JSONata");
            }
        }
        if (isJsonata)
        {
            foreach (var field in JsonataExpressionFields)
            {
                foreach (var (problemPath, message) in JsonataFields.Validate(obj[field], $"{path}/{field}"))
                {
                    Schema(problemPath, message);
                }
            }
        }
    }

    private JsonObject? AssignField(JsonObject obj, string path, bool isJsonata)
    {
        if (!obj.TryGetPropertyValue("Assign", out var node))
        {
            return null;
        }
        if (node is not JsonObject assign)
        {
            Schema(path + "/Assign", "The field 'Assign' must be a JSON object");
            return null;
        }
        foreach (var key in assign.Select(p => p.Key))
        {
            var name = key.EndsWith(".$", StringComparison.Ordinal) && !isJsonata ? key[..^2] : key;
            if (!IsVariableName(name))
            {
                Schema($"{path}/Assign/{key}", $"The variable name '{name}' is not valid: use letters, digits and '_', starting with a letter or '_', at most 80 characters");
            }
        }
        if (!isJsonata)
        {
            CheckTemplate(assign, path + "/Assign");
        }
        return assign;
    }

    private static bool IsVariableName(string name) =>
        name.Length is > 0 and <= 80 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private JsonNode? Template(JsonObject obj, string field, string path)
    {
        var node = obj[field];
        if (node is not null)
        {
            CheckTemplate(node, $"{path}/{field}");
        }
        return node;
    }

    private void CheckTemplate(JsonNode node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key.EndsWith(".$", StringComparison.Ordinal))
                    {
                        if (!JsonUtil.TryGetString(value, out var expr))
                        {
                            Schema($"{path}/{key}", $"The value of '{key}' must be a string path or intrinsic function");
                        }
                        else if (IntrinsicFunctions.IsIntrinsic(expr))
                        {
                            try
                            {
                                IntrinsicFunctions.Parse(expr);
                            }
                            catch (FormatException ex)
                            {
                                Schema($"{path}/{key}", "The value for the field '" + key + "' must be a valid JSONPath or a valid intrinsic function call: " + ex.Message);
                            }
                        }
                        else
                        {
                            CheckPath(expr, $"{path}/{key}");
                        }
                    }
                    else if (value is not null)
                    {
                        CheckTemplate(value, $"{path}/{key}");
                    }
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } item)
                    {
                        CheckTemplate(item, $"{path}/{i}");
                    }
                }
                break;
        }
    }

    private string? PathField(JsonObject obj, string field, string path, bool isJsonata, bool referencePath = false)
    {
        if (!obj.TryGetPropertyValue(field, out var node))
        {
            return "$";
        }
        if (node is null)
        {
            return null;
        }
        if (!JsonUtil.TryGetString(node, out var text))
        {
            Schema($"{path}/{field}", $"The field '{field}' must be a string path or null");
            return "$";
        }
        if (!isJsonata)
        {
            CheckPath(text, $"{path}/{field}", referencePath);
        }
        return text;
    }

    private string? PathString(JsonObject obj, string field, string path, bool allowIntrinsic = false)
    {
        var text = OptionalString(obj, field, path + "/");
        if (text is not null)
        {
            if (allowIntrinsic && IntrinsicFunctions.IsIntrinsic(text))
            {
                return text;
            }
            CheckPath(text, $"{path}/{field}");
        }
        return text;
    }

    private void CheckPath(string text, string path, bool referencePath = false)
    {
        if (!JsonPath.TryParse(text, out var parsed, out var error))
        {
            Schema(path, $"The value for the field '{path.Split('/')[^1]}' must be a valid JSONPath: {error}");
        }
        else if (referencePath && (!parsed!.IsReferencePath || parsed.IsContextPath || parsed.VariableName is not null))
        {
            Schema(path, $"The value for the field '{path.Split('/')[^1]}' must be a valid reference path: {text}");
        }
    }

    private string? OptionalString(JsonObject obj, string field, string pathPrefix)
    {
        if (!obj.TryGetPropertyValue(field, out var node) || node is null)
        {
            return null;
        }
        if (JsonUtil.TryGetString(node, out var s))
        {
            return s;
        }
        Schema(pathPrefix + field, $"The field '{field}' must be a string");
        return null;
    }

    private int? PositiveInt(JsonNode node, string path, bool allowZero)
    {
        if (JsonUtil.TryGetNumber(node, out var n) && decimal.Truncate(n) == n && (n > 0 || (allowZero && n == 0)) && n <= int.MaxValue)
        {
            return (int)n;
        }
        Schema(path, allowZero ? "Expected a non-negative integer" : "Expected a positive integer");
        return null;
    }
}
