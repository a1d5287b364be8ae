using System.Text.Json.Nodes;

namespace StepFunctionsApi.Tests;

/// <summary>boto3 against the local API: its parsed responses (datetimes, paginators, ClientError codes) must come out right.</summary>
public sealed class Boto3Tests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    private async Task<JsonObject> PythonAsync(string script)
    {
        await ExternalTool.RequireBoto3Async(fixture.Endpoint);
        var prelude = """
            import boto3, json, os, time, datetime
            from botocore.config import Config
            from botocore.exceptions import ClientError
            # TestState and StartSyncExecution carry the "sync-" host prefix; a loopback endpoint must not get it.
            sfn = boto3.client("stepfunctions", endpoint_url=os.environ["SFN_ENDPOINT"], region_name="us-east-1",
                               config=Config(inject_host_prefix=False))
            def wait(arn):
                while True:
                    d = sfn.describe_execution(executionArn=arn)
                    if d["status"] != "RUNNING":
                        return d
                    time.sleep(0.02)

            """;
        var (exit, stdout, stderr) = await ExternalTool.RunAsync("python3", ["-"], fixture.Endpoint, prelude + script);
        Assert.True(exit == 0, $"python exited {exit}: {stderr}");
        return JsonNode.Parse(stdout)!.AsObject();
    }

    [Fact]
    public async Task Boto3_StartsAndDescribes_PaginatesHistoryAndExecutions_AndRaisesClientErrors()
    {
        var script = $$$"""
            machine = "{{{OrderSaga.MachineArn}}}"
            arns = []
            for i in range(3):
                arns.append(sfn.start_execution(stateMachineArn=machine, name=f"boto-{i}", input=json.dumps({"orderId": f"boto-{i}", "customerId": "c-1",
                    "lines": [{"sku": "SKU-1", "quantity": 1}], "payment": {"token": "tok_chargeDeclined" if i == 2 else "tok_visa"},
                    "shipping": {"country": "US"}}))["executionArn"])
            ends = [wait(a) for a in arns]
            pages = list(sfn.get_paginator("get_execution_history").paginate(executionArn=arns[0], PaginationConfig={"PageSize": 2}))
            events = [e for p in pages for e in p["events"]]
            listed = [e["name"] for p in sfn.get_paginator("list_executions").paginate(stateMachineArn=machine, PaginationConfig={"PageSize": 1}) for e in p["executions"]]
            try:
                sfn.describe_execution(executionArn=machine.replace(":stateMachine:", ":execution:") + ":missing")
                missing = None
            except ClientError as e:
                missing = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
            try:
                sfn.start_execution(stateMachineArn=machine, name="boto-0", input="{}")
                duplicate = None
            except sfn.exceptions.ExecutionAlreadyExists as e:
                duplicate = e.response["Error"]["Code"]
            print(json.dumps({
                "statuses": [e["status"] for e in ends],
                "errors": [e.get("error") for e in ends],
                "startIsDatetime": all(isinstance(e["startDate"], datetime.datetime) and e["startDate"].tzinfo is not None for e in ends),
                "pages": len(pages),
                "ids": [e["id"] for e in events],
                "previous": [e.get("previousEventId", 0) for e in events],
                "types": [e["type"] for e in events],
                "timestampsAreDatetimes": all(isinstance(e["timestamp"], datetime.datetime) for e in events),
                "listed": listed,
                "missing": missing,
                "duplicate": duplicate,
            }))
            """;

        var result = await PythonAsync(script);

        Assert.Equal(["SUCCEEDED", "SUCCEEDED", "FAILED"], result["statuses"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal("PaymentDeclined", result["errors"]![2]!.GetValue<string>());
        Assert.True(result["startIsDatetime"]!.GetValue<bool>());
        Assert.True(result["timestampsAreDatetimes"]!.GetValue<bool>());
        var ids = result["ids"]!.AsArray().Select(i => i!.GetValue<long>()).ToList();
        Assert.Equal(Enumerable.Range(1, ids.Count).Select(i => (long)i), ids);
        Assert.Equal((ids.Count + 1) / 2, result["pages"]!.GetValue<int>());
        Assert.Equal("ExecutionSucceeded", result["types"]!.AsArray()[^1]!.GetValue<string>());
        Assert.Subset(result["listed"]!.AsArray().Select(n => n!.GetValue<string>()).ToHashSet(), new HashSet<string> { "boto-0", "boto-1", "boto-2" });
        Assert.Equal("""["ExecutionDoesNotExist",400]""", result["missing"]!.ToJsonString());
        Assert.Equal("ExecutionAlreadyExists", result["duplicate"]!.GetValue<string>());
    }

    [Fact]
    public async Task Boto3_ValidatesADefinition_AndTestsAStateWithAMock()
    {
        var script = """
            bad = sfn.validate_state_machine_definition(definition=json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}))
            good = sfn.validate_state_machine_definition(definition=json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}))
            state = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f", "Payload.$": "$"},
                     "ResultSelector": {"id.$": "$.Payload.id"}, "ResultPath": "$.result", "Next": "After"}
            tested = sfn.test_state(definition=json.dumps(state), input=json.dumps({"x": 1}), inspectionLevel="DEBUG",
                                    mock={"result": json.dumps({"Payload": {"id": "abc"}})})
            print(json.dumps({"bad": bad["result"], "badCodes": [d["code"] for d in bad["diagnostics"]], "good": good["result"],
                              "status": tested["status"], "output": tested["output"], "next": tested["nextState"],
                              "afterResultSelector": tested["inspectionData"]["afterResultSelector"]}))
            """;

        var result = await PythonAsync(script);

        Assert.Equal("FAIL", result["bad"]!.GetValue<string>());
        Assert.NotEmpty(result["badCodes"]!.AsArray());
        Assert.Equal("OK", result["good"]!.GetValue<string>());
        Assert.Equal("SUCCEEDED", result["status"]!.GetValue<string>());
        Assert.Equal("""{"x":1,"result":{"id":"abc"}}""", result["output"]!.GetValue<string>());
        Assert.Equal("After", result["next"]!.GetValue<string>());
        Assert.Equal("""{"id":"abc"}""", result["afterResultSelector"]!.GetValue<string>());
    }
}
