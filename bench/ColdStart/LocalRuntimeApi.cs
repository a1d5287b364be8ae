using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace ECommerce.Bench.ColdStart;

/// <summary>What the function posted back for one invocation, with Stopwatch timestamps taken by the server.</summary>
internal sealed record InvocationOutcome(
    string RequestId,
    bool IsError,
    string Body,
    long NextServedTimestamp,
    long ArrivedTimestamp,
    ProcessSample Process)
{
    /// <summary>From handing the event out on /next to receiving its /response or /error.</summary>
    public TimeSpan InvokeDuration => Stopwatch.GetElapsedTime(NextServedTimestamp, ArrivedTimestamp);
}

/// <summary>
/// A Lambda Runtime API (2018-06-01) on 127.0.0.1 for one function process: hands out queued events on
/// <c>/runtime/invocation/next</c>, completes each event's outcome when <c>/response</c> or <c>/error</c> arrives, and
/// samples the function's peak RSS at that moment, before answering, so the sample is the high-water mark at the
/// response. The sample (peak RSS, CPU time so far) is taken before the answer is acknowledged.
/// </summary>
internal sealed class LocalRuntimeApi : IAsyncDisposable
{
    private const string Prefix = "/2018-06-01/runtime/";

    private readonly HttpListener _listener = new();
    private readonly Channel<QueuedEvent> _events = Channel.CreateUnbounded<QueuedEvent>();
    private readonly ConcurrentDictionary<string, QueuedEvent> _handedOut = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<long> _firstNext = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _serving;

    public LocalRuntimeApi()
    {
        // HttpListener cannot bind port 0, so take a free port from the OS and bind it at once.
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            try
            {
                _listener.Prefixes.Clear();
                _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
                _listener.Start();
                Address = $"127.0.0.1:{port}";
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // Someone took the port between the probe and the bind: try another.
            }
        }

        _serving = Task.Run(ServeAsync);
    }

    /// <summary>The AWS_LAMBDA_RUNTIME_API value (host:port).</summary>
    public string Address { get; private set; } = string.Empty;

    /// <summary>Called when a /response or /error arrives, before it is answered: samples the function process.</summary>
    public Func<ProcessSample> SampleProcess { get; set; } = () => ProcessSample.None;

    /// <summary>Completes with the Stopwatch timestamp of the first GET /next (the function finished its init).</summary>
    public Task<long> FirstNext => _firstNext.Task;

    /// <summary>Completes with the body of a POST /runtime/init/error.</summary>
    public Task<string> InitError => _initError.Task;

    /// <summary>Queues one event; the task completes when the function answers it.</summary>
    public Task<InvocationOutcome> Enqueue(string requestId, string payload)
    {
        var queued = new QueuedEvent(requestId, payload);
        if (!_events.Writer.TryWrite(queued))
        {
            throw new InvalidOperationException("The Runtime API is stopped.");
        }

        return queued.Outcome.Task;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _events.Writer.TryComplete();
        _listener.Close();
        try
        {
            await _serving.ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
        {
            // Closing the listener ends a pending GetContextAsync this way.
        }

        _stop.Dispose();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
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
        var path = request.Url?.AbsolutePath ?? string.Empty;
        try
        {
            if (request.HttpMethod == "GET" && path == Prefix + "invocation/next")
            {
                await ServeNextAsync(context.Response).ConfigureAwait(false);
                return;
            }

            if (request.HttpMethod == "POST" && path.StartsWith(Prefix, StringComparison.Ordinal))
            {
                var arrived = Stopwatch.GetTimestamp();
                string body;
                using (var reader = new StreamReader(request.InputStream, Encoding.UTF8))
                {
                    body = await reader.ReadToEndAsync().ConfigureAwait(false);
                }

                if (RuntimeApiPath.TryParseInvocationPost(path, out var requestId, out var isError)
                    && _handedOut.TryRemove(requestId, out var handedOut))
                {
                    var sample = SampleProcess();
                    await RespondAsync(context.Response, HttpStatusCode.Accepted, """{"status":"OK"}""").ConfigureAwait(false);
                    handedOut.Outcome.TrySetResult(new InvocationOutcome(requestId, isError, body, handedOut.ServedAt, arrived, sample));
                    return;
                }

                if (path == Prefix + "init/error")
                {
                    await RespondAsync(context.Response, HttpStatusCode.Accepted, """{"status":"OK"}""").ConfigureAwait(false);
                    _initError.TrySetResult(body);
                    return;
                }
            }

            await RespondAsync(context.Response, HttpStatusCode.NotFound, """{"errorType":"NotFound"}""").ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or ChannelClosedException
            or HttpListenerException or ObjectDisposedException or IOException)
        {
            // Shutting down, or the function process went away mid-request.
            context.Response.Abort();
        }
    }

    private async Task ServeNextAsync(HttpListenerResponse response)
    {
        _firstNext.TrySetResult(Stopwatch.GetTimestamp());
        var next = await _events.Reader.ReadAsync(_stop.Token).ConfigureAwait(false);
        next.ServedAt = Stopwatch.GetTimestamp();
        _handedOut[next.RequestId] = next;
        response.Headers["Lambda-Runtime-Aws-Request-Id"] = next.RequestId;
        response.Headers["Lambda-Runtime-Deadline-Ms"] = DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds()
            .ToString(CultureInfo.InvariantCulture);
        response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:us-east-1:123456789012:function:cold-start-bench";
        response.Headers["Lambda-Runtime-Trace-Id"] = "Root=1-00000000-000000000000000000000000;Sampled=0";
        await RespondAsync(response, HttpStatusCode.OK, next.Payload).ConfigureAwait(false);
    }

    private static async Task RespondAsync(HttpListenerResponse response, HttpStatusCode status, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        response.StatusCode = (int)status;
        response.ContentType = "application/json";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
        response.Close();
    }

    private sealed class QueuedEvent(string requestId, string payload)
    {
        public string RequestId { get; } = requestId;

        public string Payload { get; } = payload;

        public long ServedAt { get; set; }

        public TaskCompletionSource<InvocationOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>Parses the Runtime API's invocation post paths.</summary>
internal static class RuntimeApiPath
{
    /// <summary>Recognises <c>/2018-06-01/runtime/invocation/{id}/response</c> and <c>.../error</c>.</summary>
    public static bool TryParseInvocationPost(string path, out string requestId, out bool isError)
    {
        requestId = string.Empty;
        isError = false;
        const string prefix = "/2018-06-01/runtime/invocation/";
        if (!path.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = path[prefix.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return false;
        }

        var kind = rest[(slash + 1)..];
        if (kind is not ("response" or "error"))
        {
            return false;
        }

        requestId = Uri.UnescapeDataString(rest[..slash]);
        isError = kind == "error";
        return true;
    }
}
