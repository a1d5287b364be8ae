using StepFunctionsApi.Hosting;

namespace StepFunctionsApi.Tests;

public sealed class RestartTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sfn-restart").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private Task<StepFunctionsApiServer> StartAsync() => StepFunctionsApiServer.StartAsync(new StepFunctionsApiOptions
    {
        Port = 0,
        DatabasePath = Path.Combine(_directory, "sfn.db"),
        MockConfigPath = null,
    }, TestContext.Current.CancellationToken);

    [Fact]
    public async Task AfterARestart_MachinesAndFinishedExecutionsRemain_AndAWaitingExecutionResumesWhereItWas()
    {
        const string definition = """{"StartAt":"First","States":{"First":{"Type":"Pass","Result":1,"ResultPath":"$.first","Next":"Pause"},"Pause":{"Type":"Wait","Seconds":1,"Next":"Last"},"Last":{"Type":"Pass","End":true}}}""";
        string machineArn, waitingArn;
        await using (var before = await StartAsync())
        {
            using var http = new SfnHttp(before.Endpoint);
            machineArn = (await http.CallAsync("CreateStateMachine", new() { ["name"] = "Pausing", ["definition"] = definition, ["roleArn"] = OrderSaga.RoleArn }))["stateMachineArn"]!.GetValue<string>();
            waitingArn = (await http.CallAsync("StartExecution", new() { ["stateMachineArn"] = machineArn, ["name"] = "paused", ["input"] = """{"n":1}""" }))["executionArn"]!.GetValue<string>();
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        await using var after = await StartAsync();
        using var client = new SfnHttp(after.Endpoint);
        var machine = await client.CallAsync("DescribeStateMachine", new() { ["stateMachineArn"] = machineArn });
        string status;
        do
        {
            status = (await client.CallAsync("DescribeExecution", new() { ["executionArn"] = waitingArn }))["status"]!.GetValue<string>();
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        while (status == "RUNNING");
        var events = (await client.CallAsync("GetExecutionHistory", new() { ["executionArn"] = waitingArn }))["events"]!.AsArray();
        var described = await client.CallAsync("DescribeExecution", new() { ["executionArn"] = waitingArn });

        Assert.Equal(1, after.ResumedExecutions);
        Assert.Equal(definition, machine["definition"]!.GetValue<string>());
        Assert.Equal("SUCCEEDED", status);
        Assert.Equal("""{"n":1,"first":1}""", described["output"]!.GetValue<string>());
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e!["id"]!.GetValue<long>()));
        Assert.All(events.Skip(1), e => Assert.Equal(e!["id"]!.GetValue<long>() - 1, e["previousEventId"]!.GetValue<long>()));
        Assert.Equal(1, events.Count(e => e!["type"]!.GetValue<string>() == "PassStateEntered" && e["stateEnteredEventDetails"]!["name"]!.GetValue<string>() == "First"));
    }
}
