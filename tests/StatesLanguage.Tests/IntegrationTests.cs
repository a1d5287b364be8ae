using System.Text.Json.Nodes;
using StatesLanguage.Integrations;
using StatesLanguage.Mocks;
using StatesLanguage.Runtime;
using static StatesLanguage.Tests.EngineTestHost;

namespace StatesLanguage.Tests;

public class IntegrationTests
{
    [Fact]
    public async Task LambdaInvoke_ReturnsAwsEnvelopeAndTaskEvents()
    {
        var lambda = new FakeLambda().On("Reserve", LambdaInvocationResult.Success("""{"reserved":true}"""));
        var result = await RunAsync("""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
              "Parameters":{"FunctionName":"arn:aws:lambda:us-east-1:123456789012:function:Reserve","Payload":{"id.$":"$.id"}},
              "ResultSelector":{"p.$":"$.Payload","code.$":"$.StatusCode","v.$":"$.ExecutedVersion"},"End":true}}}
            """, """{"id":"o-1"}""", lambda: lambda);
        Assert.Equal("""{"p":{"reserved":true},"code":200,"v":"$LATEST"}""", result.Output);
        Assert.Equal("""{"id":"o-1"}""", Assert.Single(lambda.Calls).Payload);
        var scheduled = result.History.Single(e => e.Type == "TaskScheduled").Details!;
        Assert.Equal(("lambda", "invoke", "us-east-1"), (scheduled["resourceType"]!.GetValue<string>(), scheduled["resource"]!.GetValue<string>(), scheduled["region"]!.GetValue<string>()));
        Assert.Equal(["ExecutionStarted", "TaskStateEntered:T", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited:T", "ExecutionSucceeded"], Path(result));
    }

    [Fact]
    public async Task Lambda_UnknownFunction_FailsResourceNotFound()
    {
        var result = await RunAsync("""{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:Nope","End":true}}}""",
            lambda: new FakeLambda());
        Assert.Equal("Lambda.ResourceNotFoundException", result.Error);
    }

    [Fact]
    public async Task SnsPublish_WritesToLocalTopic()
    {
        var engine = NewEngine();
        var result = await RunAsync("""
            {"StartAt":"N","States":{"N":{"Type":"Task","Resource":"arn:aws:states:::sns:publish",
              "Parameters":{"TopicArn":"arn:aws:sns:us-east-1:123456789012:orders","Message.$":"$.msg","Subject":"Order"},"End":true}}}
            """, """{"msg":{"orderId":"o-1"}}""", engine: engine);
        var message = Assert.Single(engine.Topics.GetOrCreate("arn:aws:sns:us-east-1:123456789012:orders").Messages);
        Assert.Equal(("""{"orderId":"o-1"}""", "Order"), (message.Message, message.Subject));
        Assert.Equal(message.MessageId, result.OutputJson!["MessageId"]!.GetValue<string>());
        Assert.NotNull(result.OutputJson["SdkHttpMetadata"]);
    }

    [Fact]
    public async Task WaitForTaskToken_CompletesOnSendTaskSuccess()
    {
        var engine = NewEngine();
        var machine = engine.CreateStateMachine("token-sm", """
            {"StartAt":"N","States":{"N":{"Type":"Task","Resource":"arn:aws:states:::sns:publish.waitForTaskToken",
              "Parameters":{"TopicArn":"arn:aws:sns:us-east-1:123456789012:approvals","Message.$":"$$.Task.Token"},"End":true}}}
            """);
        var execution = await engine.StartExecutionAsync(machine, "{}");
        var topic = engine.Topics.GetOrCreate("arn:aws:sns:us-east-1:123456789012:approvals");
        while (topic.Messages.Count == 0)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
        engine.SendTaskHeartbeat(topic.Messages[0].Message);
        engine.SendTaskSuccess(topic.Messages[0].Message, """{"approved":true}""");
        var result = await execution.WaitForCompletionAsync(TestContext.Current.CancellationToken);
        Assert.Equal("""{"approved":true}""", result.Output);
        Assert.Contains("TaskSubmitted", Path(result));
        Assert.Throws<StepFunctionsApiException>(() => engine.SendTaskSuccess("unknown", "{}"));
    }

    [Fact]
    public async Task StopExecution_AbortsWithExecutionAborted()
    {
        var clock = new VirtualClock(Epoch) { AutoAdvance = false };
        var engine = NewEngine(clock: clock);
        var machine = engine.CreateStateMachine("wait-sm", """{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":10,"End":true}}}""");
        var execution = await engine.StartExecutionAsync(machine, "{}", name: "stop-me");
        Assert.Equal(ExecutionStatus.RUNNING, engine.DescribeExecution(execution.ExecutionArn).Status);
        await engine.StopExecutionAsync(execution.ExecutionArn, "Manual", "operator");
        var result = await execution.WaitForCompletionAsync(TestContext.Current.CancellationToken);
        Assert.Equal(ExecutionStatus.ABORTED, result.Status);
        Assert.Equal("ExecutionAborted", result.History[^1].Type);
        Assert.Equal("arn:aws:states:us-east-1:123456789012:execution:wait-sm:stop-me", execution.ExecutionArn);
    }

    [Fact]
    public async Task MockConfig_ConsumesResponsesPerInvocationIncludingRetries()
    {
        var mocks = MockConfig.Parse("""
            {"StateMachines":{"test-sm":{"TestCases":{"RetryPath":{"Charge":"ChargeFlaky"}}}},
             "MockedResponses":{"ChargeFlaky":{
               "0":{"Throw":{"Error":"Gateway.Timeout","Cause":"slow"}},
               "1-2":{"Throw":{"Error":"Gateway.Timeout","Cause":"slower"}},
               "3":{"Return":{"StatusCode":200,"Payload":{"charged":true}}}}}}
            """);
        var lambda = new FakeLambda();
        var definition = """
            {"StartAt":"Charge","States":{"Charge":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
              "Parameters":{"FunctionName":"Charge","Payload.$":"$"},"OutputPath":"$.Payload",
              "Retry":[{"ErrorEquals":["Gateway.Timeout"],"MaxAttempts":3}],"End":true}}}
            """;
        var result = await RunAsync(definition, mocks: mocks, testCase: "arn:aws:states:us-east-1:123456789012:stateMachine:test-sm#RetryPath", lambda: lambda);
        Assert.Equal("""{"charged":true}""", result.Output);
        Assert.Equal(3, result.History.Count(e => e.Type == "TaskFailed"));
        Assert.Empty(lambda.Calls);
    }

    [Fact]
    public async Task MockConfig_StateNotInTestCase_CallsRealIntegration()
    {
        var mocks = MockConfig.Parse("""
            {"StateMachines":{"test-sm":{"TestCases":{"Happy":{"Other":"R"}}}},"MockedResponses":{"R":{"0":{"Return":1}}}}
            """);
        var lambda = new FakeLambda().On("Real", LambdaInvocationResult.Success("42"));
        var result = await RunAsync("""{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:Real","End":true}}}""",
            mocks: mocks, testCase: "Happy", lambda: lambda);
        Assert.Equal("42", result.Output);
    }

    [Fact]
    public void MockConfig_UndefinedResponse_IsRejected() =>
        Assert.Throws<FormatException>(() => MockConfig.Parse("""{"StateMachines":{"s":{"TestCases":{"c":{"A":"Missing"}}}},"MockedResponses":{}}"""));

    [Fact]
    public async Task Observer_SeesEveryEventAndCheckpoints_AndStartFromResumes()
    {
        var observer = new RecordingObserver();
        var engine = new StepFunctionsEngine(new EngineOptions { Clock = new VirtualClock(Epoch), Observers = [observer] });
        var machine = engine.CreateStateMachine("resume-sm", """
            {"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"n":1},"Next":"B"},"B":{"Type":"Pass","Parameters":{"m.$":"$.n"},"End":true}}}
            """);
        var first = await (await engine.StartExecutionAsync(machine, "{}", name: "first")).WaitForCompletionAsync(TestContext.Current.CancellationToken);
        Assert.Equal(first.History.Count, observer.Events.Count);
        var atB = observer.Checkpoints.Single(c => c.StateName == "B");
        Assert.Equal("""{"n":1}""", atB.StateInput);
        var resumed = await (await engine.StartExecutionAsync(machine, "{}", name: "resumed", startFrom: atB)).WaitForCompletionAsync(TestContext.Current.CancellationToken);
        Assert.Equal("""{"m":1}""", resumed.Output);
        Assert.DoesNotContain("PassStateEntered:A", Path(resumed));
    }

    private sealed class RecordingObserver : IExecutionObserver
    {
        public List<HistoryEvent> Events { get; } = [];

        public List<ExecutionCheckpoint> Checkpoints { get; } = [];

        public void OnHistoryEvent(ExecutionInfo execution, HistoryEvent historyEvent)
        {
            lock (Events)
            {
                if (execution.Name == "first")
                {
                    Events.Add(historyEvent);
                }
            }
        }

        public void OnCheckpoint(ExecutionInfo execution, ExecutionCheckpoint checkpoint)
        {
            lock (Checkpoints)
            {
                Checkpoints.Add(checkpoint);
            }
        }
    }
}
