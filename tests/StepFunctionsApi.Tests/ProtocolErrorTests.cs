using System.Text.Json.Nodes;

namespace StepFunctionsApi.Tests;

public sealed class ProtocolErrorTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    private const string Machine = OrderSaga.MachineArn;
    private const string Execution = "arn:aws:states:us-east-1:123456789012:execution:OrderSaga:never-started";

    /// <summary>target (null: no header), raw body, HTTP status, __type.</summary>
    public static TheoryData<string?, string, int, string> BadRequests => new()
    {
        { "AWSStepFunctions.DoSomethingElse", "{}", 400, "com.amazon.coral.service#UnknownOperationException" },
        { "Other.StartExecution", "{}", 400, "com.amazon.coral.service#UnknownOperationException" },
        { null, "{}", 400, "com.amazon.coral.service#UnknownOperationException" },
        { "AWSStepFunctions.StartExecution", "{\"stateMachineArn\": ", 400, "com.amazon.coral.service#SerializationException" },
        { "AWSStepFunctions.StartExecution", "[1,2]", 400, "com.amazon.coral.service#SerializationException" },
        { "AWSStepFunctions.StartExecution", "{\"stateMachineArn\": 7}", 400, "com.amazon.coral.service#SerializationException" },
        { "AWSStepFunctions.StartExecution", "{}", 400, "com.amazon.coral.validate#ValidationException" },
        { "AWSStepFunctions.StartExecution", $$"""{"stateMachineArn":"{{Machine}}","name":"{{new string('n', 81)}}"}""", 400, "com.amazon.coral.validate#ValidationException" },
        { "AWSStepFunctions.StartExecution", $$"""{"stateMachineArn":"{{Machine}}","name":"has space"}""", 400, "com.amazonaws.swf.service.v2.model#InvalidName" },
        { "AWSStepFunctions.StartExecution", $$"""{"stateMachineArn":"{{Machine}}","name":"a/b"}""", 400, "com.amazonaws.swf.service.v2.model#InvalidName" },
        { "AWSStepFunctions.StartExecution", """{"stateMachineArn":"not-an-arn"}""", 400, "com.amazonaws.swf.service.v2.model#InvalidArn" },
        { "AWSStepFunctions.StartExecution", """{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:Nope"}""", 400, "com.amazonaws.swf.service.v2.model#StateMachineDoesNotExist" },
        { "AWSStepFunctions.StartExecution", $$"""{"stateMachineArn":"{{Machine}}","input":"{not json"}""", 400, "com.amazonaws.swf.service.v2.model#InvalidExecutionInput" },
        { "AWSStepFunctions.StartExecution", $$"""{"stateMachineArn":"{{Machine}}","input":"\"{{new string('x', 262_144)}}\""}""", 400, "com.amazon.coral.validate#ValidationException" },
        { "AWSStepFunctions.StartExecution", $$"""{"stateMachineArn":"{{Machine}}#NoSuchCase"}""", 400, "com.amazon.coral.validate#ValidationException" },
        { "AWSStepFunctions.DescribeExecution", $$"""{"executionArn":"{{Execution}}"}""", 400, "com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist" },
        { "AWSStepFunctions.DescribeExecution", $$"""{"executionArn":"{{Machine}}"}""", 400, "com.amazonaws.swf.service.v2.model#InvalidArn" },
        { "AWSStepFunctions.GetExecutionHistory", $$"""{"executionArn":"{{Execution}}"}""", 400, "com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist" },
        { "AWSStepFunctions.ListExecutions", $$"""{"stateMachineArn":"{{Machine}}","nextToken":"garbage"}""", 400, "com.amazonaws.swf.service.v2.model#InvalidToken" },
        { "AWSStepFunctions.ListExecutions", $$"""{"stateMachineArn":"{{Machine}}","maxResults":1001}""", 400, "com.amazon.coral.validate#ValidationException" },
        { "AWSStepFunctions.ListExecutions", $$"""{"stateMachineArn":"{{Machine}}","statusFilter":"DONE"}""", 400, "com.amazon.coral.validate#ValidationException" },
        { "AWSStepFunctions.StopExecution", $$"""{"executionArn":"{{Execution}}"}""", 400, "com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist" },
        { "AWSStepFunctions.DescribeStateMachine", """{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:Nope"}""", 400, "com.amazonaws.swf.service.v2.model#StateMachineDoesNotExist" },
        { "AWSStepFunctions.CreateStateMachine", $$$"""{"name":"Broken","roleArn":"{{{OrderSaga.RoleArn}}}","definition":"{\"StartAt\":\"A\",\"States\":{}}"}""", 400, "com.amazonaws.swf.service.v2.model#InvalidDefinition" },
        { "AWSStepFunctions.CreateStateMachine", "{\"name\":\"OrderSaga\",\"roleArn\":\"" + OrderSaga.RoleArn + "\",\"definition\":\"{\\\"StartAt\\\":\\\"A\\\",\\\"States\\\":{\\\"A\\\":{\\\"Type\\\":\\\"Succeed\\\"}}}\"}", 400, "com.amazonaws.swf.service.v2.model#StateMachineAlreadyExists" },
        { "AWSStepFunctions.CreateStateMachine", """{"name":"NoRole","definition":"{}"}""", 400, "com.amazon.coral.validate#ValidationException" },
        { "AWSStepFunctions.UpdateStateMachine", $$"""{"stateMachineArn":"{{Machine}}"}""", 400, "com.amazonaws.swf.service.v2.model#MissingRequiredParameter" },
        { "AWSStepFunctions.SendTaskSuccess", """{"taskToken":"unknown","output":"{}"}""", 400, "com.amazonaws.swf.service.v2.model#TaskDoesNotExist" },
        { "AWSStepFunctions.TestState", """{"definition":"{\"Type\":\"Pass\",\"Next\":\"X\"}","input":"{oops"}""", 400, "com.amazonaws.swf.service.v2.model#InvalidExecutionInput" },
        { "AWSStepFunctions.TestState", """{"definition":"{\"Type\":\"Nonsense\",\"End\":true}"}""", 400, "com.amazonaws.swf.service.v2.model#InvalidDefinition" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task ABadRequest_GetsAwsErrorTypeAndStatus(string? target, string body, int status, string type)
    {
        var (actualStatus, error) = await fixture.Http.SendRawAsync(target, body);

        Assert.Equal((status, type), (actualStatus, error["__type"]!.GetValue<string>()));
        Assert.False(string.IsNullOrWhiteSpace(error["message"]?.GetValue<string>()));
    }

    [Fact]
    public async Task AMissingMember_IsWordedAsAwsValidationErrors()
    {
        var (_, error) = await fixture.Http.SendAsync("DescribeExecution", new JsonObject());

        Assert.Equal("1 validation error detected: Value null at 'executionArn' failed to satisfy constraint: Member must not be null",
            error["message"]!.GetValue<string>());
    }
}
