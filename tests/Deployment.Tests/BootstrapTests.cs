using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Deployment.Tests;

/// <summary>
/// The deployable artefacts: each service's Native AOT <c>bootstrap</c>, published by the same script SAM's makefile
/// builds run, serves one invocation over the Lambda Runtime API and links against no glibc newer than Amazon Linux
/// 2023's 2.34.
/// </summary>
public sealed partial class BootstrapTests(BootstrapArtifacts artifacts) : IClassFixture<BootstrapArtifacts>
{
    /// <summary>glibc of Amazon Linux 2023, which the provided.al2023 runtime runs on.</summary>
    private static readonly Version MaxGlibc = new(2, 34);

    private static readonly TimeSpan InvocationTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Per service: a handler and an event it answers before any AWS call (validation), and the outcome.</summary>
    private static readonly Dictionary<string, BootstrapCase> Cases = new(StringComparer.Ordinal)
    {
        ["Orders"] = new(
            "GetOrder",
            """{"resource":"/orders/{orderId}","path":"/orders/not a valid id","httpMethod":"GET","pathParameters":{"orderId":"not a valid id"},"requestContext":{"requestId":"r-1","stage":"prod"},"isBase64Encoded":false}""",
            ExpectedErrorType: null),
        ["Inventory"] = new(
            "ReserveInventory",
            """{"orderId":"not a valid id","lines":[{"sku":"SKU-1","quantity":1}]}""",
            ExpectedErrorType: "InvalidRequest"),
        ["Payments"] = new(
            "ChargePayment",
            """{"orderId":"order-1","amount":0,"currency":"USD","paymentToken":"tok_visa"}""",
            ExpectedErrorType: "InvalidRequest"),
        ["Shipping"] = new(
            "ShipOrder",
            """{"orderId":"order-1","lines":[{"sku":"SKU-1","quantity":1}],"shipping":{"name":"A B","line1":"1 Main St","city":"Springfield","postalCode":"12345","country":"usa"}}""",
            ExpectedErrorType: "InvalidRequest"),
    };

    public static TheoryData<string> Services => [.. BootstrapArtifacts.Services];

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Bootstrap_OneInvocationOverTheRuntimeApi_AnswersWithoutCallingAws(string service)
    {
        var artifact = Published(service);
        var testCase = Cases[service];
        using var runtimeApi = new BootstrapRuntimeApi(testCase.Payload);
        using var process = StartBootstrap(artifact.BinaryPath!, testCase.Handler, runtimeApi);
        var output = new StringBuilder();
        process.OutputDataReceived += (_, line) => AppendLine(output, line.Data);
        process.ErrorDataReceived += (_, line) => AppendLine(output, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        BootstrapRuntimePost post;
        try
        {
            post = await runtimeApi.FirstPost.WaitAsync(InvocationTimeout, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{service}: no response within {InvocationTimeout.TotalSeconds} s (exited: {process.HasExited}). Output:\n{Snapshot(output)}");
            throw;
        }
        finally
        {
            Stop(process);
        }

        var initTime = runtimeApi.FirstNext.IsCompletedSuccessfully ? await runtimeApi.FirstNext : TimeSpan.Zero;
        TestContext.Current.TestOutputHelper?.WriteLine(string.Format(
            CultureInfo.InvariantCulture,
            "{0}: bootstrap {1:F1} MB ({2:N0} bytes), published in {3:F0} s, init (first next) {4:F0} ms, first response {5:F0} ms",
            service, artifact.SizeBytes / 1024.0 / 1024.0, artifact.SizeBytes, artifact.PublishTime.TotalSeconds,
            initTime.TotalMilliseconds, post.ArrivedAfter.TotalMilliseconds));

        if (testCase.ExpectedErrorType is null)
        {
            AssertOrdersMalformedIdAnswered400(post, Snapshot(output));
        }
        else
        {
            AssertLambdaError(post, testCase.ExpectedErrorType, Snapshot(output));
        }
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Bootstrap_DynamicSymbols_NeedNoGlibcNewerThanAmazonLinux2023(string service)
    {
        var artifact = Published(service);
        var objdump = BootstrapArtifacts.FindOnPath("objdump");
        if (objdump is null)
        {
            Assert.Skip("objdump not found (binutils): cannot list the bootstrap's GLIBC symbol versions");
        }

        var startInfo = new ProcessStartInfo(objdump) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        startInfo.ArgumentList.Add("-T");
        startInfo.ArgumentList.Add(artifact.BinaryPath!);
        using var process = Process.Start(startInfo)!;
        var errorsRead = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var symbols = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"objdump -T failed: {await errorsRead}");

        var versions = GlibcVersion().Matches(symbols).Select(match => Version.Parse(match.Groups[1].Value)).Distinct().Order().ToList();
        Assert.NotEmpty(versions);
        var newest = versions[^1];
        TestContext.Current.TestOutputHelper?.WriteLine($"{service}: newest GLIBC symbol version needed is {newest} (allowed: {MaxGlibc})");
        var tooNew = symbols.Split('\n')
            .Where(line => GlibcVersion().Matches(line).Any(match => Version.Parse(match.Groups[1].Value) > MaxGlibc))
            .Select(line => line.Trim())
            .ToList();
        Assert.True(tooNew.Count == 0, $"{service}'s bootstrap needs glibc newer than {MaxGlibc}:\n{string.Join('\n', tooNew)}");
    }

    private BootstrapArtifact Published(string service)
    {
        if (artifacts.UnavailableReason is { } reason)
        {
            Assert.Skip(reason);
        }

        var artifact = artifacts[service];
        Assert.True(artifact.BinaryPath is not null, artifact.PublishOutput);
        return artifact;
    }

    private static Process StartBootstrap(string binary, string handler, BootstrapRuntimeApi runtimeApi)
    {
        var startInfo = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(binary)!,
        };
        foreach (var inherited in startInfo.Environment.Keys.Where(name => name.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
        {
            startInfo.Environment.Remove(inherited);
        }

        var environment = new Dictionary<string, string>
        {
            ["AWS_LAMBDA_RUNTIME_API"] = runtimeApi.Address,
            ["_HANDLER"] = handler,
            ["AWS_REGION"] = "us-east-1",
            ["AWS_DEFAULT_REGION"] = "us-east-1",
            ["AWS_ACCESS_KEY_ID"] = "testing",
            ["AWS_SECRET_ACCESS_KEY"] = "testing",
            // Nothing may reach AWS: every endpoint is a closed loopback port, and no instance metadata lookups.
            ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9",
            ["AWS_EC2_METADATA_DISABLED"] = "true",
            ["ORDERS_TABLE"] = "orders-table",
            ["INVENTORY_TABLE"] = "inventory-table",
            ["PAYMENTS_TABLE"] = "payments-table",
            ["SHIPPING_TABLE"] = "shipping-table",
            ["STATE_MACHINE_ARN"] = "arn:aws:states:us-east-1:123456789012:stateMachine:order-saga",
            ["ALERTS_TOPIC_ARN"] = "arn:aws:sns:us-east-1:123456789012:alerts",
        };
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        runtimeApi.Restart();
        return Process.Start(startInfo) ?? throw new InvalidOperationException($"{binary} did not start.");
    }

    private static void AssertOrdersMalformedIdAnswered400(BootstrapRuntimePost post, string output)
    {
        Assert.True(
            post.Path == $"/runtime/invocation/{BootstrapRuntimeApi.RequestId}/response",
            $"Expected a response, got {post.Path} ({post.ErrorTypeHeader}): {post.Body}\n{output}");
        Assert.Null(post.ErrorTypeHeader);
        var response = JsonNode.Parse(post.Body)!.AsObject();
        Assert.Equal(400, (int)response["statusCode"]!);
        Assert.Equal("application/json", (string?)response["headers"]!["Content-Type"]);
        var body = JsonNode.Parse((string)response["body"]!)!;
        Assert.StartsWith("Invalid order id", (string?)body["message"], StringComparison.Ordinal);
    }

    private static void AssertLambdaError(BootstrapRuntimePost post, string errorType, string output)
    {
        Assert.True(
            post.Path == $"/runtime/invocation/{BootstrapRuntimeApi.RequestId}/error",
            $"Expected an invocation error, got {post.Path}: {post.Body}\n{output}");
        Assert.Equal(errorType, post.ErrorTypeHeader);
        var error = JsonNode.Parse(post.Body)!.AsObject();
        Assert.Equal(["errorType", "errorMessage", "stackTrace"], error.Select(property => property.Key));
        Assert.Equal(errorType, (string?)error["errorType"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)error["errorMessage"]));
        Assert.IsType<JsonArray>(error["stackTrace"]);
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }

    private static void AppendLine(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    [GeneratedRegex(@"GLIBC_(\d+\.\d+(?:\.\d+)?)")]
    private static partial Regex GlibcVersion();

    private sealed record BootstrapCase(string Handler, string Payload, string? ExpectedErrorType);
}
