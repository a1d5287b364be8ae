using Amazon.Runtime;
using ECommerce.Runtime.StepFunctions;
using ECommerce.TestSupport;

namespace ECommerce.Runtime.Tests;

public sealed class StepFunctionsClientTests(MotoServerFixture moto) : IClassFixture<MotoServerFixture>
{
    private const string RoleArn = "arn:aws:iam::123456789012:role/order-saga";
    private const string Definition = """{"StartAt":"Done","States":{"Done":{"Type":"Pass","End":true}}}""";

    private StepFunctionsClient CreateClient() => new(new StepFunctionsClientOptions
    {
        Endpoint = moto.Endpoint,
        Region = MotoServerFixture.Region,
        Credentials = moto.Credentials,
    });

    [Fact]
    public async Task StartExecutionAsync_NewName_StartsAndDescribeSeesIt()
    {
        using var client = CreateClient();
        var ct = TestContext.Current.CancellationToken;
        var stateMachine = await client.CreateStateMachineAsync(MotoServerFixture.UniqueName("saga"), Definition, RoleArn, cancellationToken: ct);

        var started = await client.StartExecutionAsync(stateMachine.StateMachineArn, "order-1", """{"orderId":"order-1"}""", ct);
        var described = await client.DescribeExecutionAsync(started.ExecutionArn, ct);

        Assert.EndsWith(":order-1", started.ExecutionArn, StringComparison.Ordinal);
        Assert.InRange(started.StartDate, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.Equal("order-1", described.Name);
        Assert.Equal(stateMachine.StateMachineArn, described.StateMachineArn);
        Assert.Equal("""{"orderId":"order-1"}""", described.Input);
    }

    [Fact]
    public async Task StartExecutionAsync_SameNameAndInputWhileRunning_ReturnsTheSameExecution()
    {
        using var client = CreateClient();
        var ct = TestContext.Current.CancellationToken;
        var stateMachine = await client.CreateStateMachineAsync(MotoServerFixture.UniqueName("saga"), Definition, RoleArn, cancellationToken: ct);

        var first = await client.StartExecutionAsync(stateMachine.StateMachineArn, "order-2", "{}", ct);
        var second = await client.StartExecutionAsync(stateMachine.StateMachineArn, "order-2", "{}", ct);

        Assert.Equal(first.ExecutionArn, second.ExecutionArn);
    }

    [Fact]
    public async Task StartExecutionAsync_SameNameOtherInput_ThrowsExecutionAlreadyExists()
    {
        using var client = CreateClient();
        var ct = TestContext.Current.CancellationToken;
        var stateMachine = await client.CreateStateMachineAsync(MotoServerFixture.UniqueName("saga"), Definition, RoleArn, cancellationToken: ct);
        await client.StartExecutionAsync(stateMachine.StateMachineArn, "order-3", """{"n":1}""", ct);

        var error = await Assert.ThrowsAsync<StepFunctionsException>(
            () => client.StartExecutionAsync(stateMachine.StateMachineArn, "order-3", """{"n":2}""", ct));

        Assert.Equal(StepFunctionsException.ExecutionAlreadyExists, error.ErrorCode);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task StartExecutionAsync_UnknownStateMachine_ThrowsStateMachineDoesNotExist()
    {
        using var client = CreateClient();

        var error = await Assert.ThrowsAsync<StepFunctionsException>(() => client.StartExecutionAsync(
            "arn:aws:states:us-east-1:123456789012:stateMachine:no-such-machine", "order-4", "{}", TestContext.Current.CancellationToken));

        Assert.Equal(StepFunctionsException.StateMachineDoesNotExist, error.ErrorCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.StatusCode);
    }

    [Fact]
    public async Task StartExecutionAsync_NameWithSpaces_ThrowsInvalidName()
    {
        using var client = CreateClient();
        var ct = TestContext.Current.CancellationToken;
        var stateMachine = await client.CreateStateMachineAsync(MotoServerFixture.UniqueName("saga"), Definition, RoleArn, cancellationToken: ct);

        var error = await Assert.ThrowsAsync<StepFunctionsException>(
            () => client.StartExecutionAsync(stateMachine.StateMachineArn, "not a valid name", "{}", ct));

        Assert.Equal(StepFunctionsException.InvalidName, error.ErrorCode);
    }

    [Fact]
    public async Task DescribeExecutionAsync_UnknownExecution_ThrowsExecutionDoesNotExist()
    {
        using var client = CreateClient();

        var error = await Assert.ThrowsAsync<StepFunctionsException>(() => client.DescribeExecutionAsync(
            "arn:aws:states:us-east-1:123456789012:execution:no-such-machine:nobody", TestContext.Current.CancellationToken));

        Assert.Equal(StepFunctionsException.ExecutionDoesNotExist, error.ErrorCode);
    }
}

public sealed class StepFunctionsClientOptionsTests
{
    private static readonly AWSCredentials Credentials = new BasicAWSCredentials("a", "b");

    [Theory]
    [InlineData("eu-west-1", null, null, null, "https://states.eu-west-1.amazonaws.com/", "eu-west-1")]
    [InlineData(null, "us-west-2", null, null, "https://states.us-west-2.amazonaws.com/", "us-west-2")]
    [InlineData("eu-west-1", "us-west-2", null, "http://127.0.0.1:4566", "http://127.0.0.1:4566/", "eu-west-1")]
    [InlineData("eu-west-1", null, "http://127.0.0.1:8083", "http://127.0.0.1:4566", "http://127.0.0.1:8083/", "eu-west-1")]
    public void FromVariables_ResolvesRegionAndEndpointInAwsOrder(
        string? region, string? defaultRegion, string? sfnEndpoint, string? globalEndpoint, string expectedEndpoint, string expectedRegion)
    {
        var variables = new Dictionary<string, string?>
        {
            ["AWS_REGION"] = region,
            ["AWS_DEFAULT_REGION"] = defaultRegion,
            ["AWS_ENDPOINT_URL_SFN"] = sfnEndpoint,
            ["AWS_ENDPOINT_URL"] = globalEndpoint,
        };

        var options = StepFunctionsClientOptions.FromVariables(name => variables.GetValueOrDefault(name), () => Credentials);

        Assert.Equal(new Uri(expectedEndpoint), options.Endpoint);
        Assert.Equal(expectedRegion, options.Region);
    }

    [Fact]
    public void FromVariables_NoRegion_ExplainsWhatToSet()
    {
        var error = Assert.Throws<InvalidOperationException>(() => StepFunctionsClientOptions.FromVariables(_ => null, () => Credentials));

        Assert.Contains("AWS_REGION", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("com.amazonaws.swf.service.v2.model#ExecutionAlreadyExists", "ExecutionAlreadyExists")]
    [InlineData("InvalidName", "InvalidName")]
    [InlineData("ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/", "ThrottlingException")]
    [InlineData(null, "UnknownError")]
    public void ErrorCodeFromType_StripsNamespaceAndSuffix(string? type, string expected) =>
        Assert.Equal(expected, StepFunctionsException.ErrorCodeFromType(type));
}
