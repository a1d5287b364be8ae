using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using ECommerce.TestSupport;

namespace ECommerce.Runtime.Tests;

/// <summary>An event queued for the runtime under test.</summary>
internal sealed record QueuedInvocation(string RequestId, string Payload, DateTimeOffset Deadline, string? TraceId = null)
{
    public string FunctionArn => "arn:aws:lambda:us-east-1:123456789012:function:orders";
}

/// <summary>What the runtime posted back.</summary>
internal sealed record RuntimePost(string Path, string? ErrorTypeHeader, string Body);

/// <summary>A Lambda Runtime API on 127.0.0.1 that hands out queued events and records every post.</summary>
internal sealed class FakeRuntimeApi : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<QueuedInvocation> _pending = new();
    private readonly ConcurrentQueue<RuntimePost> _posts = new();
    private readonly SemaphoreSlim _postArrived = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FakeRuntimeApi(params QueuedInvocation[] invocations)
    {
        foreach (var invocation in invocations)
        {
            _pending.Enqueue(invocation);
        }

        var port = FreeTcpPort.Next();
        Address = $"127.0.0.1:{port}";
        _listener.Prefixes.Add($"http://{Address}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>The AWS_LAMBDA_RUNTIME_API value.</summary>
    public string Address { get; }

    public async Task<IReadOnlyList<RuntimePost>> WaitForPostsAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        for (var received = 0; received < count; received++)
        {
            await _postArrived.WaitAsync(timeout.Token);
        }

        return [.. _posts];
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The listener was closed under a pending GetContextAsync.
        }

        _stop.Dispose();
        _postArrived.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath;
        var response = context.Response;
        try
        {
            if (context.Request.HttpMethod == "GET" && path == "/2018-06-01/runtime/invocation/next")
            {
                // Long poll: answer when an event is queued; with none left, hold until the test ends.
                QueuedInvocation? next;
                while (!_pending.TryDequeue(out next))
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }

                response.Headers["Lambda-Runtime-Aws-Request-Id"] = next.RequestId;
                response.Headers["Lambda-Runtime-Deadline-Ms"] = next.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
                response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = next.FunctionArn;
                if (next.TraceId is not null)
                {
                    response.Headers["Lambda-Runtime-Trace-Id"] = next.TraceId;
                }

                await WriteAsync(response, HttpStatusCode.OK, next.Payload);
                return;
            }

            if (context.Request.HttpMethod == "POST")
            {
                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var body = await reader.ReadToEndAsync();
                var errorType = context.Request.Headers["Lambda-Runtime-Function-Error-Type"];
                // Answer before recording, so a test that stops the runtime on the record never cuts this response.
                await WriteAsync(response, HttpStatusCode.Accepted, """{"status":"OK"}""");
                _posts.Enqueue(new RuntimePost(path, errorType, body));
                _postArrived.Release();
                return;
            }

            await WriteAsync(response, HttpStatusCode.NotFound, "{}");
        }
        catch (Exception exception) when (exception is OperationCanceledException or HttpListenerException or ObjectDisposedException)
        {
            // The test is over.
        }
    }

    private static async Task WriteAsync(HttpListenerResponse response, HttpStatusCode status, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = (int)status;
        response.ContentType = "application/json";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }
}
