using Amazon.Runtime;
using ECommerce.Runtime.StepFunctions;

namespace StepFunctionsApi.Tests;

/// <summary>The order service's StartExecution client (functions/Runtime, SigV4 on AWSSDK.Core) against the local API.</summary>
public sealed class StarterClientTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    private StepFunctionsClient NewClient() => new(new StepFunctionsClientOptions
    {
        Endpoint = fixture.Endpoint,
        Region = "us-east-1",
        Credentials = new BasicAWSCredentials("AKIDLOCALTEST", "local-secret"),
    });

    [Fact]
    public async Task StartExecution_ThenDescribe_RoundTripsThroughTheClient()
    {
        using var client = NewClient();

        var started = await client.StartExecutionAsync(OrderSaga.MachineArn, "client-1", OrderSaga.Input("client-1"), TestContext.Current.CancellationToken);
        DescribeExecutionResponse described;
        do
        {
            described = await client.DescribeExecutionAsync(started.ExecutionArn, TestContext.Current.CancellationToken);
        }
        while (described.Status == "RUNNING");

        Assert.EndsWith(":execution:OrderSaga:client-1", started.ExecutionArn, StringComparison.Ordinal);
        Assert.InRange(started.StartDate, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal("SUCCEEDED", described.Status);
        Assert.Equal(started.StartDate, described.StartDate);
    }

    [Fact]
    public async Task StartExecution_WithAUsedNameAndOtherInput_RaisesExecutionAlreadyExists()
    {
        using var client = NewClient();
        await client.StartExecutionAsync(OrderSaga.MachineArn, "client-dup", OrderSaga.Input("client-dup"), TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<StepFunctionsException>(() =>
            client.StartExecutionAsync(OrderSaga.MachineArn, "client-dup", OrderSaga.Input("changed"), TestContext.Current.CancellationToken));

        Assert.Equal(StepFunctionsException.ExecutionAlreadyExists, error.ErrorCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.StatusCode);
    }
}
