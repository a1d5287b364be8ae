using System.Text.Json;

namespace ECommerce.Runtime.Tests;

public sealed class LambdaRuntimeTests
{
    private static readonly DateTimeOffset FarDeadline = DateTimeOffset.UtcNow.AddMinutes(5);

    [Fact]
    public async Task RunAsync_HandlerSucceeds_PostsItsResponseForTheRequestId()
    {
        var registry = new LambdaHandlerRegistry().Register("Echo", (payload, _, _) => Task.FromResult($$"""{"echo":{{payload}}}"""));
        using var api = new FakeRuntimeApi(
            new QueuedInvocation("req-1", """{"n":1}""", FarDeadline),
            new QueuedInvocation("req-2", """{"n":2}""", FarDeadline));

        var (posts, exitCode) = await RunUntilPostsAsync(registry, "Echo", api, expectedPosts: 2);

        Assert.Equal(0, exitCode);
        Assert.Equal(
            [
                new RuntimePost("/2018-06-01/runtime/invocation/req-1/response", null, """{"echo":{"n":1}}"""),
                new RuntimePost("/2018-06-01/runtime/invocation/req-2/response", null, """{"echo":{"n":2}}"""),
            ],
            posts);
    }

    [Fact]
    public async Task RunAsync_HandlerReceivesTheContextFromTheNextInvocationHeaders()
    {
        LambdaContext? seen = null;
        string? traceVariable = null;
        var registry = new LambdaHandlerRegistry().Register("Capture", (_, context, _) =>
        {
            seen = context;
            traceVariable = Environment.GetEnvironmentVariable(LambdaRuntime.TraceIdEnvironmentVariable);
            return Task.FromResult("{}");
        });
        var deadline = DateTimeOffset.FromUnixTimeMilliseconds(FarDeadline.ToUnixTimeMilliseconds());
        const string traceId = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
        using var api = new FakeRuntimeApi(new QueuedInvocation("req-ctx", "{}", deadline, traceId));

        await RunUntilPostsAsync(registry, "Capture", api, expectedPosts: 1);

        Assert.NotNull(seen);
        Assert.Equal("req-ctx", seen.AwsRequestId);
        Assert.Equal(deadline, seen.Deadline);
        Assert.Equal("arn:aws:lambda:us-east-1:123456789012:function:orders", seen.InvokedFunctionArn);
        Assert.Equal(traceId, seen.TraceId);
        Assert.Equal(traceId, traceVariable);
    }

    [Fact]
    public async Task RunAsync_BusinessError_PostsLambdaErrorShapeWithItsErrorTypeHeader()
    {
        var registry = new LambdaHandlerRegistry().Register(
            "Reserve",
            (_, _, _) => throw new FunctionErrorException("InsufficientStock", "SKU 'SKU-OUT' has 0 in stock, 1 requested."));
        using var api = new FakeRuntimeApi(new QueuedInvocation("req-err", "{}", FarDeadline));

        var (posts, _) = await RunUntilPostsAsync(registry, "Reserve", api, expectedPosts: 1);

        var post = Assert.Single(posts);
        Assert.Equal("/2018-06-01/runtime/invocation/req-err/error", post.Path);
        Assert.Equal("InsufficientStock", post.ErrorTypeHeader);
        using var document = JsonDocument.Parse(post.Body);
        var root = document.RootElement;
        Assert.Equal("InsufficientStock", root.GetProperty("errorType").GetString());
        Assert.Equal("SKU 'SKU-OUT' has 0 in stock, 1 requested.", root.GetProperty("errorMessage").GetString());
        Assert.Equal(JsonValueKind.Array, root.GetProperty("stackTrace").ValueKind);
        Assert.Equal(["errorMessage", "errorType", "stackTrace"], root.EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public async Task RunAsync_UnexpectedException_SurfacesAsItsDotNetTypeName()
    {
        var registry = new LambdaHandlerRegistry().Register("Broken", (_, _, _) => throw new InvalidOperationException("boom"));
        using var api = new FakeRuntimeApi(new QueuedInvocation("req-bug", "{}", FarDeadline));

        var (posts, _) = await RunUntilPostsAsync(registry, "Broken", api, expectedPosts: 1);

        var post = Assert.Single(posts);
        Assert.Equal("/2018-06-01/runtime/invocation/req-bug/error", post.Path);
        Assert.Equal("InvalidOperationException", post.ErrorTypeHeader);
        var error = JsonSerializer.Deserialize(post.Body, RuntimeJsonContext.Default.LambdaError)!;
        Assert.Equal("InvalidOperationException", error.ErrorType);
        Assert.Equal("boom", error.ErrorMessage);
        Assert.Contains(error.StackTrace, line => line.Contains(nameof(LambdaRuntimeTests), StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_HandlerRunsPastTheDeadline_IsCancelledAndReportedAsTimedOut()
    {
        var registry = new LambdaHandlerRegistry().Register("Slow", async (_, _, cancellationToken) =>
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return "{}";
        });
        using var api = new FakeRuntimeApi(new QueuedInvocation("req-slow", "{}", DateTimeOffset.UtcNow.AddMilliseconds(300)));

        var (posts, exitCode) = await RunUntilPostsAsync(registry, "Slow", api, expectedPosts: 1);

        var post = Assert.Single(posts);
        Assert.Equal("/2018-06-01/runtime/invocation/req-slow/error", post.Path);
        Assert.Equal(LambdaRuntime.TimeoutErrorType, post.ErrorTypeHeader);
        var error = JsonSerializer.Deserialize(post.Body, RuntimeJsonContext.Default.LambdaError)!;
        Assert.StartsWith("Task timed out after", error.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(0, exitCode);
    }

    [Fact]
    public async Task RunAsync_ErrorInOneInvocation_KeepsServingTheNext()
    {
        var registry = new LambdaHandlerRegistry().Register("Picky", (payload, _, _) =>
            payload == "\"bad\"" ? throw new FunctionErrorException("Rejected", "no") : Task.FromResult(payload));
        using var api = new FakeRuntimeApi(
            new QueuedInvocation("a", "\"bad\"", FarDeadline),
            new QueuedInvocation("b", "\"good\"", FarDeadline));

        var (posts, _) = await RunUntilPostsAsync(registry, "Picky", api, expectedPosts: 2);

        Assert.Equal(["/2018-06-01/runtime/invocation/a/error", "/2018-06-01/runtime/invocation/b/response"], posts.Select(p => p.Path));
    }

    [Theory]
    [InlineData("NoSuchHandler")]
    [InlineData(null)]
    public async Task RunAsync_UnknownHandler_PostsInitErrorAndExitsWithOne(string? handlerName)
    {
        var registry = new LambdaHandlerRegistry().Register("Known", (_, _, _) => Task.FromResult("{}"));
        using var api = new FakeRuntimeApi();

        var (posts, exitCode) = await RunUntilPostsAsync(registry, handlerName, api, expectedPosts: 1);

        Assert.Equal(1, exitCode);
        var post = Assert.Single(posts);
        Assert.Equal("/2018-06-01/runtime/init/error", post.Path);
        Assert.Equal(LambdaHandlerRegistry.HandlerNotFoundErrorType, post.ErrorTypeHeader);
        var error = JsonSerializer.Deserialize(post.Body, RuntimeJsonContext.Default.LambdaError)!;
        Assert.Equal(LambdaHandlerRegistry.HandlerNotFoundErrorType, error.ErrorType);
        Assert.Contains("Known", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_RuntimeApiUnreachable_ExitsWithTwo()
    {
        var registry = new LambdaHandlerRegistry().Register("Known", (_, _, _) => Task.FromResult("{}"));
        var options = new LambdaRuntimeOptions { RuntimeApi = $"127.0.0.1:{TestSupport.FreeTcpPort.Next()}", HandlerName = "Known", Log = TextWriter.Null };

        var exitCode = await LambdaRuntime.RunAsync(registry, options, TestContext.Current.CancellationToken);

        Assert.Equal(2, exitCode);
    }

    private static async Task<(IReadOnlyList<RuntimePost> Posts, int ExitCode)> RunUntilPostsAsync(
        LambdaHandlerRegistry registry,
        string? handlerName,
        FakeRuntimeApi api,
        int expectedPosts)
    {
        using var shutdown = new CancellationTokenSource();
        var options = new LambdaRuntimeOptions { RuntimeApi = api.Address, HandlerName = handlerName, Log = TextWriter.Null };
        var run = LambdaRuntime.RunAsync(registry, options, shutdown.Token);
        var posts = await api.WaitForPostsAsync(expectedPosts);
        await shutdown.CancelAsync();
        var exitCode = await run.WaitAsync(TimeSpan.FromSeconds(10));
        return (posts, exitCode);
    }
}
