using System.Text;
using ECommerce.Bench.ColdStart;

namespace ECommerce.Bench.ColdStart.Tests;

public sealed class LocalRuntimeApiTests
{
    [Fact]
    public async Task Enqueue_FunctionFetchesNextAndPostsResponse_CompletesWithTheBodyAndSample()
    {
        await using var api = new LocalRuntimeApi { SampleProcess = () => new ProcessSample(1234, 56) };
        using var http = new HttpClient { BaseAddress = new Uri($"http://{api.Address}/2018-06-01/runtime/") };
        var outcome = api.Enqueue("req-1", """{"orderId":"o-1"}""");

        using var next = await http.GetAsync(new Uri("invocation/next", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal("req-1", next.Headers.GetValues("Lambda-Runtime-Aws-Request-Id").Single());
        Assert.True(next.Headers.Contains("Lambda-Runtime-Deadline-Ms"));
        Assert.Equal("""{"orderId":"o-1"}""", await next.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.False(outcome.IsCompleted);

        using var body = new StringContent("""{"ok":true}""", Encoding.UTF8, "application/json");
        using var posted = await http.PostAsync(new Uri("invocation/req-1/response", UriKind.Relative), body, TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.Accepted, posted.StatusCode);
        var result = await outcome.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal("req-1", result.RequestId);
        Assert.False(result.IsError);
        Assert.Equal("""{"ok":true}""", result.Body);
        Assert.Equal(new ProcessSample(1234, 56), result.Process);
        Assert.True(result.ArrivedTimestamp >= result.NextServedTimestamp);
        Assert.True(api.FirstNext.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Enqueue_FunctionPostsError_CompletesAsError()
    {
        await using var api = new LocalRuntimeApi();
        using var http = new HttpClient { BaseAddress = new Uri($"http://{api.Address}/2018-06-01/runtime/") };
        var outcome = api.Enqueue("req-2", "{}");

        using var next = await http.GetAsync(new Uri("invocation/next", UriKind.Relative), TestContext.Current.CancellationToken);
        using var body = new StringContent("""{"errorType":"InvalidRequest","errorMessage":"bad"}""");
        using var posted = await http.PostAsync(new Uri("invocation/req-2/error", UriKind.Relative), body, TestContext.Current.CancellationToken);

        var result = await outcome.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.True(result.IsError);
        Assert.Contains("InvalidRequest", result.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InitError_FunctionPostsInitError_Completes()
    {
        await using var api = new LocalRuntimeApi();
        using var http = new HttpClient { BaseAddress = new Uri($"http://{api.Address}/2018-06-01/runtime/") };

        using var body = new StringContent("""{"errorType":"Runtime.HandlerNotFound"}""");
        using var posted = await http.PostAsync(new Uri("init/error", UriKind.Relative), body, TestContext.Current.CancellationToken);

        Assert.Contains("HandlerNotFound", await api.InitError.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_UnknownRequestId_IsNotFound()
    {
        await using var api = new LocalRuntimeApi();
        using var http = new HttpClient { BaseAddress = new Uri($"http://{api.Address}/2018-06-01/runtime/") };

        using var body = new StringContent("{}");
        using var posted = await http.PostAsync(new Uri("invocation/nobody/response", UriKind.Relative), body, TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.NotFound, posted.StatusCode);
    }

    [Theory]
    [InlineData("/2018-06-01/runtime/invocation/abc/response", true, "abc", false)]
    [InlineData("/2018-06-01/runtime/invocation/a%2Fb/error", true, "a/b", true)]
    [InlineData("/2018-06-01/runtime/invocation/next", false, "", false)]
    [InlineData("/2018-06-01/runtime/init/error", false, "", false)]
    public void TryParseInvocationPost_Paths(string path, bool parsed, string requestId, bool isError)
    {
        Assert.Equal(parsed, RuntimeApiPath.TryParseInvocationPost(path, out var id, out var error));
        Assert.Equal(requestId, id);
        Assert.Equal(isError, error);
    }
}
