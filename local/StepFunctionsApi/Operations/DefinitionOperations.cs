using System.Text.Json;
using System.Text.Json.Nodes;
using StatesLanguage.Definition;
using StepFunctionsApi.Protocol;

namespace StepFunctionsApi.Operations;

/// <summary>ValidateStateMachineDefinition (AWS's diagnostics shape) and TestState.</summary>
internal sealed class DefinitionOperations(LocalStepFunctions sfn)
{
    private const int MaxDefinitionLength = 1_048_576;

    public static JsonObject Validate(ApiRequest request)
    {
        var definition = request.RequiredString("definition", MaxDefinitionLength);
        request.OptionalEnum("type", "STANDARD", "EXPRESS");
        request.OptionalEnum("severity", "ERROR", "WARNING");
        var max = request.OptionalInt("maxResults", 0, 100) is { } m and > 0 ? m : 100;
        IReadOnlyList<ValidationProblem> problems;
        try
        {
            DefinitionParser.Parse(definition);
            problems = [];
        }
        catch (DefinitionValidationException ex)
        {
            problems = ex.Problems;
        }
        var diagnostics = problems.Take(max).Select(p =>
        {
            var parts = p.Message.Split(':', 2);
            return (JsonNode)new JsonObject
            {
                ["severity"] = "ERROR",
                ["code"] = p.Code,
                ["message"] = parts.Length == 2 ? parts[1].Trim() : p.Message,
                ["location"] = p.Path,
            };
        }).ToArray();
        return new JsonObject
        {
            ["result"] = problems.Count == 0 ? "OK" : "FAIL",
            ["diagnostics"] = new JsonArray(diagnostics),
            ["truncated"] = problems.Count > max,
        };
    }

    public async Task<JsonObject> TestStateAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var definitionText = request.RequiredString("definition", MaxDefinitionLength);
        request.OptionalString("roleArn", Identifiers.MaxArnLength);
        var input = request.OptionalString("input", 262_144, minLength: 0) ?? "{}";
        var level = request.OptionalEnum("inspectionLevel", "INFO", "DEBUG", "TRACE") ?? "INFO";
        var stateName = request.OptionalString("stateName", 80);
        var mock = request.OptionalObject("mock");
        var (name, state, queryLanguage) = SelectState(definitionText, stateName);
        var run = new TestStateRunner(sfn.Options, name, state, queryLanguage, ParseMock(mock));
        JsonNode? parsedInput;
        try
        {
            parsedInput = JsonNode.Parse(input);
        }
        catch (JsonException ex)
        {
            throw new AwsApiException("InvalidExecutionInput", "Invalid State Machine Execution Input: " + ex.Message);
        }
        var outcome = await run.RunAsync(input, cancellationToken).ConfigureAwait(false);
        var response = new JsonObject { ["status"] = outcome.Status };
        if (outcome.Output is not null)
        {
            response["output"] = outcome.Output;
        }
        if (outcome.Error is not null)
        {
            response["error"] = outcome.Error;
        }
        if (outcome.Cause is not null)
        {
            response["cause"] = outcome.Cause;
        }
        if (outcome.NextState is not null)
        {
            response["nextState"] = outcome.NextState;
        }
        if (level != "INFO")
        {
            response["inspectionData"] = await run.InspectAsync(parsedInput, outcome, cancellationToken).ConfigureAwait(false);
        }
        return response;
    }

    /// <summary>The state to test: the definition itself, or <paramref name="stateName"/> (default StartAt) of a whole machine.</summary>
    private static (string Name, JsonObject State, string? QueryLanguage) SelectState(string definitionText, string? stateName)
    {
        JsonObject definition;
        try
        {
            definition = JsonNode.Parse(definitionText) as JsonObject ?? throw new AwsApiException("InvalidDefinition", "Invalid State Machine Definition: the definition must be a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new AwsApiException("InvalidDefinition", "Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: " + ex.Message + "'");
        }
        if (definition["States"] is JsonObject states)
        {
            var name = stateName ?? definition["StartAt"]?.GetValue<string>()
                ?? throw new AwsApiException("InvalidDefinition", "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: StartAt is missing'");
            var state = states[name] as JsonObject
                ?? throw AwsApiException.Validation($"The state '{name}' is not in the definition.");
            return (name, (JsonObject)state.DeepClone(), definition["QueryLanguage"]?.GetValue<string>());
        }
        if (definition["Type"] is null)
        {
            throw new AwsApiException("InvalidDefinition", "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The state has no Type'");
        }
        return (stateName ?? "TestState", definition, null);
    }

    private static TestStateMock? ParseMock(JsonObject? mock)
    {
        if (mock is null)
        {
            return null;
        }
        var mockRequest = new ApiRequest(mock);
        var result = mockRequest.OptionalString("result", 262_144, minLength: 0);
        var errorOutput = mockRequest.OptionalObject("errorOutput");
        if ((result is null) == (errorOutput is null))
        {
            throw AwsApiException.Validation("A mock must have exactly one of 'result' or 'errorOutput'.");
        }
        if (result is not null)
        {
            try
            {
                return new TestStateMock(JsonNode.Parse(result), null, null);
            }
            catch (JsonException ex)
            {
                throw AwsApiException.Validation("The mocked result is not valid JSON: " + ex.Message);
            }
        }
        var errorRequest = new ApiRequest(errorOutput!);
        return new TestStateMock(null, errorRequest.OptionalString("error", 256, 0) ?? "States.TaskFailed", errorRequest.OptionalString("cause", 32_768, 0));
    }
}
