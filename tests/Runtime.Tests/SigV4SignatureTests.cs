using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using ECommerce.Runtime.Sns;
using ECommerce.Runtime.StepFunctions;

namespace ECommerce.Runtime.Tests;

/// <summary>
/// Neither moto nor the local API checks signatures, so the signatures of a StartExecution and an SNS Publish request
/// (both made by the one shared signer) are held against botocore's SigV4Auth for the same request, credentials and time.
/// </summary>
public sealed class SigV4SignatureTests
{
    private const string AccessKey = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    private const string BotocoreScript = """
        import datetime, json, sys
        import botocore.auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        args = json.load(sys.stdin)
        fixed = datetime.datetime.strptime(args["time"], "%Y%m%dT%H%M%SZ")
        botocore.auth.get_current_datetime = lambda *a, **k: fixed
        request = AWSRequest(method="POST", url=args["url"], data=args["body"].encode("utf-8"), headers=args["headers"])
        botocore.auth.SigV4Auth(Credentials(args["accessKey"], args["secretKey"], args.get("token")), args["service"], args["region"]).add_auth(request)
        print(request.headers["Authorization"])
        """;

    public static TheoryData<string, string?> Cases => new()
    {
        { "https://states.us-east-1.amazonaws.com/", null },
        { "http://127.0.0.1:4583/", null },
        { "https://states.eu-west-1.amazonaws.com/", "session-token-example" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task StartExecutionRequest_SignedWithFixedCredentialsAndTime_MatchesBotocore(string endpoint, string? sessionToken)
    {
        var region = endpoint.Contains("eu-west-1", StringComparison.Ordinal) ? "eu-west-1" : "us-east-1";
        AWSCredentials credentials = sessionToken is null
            ? new BasicAWSCredentials(AccessKey, SecretKey)
            : new SessionAWSCredentials(AccessKey, SecretKey, sessionToken);
        using var client = new StepFunctionsClient(new StepFunctionsClientOptions { Endpoint = new Uri(endpoint), Region = region, Credentials = credentials });
        const string body = """{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:order-saga","name":"order-1","input":"{\"orderId\":\"order-1\"}"}""";
        var signedAt = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

        using var request = await client.CreateSignedRequestAsync("StartExecution", Encoding.UTF8.GetBytes(body), signedAt, CancellationToken.None);
        var authorization = AssertMatchesBotocore(request, endpoint, body, "states", region, sessionToken);

        Assert.Contains("x-amz-target", SignedHeaderNames(authorization));
    }

    public static TheoryData<string, string?> SnsCases => new()
    {
        { "https://sns.us-east-1.amazonaws.com/", null },
        { "http://127.0.0.1:4583/", null },
        { "https://sns.eu-west-1.amazonaws.com/", "session-token-example" },
    };

    [Theory]
    [MemberData(nameof(SnsCases))]
    public async Task SnsPublishRequest_SignedWithFixedCredentialsAndTime_MatchesBotocore(string endpoint, string? sessionToken)
    {
        var region = endpoint.Contains("eu-west-1", StringComparison.Ordinal) ? "eu-west-1" : "us-east-1";
        AWSCredentials credentials = sessionToken is null
            ? new BasicAWSCredentials(AccessKey, SecretKey)
            : new SessionAWSCredentials(AccessKey, SecretKey, sessionToken);
        using var client = new SnsClient(new SnsClientOptions { Endpoint = new Uri(endpoint), Region = region, Credentials = credentials });
        var publish = new PublishRequest
        {
            TopicArn = "arn:aws:sns:us-east-1:123456789012:alerts",
            Message = """{"orderId":"order-1","what":"needs attention ~ 100% & more"}""",
            Subject = "Order needs attention",
            MessageAttributes = new Dictionary<string, MessageAttributeValue> { ["eventType"] = MessageAttributeValue.String("OrderNeedsAttention") },
        };
        var body = SnsClient.FormBody("Publish", SnsClient.PublishParameters(publish));
        var signedAt = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

        using var request = await client.CreateSignedRequestAsync(body, signedAt, CancellationToken.None);
        var authorization = AssertMatchesBotocore(request, endpoint, Encoding.UTF8.GetString(body), "sns", region, sessionToken);

        Assert.Contains("/sns/aws4_request", authorization, StringComparison.Ordinal);
        Assert.Equal("application/x-www-form-urlencoded; charset=utf-8", request.Content!.Headers.GetValues("Content-Type").Single());
    }

    /// <summary>Signs the same request with botocore and asserts the Authorization headers are identical; returns ours.</summary>
    private static string AssertMatchesBotocore(
        HttpRequestMessage request, string endpoint, string body, string service, string region, string? sessionToken)
    {
        var authorization = request.Headers.GetValues("Authorization").Single();
        var signedHeaders = SignedHeaderNames(authorization);
        var headers = new Dictionary<string, string>();
        foreach (var name in signedHeaders.Where(name => name is not "host" and not "x-amz-date" and not "x-amz-security-token"))
        {
            headers[name] = name == "content-type"
                ? request.Content!.Headers.GetValues("Content-Type").Single()
                : request.Headers.GetValues(name).Single();
        }

        var expected = RunBotocore(new Dictionary<string, object?>
        {
            ["url"] = endpoint,
            ["body"] = body,
            ["headers"] = headers,
            ["time"] = "20260102T030405Z",
            ["service"] = service,
            ["region"] = region,
            ["accessKey"] = AccessKey,
            ["secretKey"] = SecretKey,
            ["token"] = sessionToken,
        });

        Assert.Contains("content-type", signedHeaders);
        Assert.Equal(expected, authorization);
        return authorization;
    }

    private static string[] SignedHeaderNames(string authorization)
    {
        var part = authorization.Split(", ").Single(p => p.StartsWith("SignedHeaders=", StringComparison.Ordinal));
        return part["SignedHeaders=".Length..].Split(';');
    }

    private static string RunBotocore(Dictionary<string, object?> arguments)
    {
        var startInfo = new ProcessStartInfo("python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(BotocoreScript);
        Process process;
        try
        {
            process = Process.Start(startInfo)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Skip("python3 not found: the botocore cross-check needs python3 with botocore");
            throw;
        }

        using (process)
        {
            process.StandardInput.Write(JsonSerializer.Serialize(arguments, TestJsonContext.Default.DictionaryStringObject));
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEnd();
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0 && errors.Contains("No module named 'botocore'", StringComparison.Ordinal))
            {
                Assert.Skip("botocore not installed: the SigV4 cross-check needs python3 with botocore");
            }

            Assert.True(process.ExitCode == 0, errors);
            return output.Trim();
        }
    }
}
