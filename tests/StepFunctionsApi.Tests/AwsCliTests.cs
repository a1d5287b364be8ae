using System.Text.Json.Nodes;

namespace StepFunctionsApi.Tests;

/// <summary>The AWS CLI (<c>aws --endpoint-url … stepfunctions …</c>) against the local API: its output must parse as the CLI expects.</summary>
public sealed class AwsCliTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    private async Task<JsonObject> AwsAsync(params string[] args)
    {
        var (exit, stdout, stderr) = await ExternalTool.RunAsync("aws", ["--endpoint-url", fixture.Endpoint.ToString(), "--output", "json", "stepfunctions", .. args], fixture.Endpoint);
        Assert.True(exit == 0, $"aws {string.Join(' ', args)} exited {exit}: {stderr}");
        return string.IsNullOrWhiteSpace(stdout) ? [] : JsonNode.Parse(stdout)!.AsObject();
    }

    [Fact]
    public async Task TheCli_CreatesStartsListsDescribesPagesAndStops()
    {
        var definitionFile = Path.Combine(Path.GetTempPath(), $"cli-saga-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(definitionFile, OrderSaga.Definition, TestContext.Current.CancellationToken);
        try
        {
            var created = await AwsAsync("create-state-machine", "--name", "CliSaga", "--definition", "file://" + definitionFile, "--role-arn", OrderSaga.RoleArn);
            var machineArn = created["stateMachineArn"]!.GetValue<string>();
            var started = await AwsAsync("start-execution", "--state-machine-arn", machineArn, "--name", "cli-order-1", "--input", OrderSaga.Input("cli-order-1"));
            var executionArn = started["executionArn"]!.GetValue<string>();
            JsonObject described;
            do
            {
                described = await AwsAsync("describe-execution", "--execution-arn", executionArn);
            }
            while (described["status"]!.GetValue<string>() == "RUNNING");
            // The CLI follows nextToken itself; --page-size 3 makes it fetch the history in pages of three.
            var history = await AwsAsync("get-execution-history", "--execution-arn", executionArn, "--page-size", "3");
            var listed = await AwsAsync("list-executions", "--state-machine-arn", machineArn, "--status-filter", "SUCCEEDED");
            var machines = await AwsAsync("list-state-machines");
            var waiting = await AwsAsync("create-state-machine", "--name", "CliWait", "--role-arn", OrderSaga.RoleArn,
                "--definition", """{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"End":true}}}""");
            var toStop = await AwsAsync("start-execution", "--state-machine-arn", waiting["stateMachineArn"]!.GetValue<string>(), "--name", "w-1", "--input", """{"a":1}""");
            var duplicate = await AwsAsync("start-execution", "--state-machine-arn", waiting["stateMachineArn"]!.GetValue<string>(), "--name", "w-1", "--input", """{"a":1}""");
            var stopped = await AwsAsync("stop-execution", "--execution-arn", toStop["executionArn"]!.GetValue<string>(), "--error", "Operator", "--cause", "by the CLI");
            var afterStop = await AwsAsync("describe-execution", "--execution-arn", toStop["executionArn"]!.GetValue<string>());
            var mocked = await AwsAsync("start-execution", "--state-machine-arn", OrderSaga.MachineArn + "#ShippingUnserviceable", "--input", OrderSaga.Input("cli-mock"));
            JsonObject mockedEnd;
            do
            {
                mockedEnd = await AwsAsync("describe-execution", "--execution-arn", mocked["executionArn"]!.GetValue<string>());
            }
            while (mockedEnd["status"]!.GetValue<string>() == "RUNNING");

            Assert.Equal(toStop["executionArn"]!.GetValue<string>(), duplicate["executionArn"]!.GetValue<string>());
            Assert.Equal(toStop["startDate"]!.ToJsonString(), duplicate["startDate"]!.ToJsonString());
            Assert.Equal("SUCCEEDED", described["status"]!.GetValue<string>());
            // CLI v1 prints timestamps as it received them (cli_timestamp_format "none"): epoch seconds.
            Assert.InRange(described["startDate"]!.GetValue<decimal>(), 1_600_000_000m, 4_000_000_000m);
            var events = history["events"]!.AsArray();
            Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e!["id"]!.GetValue<long>()));
            Assert.Equal("ExecutionSucceeded", events[^1]!["type"]!.GetValue<string>());
            Assert.Contains(listed["executions"]!.AsArray(), e => e!["name"]!.GetValue<string>() == "cli-order-1");
            Assert.Contains(machines["stateMachines"]!.AsArray(), m => m!["name"]!.GetValue<string>() == "CliSaga");
            Assert.NotNull(stopped["stopDate"]);
            Assert.Equal(("ABORTED", "Operator"), (afterStop["status"]!.GetValue<string>(), afterStop["error"]!.GetValue<string>()));
            Assert.Equal(("FAILED", "AddressUnserviceable"), (mockedEnd["status"]!.GetValue<string>(), mockedEnd["error"]!.GetValue<string>()));
        }
        finally
        {
            File.Delete(definitionFile);
        }
    }

    [Fact]
    public async Task TheCli_ReportsAwsErrorCodes()
    {
        var (exit, _, stderr) = await ExternalTool.RunAsync("aws",
            ["--endpoint-url", fixture.Endpoint.ToString(), "stepfunctions", "describe-execution", "--execution-arn",
             "arn:aws:states:us-east-1:123456789012:execution:OrderSaga:missing"], fixture.Endpoint);

        Assert.NotEqual(0, exit);
        Assert.Contains("An error occurred (ExecutionDoesNotExist) when calling the DescribeExecution operation", stderr, StringComparison.Ordinal);
    }
}
