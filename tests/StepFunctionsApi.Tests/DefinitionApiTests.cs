using System.Text.Json.Nodes;

namespace StepFunctionsApi.Tests;

/// <summary>ValidateStateMachineDefinition and TestState over raw HTTP, in AWS's documented shapes.</summary>
public sealed class DefinitionApiTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    private SfnHttp Http => fixture.Http;

    [Fact]
    public async Task Validate_ReportsEachProblemAsADiagnostic_AndOkForTheSaga()
    {
        var bad = await Http.CallAsync("ValidateStateMachineDefinition", new() { ["definition"] = """{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Missing"}}}""" });
        var saga = await Http.CallAsync("ValidateStateMachineDefinition", new() { ["definition"] = OrderSaga.Definition });

        Assert.Equal("FAIL", bad["result"]!.GetValue<string>());
        var diagnostic = bad["diagnostics"]![0]!;
        Assert.Equal("ERROR", diagnostic["severity"]!.GetValue<string>());
        Assert.Equal("MISSING_TRANSITION_TARGET", diagnostic["code"]!.GetValue<string>());
        Assert.StartsWith("/States/A", diagnostic["location"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(bad["truncated"]!.GetValue<bool>());
        Assert.Equal("OK", saga["result"]!.GetValue<string>());
        Assert.Empty(saga["diagnostics"]!.AsArray());
    }

    [Fact]
    public async Task TestState_OnASagaStateOfTheWholeMachine_WithAMockedError_IsCaughtToTheCompensation()
    {
        var result = await Http.CallAsync("TestState", new()
        {
            ["definition"] = OrderSaga.Definition,
            ["stateName"] = "Charge payment",
            ["input"] = """{"orderId":"o-1","reservation":{"totalAmount":10,"currency":"USD"},"payment":{"token":"tok"}}""",
            ["mock"] = new JsonObject { ["errorOutput"] = new JsonObject { ["error"] = "PaymentDeclined", ["cause"] = "declined" } },
        });

        Assert.Equal("CAUGHT_ERROR", result["status"]!.GetValue<string>());
        Assert.Equal("Release inventory", result["nextState"]!.GetValue<string>());
        Assert.Equal(("PaymentDeclined", "declined"), (result["error"]!.GetValue<string>(), result["cause"]!.GetValue<string>()));
        Assert.Equal("PaymentDeclined", JsonNode.Parse(result["output"]!.GetValue<string>())!["failure"]!["Error"]!.GetValue<string>());
    }

    [Fact]
    public async Task TestState_WithAnErrorItsRetryCovers_IsRetriable()
    {
        var result = await Http.CallAsync("TestState", new()
        {
            ["definition"] = OrderSaga.Definition,
            ["stateName"] = "Charge payment",
            ["input"] = """{"orderId":"o-1","reservation":{"totalAmount":10,"currency":"USD"},"payment":{"token":"tok"}}""",
            ["mock"] = new JsonObject { ["errorOutput"] = new JsonObject { ["error"] = "PaymentGatewayUnavailable", ["cause"] = "try later" } },
        });

        Assert.Equal("RETRIABLE", result["status"]!.GetValue<string>());
        Assert.Equal("PaymentGatewayUnavailable", result["error"]!.GetValue<string>());
        Assert.Null(result["nextState"]);
    }

    [Fact]
    public async Task TestState_OnAChoice_NamesTheBranchTaken_AndDebugShowsTheDataFlow()
    {
        var choice = await Http.CallAsync("TestState", new()
        {
            ["definition"] = """{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":10,"Next":"Big"}],"Default":"Small"}""",
            ["input"] = """{"n":42}""",
        });
        var pass = await Http.CallAsync("TestState", new()
        {
            ["definition"] = """{"Type":"Pass","InputPath":"$.a","Parameters":{"b.$":"$.b"},"ResultPath":"$.out","End":true}""",
            ["input"] = """{"a":{"b":1}}""",
            ["inspectionLevel"] = "DEBUG",
        });
        var fail = await Http.CallAsync("TestState", new() { ["definition"] = """{"Type":"Fail","Error":"Boom","Cause":"because"}""" });

        Assert.Equal(("SUCCEEDED", "Big"), (choice["status"]!.GetValue<string>(), choice["nextState"]!.GetValue<string>()));
        Assert.Equal("""{"a":{"b":1},"out":{"b":1}}""", pass["output"]!.GetValue<string>());
        Assert.Null(pass["nextState"]);
        Assert.Equal("""{"b":1}""", pass["inspectionData"]!["afterInputPath"]!.GetValue<string>());
        Assert.Equal("""{"b":1}""", pass["inspectionData"]!["afterParameters"]!.GetValue<string>());
        Assert.Equal(("FAILED", "Boom", "because"), (fail["status"]!.GetValue<string>(), fail["error"]!.GetValue<string>(), fail["cause"]!.GetValue<string>()));
    }

    [Fact]
    public async Task TestState_OnATaskWithoutAMock_CallsTheRealIntegration()
    {
        var before = fixture.Lambdas.Invocations;

        var result = await Http.CallAsync("TestState", new()
        {
            ["definition"] = OrderSaga.Definition,
            ["stateName"] = "Ship order",
            ["input"] = """{"orderId":"o-9","lines":[],"shipping":{"country":"US"}}""",
        });

        Assert.Equal(before + 1, fixture.Lambdas.Invocations);
        Assert.Equal("Record order completed", result["nextState"]!.GetValue<string>());
        Assert.Equal("TRK-o-9", JsonNode.Parse(result["output"]!.GetValue<string>())!["shipment"]!["trackingNumber"]!.GetValue<string>());
    }
}
