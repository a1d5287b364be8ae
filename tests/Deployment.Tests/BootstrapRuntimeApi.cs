using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Deployment.Tests;

/// <summary>What the function posted back to the Runtime API: path, Lambda-Runtime-Function-Error-Type and body.</summary>
internal sealed record BootstrapRuntimePost(string Path, string? ErrorTypeHeader, string Body, TimeSpan ArrivedAfter);

/// <summary>
/// A Lambda Runtime API (2018-06-01) on 127.0.0.1 that hands out one invocation, records the function's first post
/// (response, invocation error or init error) and holds every later next-invocation long poll open, as Lambda does
/// while no event is waiting.
/// </summary>
internal sealed class BootstrapRuntimeApi : IDisposable
{
    public const string RequestId = "8476a536-e9f4-11e8-9739-2dfe598c3fcd";

    private readonly HttpListener _listener = new();
    private readonly string _payload;
    private readonly Stopwatch _sinceStart = Stopwatch.StartNew();
    private readonly TaskCompletionSource<BootstrapRuntimePost> _firstPost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<TimeSpan> _firstNext = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;
    private int _handedOut;

    public BootstrapRuntimeApi(string payload)
    {
        _payload = payload;
        Address = $"127.0.0.1:{FreeLoopbackPort()}";
        _listener.Prefixes.Add($"http://{Address}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>The AWS_LAMBDA_RUNTIME_API value (host:port).</summary>
    public string Address { get; }

    /// <summary>The first response or error the function posted; times are measured from <see cref="Restart"/>.</summary>
    public Task<BootstrapRuntimePost> FirstPost => _firstPost.Task;

    /// <summary>When the function first asked for an invocation: its init is done.</summary>
    public Task<TimeSpan> FirstNext => _firstNext.Task;

    /// <summary>Restarts the clock the arrival times are measured on (call right before starting the process).</summary>
    public void Restart() => _sinceStart.Restart();

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Closing the listener ends the pending GetContextAsync with an exception.
        }
    }

    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var path = request.Url!.AbsolutePath;
        try
        {
            if (request.HttpMethod == "GET" && path == "/2018-06-01/runtime/invocation/next")
            {
                _firstNext.TrySetResult(_sinceStart.Elapsed);
                if (Interlocked.Exchange(ref _handedOut, 1) == 1)
                {
                    // No second event: leave the long poll open until the test ends and kills the process.
                    return;
                }

                var response = context.Response;
                response.Headers["Lambda-Runtime-Aws-Request-Id"] = RequestId;
                response.Headers["Lambda-Runtime-Deadline-Ms"] =
                    DateTimeOffset.UtcNow.AddSeconds(30).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
                response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:us-east-1:123456789012:function:bootstrap-test";
                response.Headers["Lambda-Runtime-Trace-Id"] = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1";
                response.ContentType = "application/json";
                var bytes = Encoding.UTF8.GetBytes(_payload);
                await response.OutputStream.WriteAsync(bytes);
                response.Close();
                return;
            }

            if (request.HttpMethod == "POST" && path.StartsWith("/2018-06-01/runtime/", StringComparison.Ordinal))
            {
                using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
                var body = await reader.ReadToEndAsync();
                var post = new BootstrapRuntimePost(
                    path["/2018-06-01".Length..], request.Headers["Lambda-Runtime-Function-Error-Type"], body, _sinceStart.Elapsed);
                context.Response.StatusCode = 202;
                context.Response.Close();
                _firstPost.TrySetResult(post);
                return;
            }

            context.Response.StatusCode = 404;
            context.Response.Close();
        }
        catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or IOException)
        {
            // The process was killed or the listener closed mid-request.
        }
    }
}
