using System.Text.Json;
using ECommerce.Runtime.Events;

namespace ECommerce.Runtime.Tests;

public sealed class EventShapeTests
{
    // The shape of an SQS event as Lambda documents it.
    private const string SqsEventJson = """
        {"Records":[{"messageId":"059f36b4-87a3-44ab-83d2-661975830a7d","receiptHandle":"AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
        "body":"{\"customerId\":\"c-1\"}","attributes":{"ApproximateReceiveCount":"1","SentTimestamp":"1545082649183",
        "SenderId":"AIDAIENQZJOLO23YVJ4VO","ApproximateFirstReceiveTimestamp":"1545082649185"},
        "messageAttributes":{"orderId":{"stringValue":"order-1","stringListValues":[],"binaryListValues":[],"dataType":"String"}},
        "md5OfBody":"e4e68fb7bd0e697a0ae8f1bb342846b3","eventSource":"aws:sqs",
        "eventSourceARN":"arn:aws:sqs:us-east-2:123456789012:my-queue","awsRegion":"us-east-2"}]}
        """;

    [Fact]
    public void SqsEvent_AwsDocumentedShape_DeserializesEveryFieldThisProjectReads()
    {
        var sqsEvent = JsonSerializer.Deserialize(SqsEventJson, RuntimeJsonContext.Default.SqsEvent)!;

        var message = Assert.Single(sqsEvent.Records);
        Assert.Equal("059f36b4-87a3-44ab-83d2-661975830a7d", message.MessageId);
        Assert.Equal("""{"customerId":"c-1"}""", message.Body);
        Assert.Equal("order-1", message.MessageAttributes!["orderId"].StringValue);
        Assert.Equal("String", message.MessageAttributes["orderId"].DataType);
        Assert.Equal("1", message.Attributes!["ApproximateReceiveCount"]);
        Assert.Equal("arn:aws:sqs:us-east-2:123456789012:my-queue", message.EventSourceArn);
    }

    [Fact]
    public void SqsBatchResponse_SerializesAsReportBatchItemFailuresExpects()
    {
        var response = new SqsBatchResponse([new SqsBatchItemFailure("m-2")]);

        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"m-2"}]}""", JsonSerializer.Serialize(response, RuntimeJsonContext.Default.SqsBatchResponse));
        Assert.Equal("""{"batchItemFailures":[]}""", JsonSerializer.Serialize(SqsBatchResponse.AllSucceeded, RuntimeJsonContext.Default.SqsBatchResponse));
    }

    [Fact]
    public void ApiGatewayProxy_RoundTripsTheRestApiProxyShape()
    {
        const string requestJson = """
            {"resource":"/orders/{orderId}","path":"/orders/o-1","httpMethod":"GET","headers":{"Accept":"application/json"},
            "multiValueHeaders":{"Accept":["application/json"]},"queryStringParameters":null,"pathParameters":{"orderId":"o-1"},
            "stageVariables":null,"requestContext":{"resourcePath":"/orders/{orderId}","httpMethod":"GET","stage":"prod",
            "requestId":"c6af9ac6-7b61-11e6-9a41-93e8deadbeef","requestTimeEpoch":1428582896000,"identity":{"sourceIp":"1.2.3.4"}},
            "body":null,"isBase64Encoded":false}
            """;

        var request = JsonSerializer.Deserialize(requestJson, RuntimeJsonContext.Default.ApiGatewayProxyRequest)!;
        var response = new ApiGatewayProxyResponse
        {
            StatusCode = 404,
            Headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" },
            Body = """{"message":"Order 'o-1' not found"}""",
        };

        Assert.Equal("o-1", request.PathParameters!["orderId"]);
        Assert.Equal("c6af9ac6-7b61-11e6-9a41-93e8deadbeef", request.RequestContext!.RequestId);
        using var serialized = JsonDocument.Parse(JsonSerializer.Serialize(response, RuntimeJsonContext.Default.ApiGatewayProxyResponse));
        var root = serialized.RootElement;
        Assert.Equal(["body", "headers", "isBase64Encoded", "statusCode"], root.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(404, root.GetProperty("statusCode").GetInt32());
        Assert.Equal("""{"message":"Order 'o-1' not found"}""", root.GetProperty("body").GetString());
        Assert.Equal("application/json", root.GetProperty("headers").GetProperty("Content-Type").GetString());
    }

    [Fact]
    public void StepFunctionsStatusChangeEvent_EventBridgeShape_Deserializes()
    {
        const string json = """
            {"version":"0","id":"315c1398-40ff-a850-213b-158f73e60175","detail-type":"Step Functions Execution Status Change",
            "source":"aws.states","account":"123456789012","time":"2019-02-26T19:42:21Z","region":"us-east-1",
            "resources":["arn:aws:states:us-east-1:123456789012:execution:state-machine-name:order-1"],
            "detail":{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:state-machine-name:order-1",
            "stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:state-machine","name":"order-1",
            "status":"FAILED","startDate":1551225271984,"stopDate":1551225271984,"input":"{}","output":null,
            "error":"PaymentGatewayUnavailable","cause":"gateway down","redriveCount":0}}
            """;

        var statusChange = JsonSerializer.Deserialize(json, RuntimeJsonContext.Default.StepFunctionsStatusChangeEvent)!;

        Assert.Equal(StepFunctionsStatusChangeEvent.DetailTypeValue, statusChange.DetailType);
        Assert.Equal("order-1", statusChange.Detail.Name);
        Assert.Equal("FAILED", statusChange.Detail.Status);
        Assert.Equal("PaymentGatewayUnavailable", statusChange.Detail.Error);
        Assert.Equal(1551225271984, statusChange.Detail.StartDate);
    }
}
