using System.Globalization;

namespace ECommerce.Runtime;

/// <summary>Settings of the runtime loop; <see cref="FromEnvironment"/> reads what Lambda sets.</summary>
public sealed record LambdaRuntimeOptions
{
    /// <summary>AWS_LAMBDA_RUNTIME_API (host:port).</summary>
    public required string RuntimeApi { get; init; }

    /// <summary>_HANDLER: which registered handler this process serves.</summary>
    public required string? HandlerName { get; init; }

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Optional HTTP transport for the Runtime API (tests).</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>Where the loop writes its own diagnostics (Lambda sends stderr to CloudWatch Logs).</summary>
    public TextWriter Log { get; init; } = Console.Error;

    public static LambdaRuntimeOptions FromEnvironment() => new()
    {
        RuntimeApi = Environment.GetEnvironmentVariable("AWS_LAMBDA_RUNTIME_API")
            ?? throw new InvalidOperationException("AWS_LAMBDA_RUNTIME_API is not set: this executable runs under the Lambda Runtime API."),
        HandlerName = Environment.GetEnvironmentVariable("_HANDLER"),
    };
}

/// <summary>The custom-runtime loop: fetch the next event, run the handler chosen by _HANDLER, report the outcome.</summary>
public static class LambdaRuntime
{
    /// <summary>The errorType Lambda reports when an invocation runs past its deadline.</summary>
    public const string TimeoutErrorType = "Sandbox.Timedout";

    public const string TraceIdEnvironmentVariable = "_X_AMZN_TRACE_ID";

    /// <summary>Runs until cancelled, with settings from the environment. Returns the process exit code.</summary>
    public static Task<int> RunAsync(LambdaHandlerRegistry registry, CancellationToken cancellationToken = default) =>
        RunAsync(registry, LambdaRuntimeOptions.FromEnvironment(), cancellationToken);

    /// <summary>
    /// Runs until <paramref name="cancellationToken"/> is cancelled (exit code 0). An unknown handler is reported as an
    /// init error (exit code 1); losing the Runtime API ends the loop with exit code 2, and Lambda restarts the process.
    /// </summary>
    public static async Task<int> RunAsync(LambdaHandlerRegistry registry, LambdaRuntimeOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(options);
        using var client = new RuntimeApiClient(options.RuntimeApi, options.HttpHandler);

        if (string.IsNullOrWhiteSpace(options.HandlerName) || !registry.Contains(options.HandlerName))
        {
            var error = new LambdaError(LambdaHandlerRegistry.HandlerNotFoundErrorType, registry.DescribeUnknownHandler(options.HandlerName), []);
            await options.Log.WriteLineAsync($"Init error: {error.ErrorMessage}").ConfigureAwait(false);
            try
            {
                await client.PostInitErrorAsync(error, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is HttpRequestException
                || (exception is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                await options.Log.WriteLineAsync($"Could not report the init error: {exception.Message}").ConfigureAwait(false);
            }

            return 1;
        }

        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var invocation = await client.GetNextInvocationAsync(cancellationToken).ConfigureAwait(false);
                await InvokeAndReportAsync(registry, options, client, invocation, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        catch (HttpRequestException exception)
        {
            await options.Log.WriteLineAsync($"Runtime API unavailable: {exception.Message}").ConfigureAwait(false);
            return 2;
        }

        return 0;
    }

    private static async Task InvokeAndReportAsync(
        LambdaHandlerRegistry registry,
        LambdaRuntimeOptions options,
        RuntimeApiClient client,
        RuntimeInvocation invocation,
        CancellationToken shutdown)
    {
        var context = invocation.Context;
        Environment.SetEnvironmentVariable(TraceIdEnvironmentVariable, context.TraceId);

        var timeout = context.RemainingTime(options.Clock);
        using var deadline = new CancellationTokenSource(timeout, options.Clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, shutdown);
        string response;
        try
        {
            response = await registry.InvokeAsync(options.HandlerName!, invocation.PayloadJson, context, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !shutdown.IsCancellationRequested)
        {
            var message = string.Format(CultureInfo.InvariantCulture, "Task timed out after {0:F2} seconds", timeout.TotalSeconds);
            await client.PostInvocationErrorAsync(context.AwsRequestId, new LambdaError(TimeoutErrorType, message, []), shutdown)
                .ConfigureAwait(false);
            return;
        }
        catch (Exception exception) when (!shutdown.IsCancellationRequested)
        {
            var error = LambdaError.FromException(exception);
            await options.Log.WriteLineAsync($"{context.AwsRequestId} {error.ErrorType}: {error.ErrorMessage}").ConfigureAwait(false);
            await client.PostInvocationErrorAsync(context.AwsRequestId, error, shutdown).ConfigureAwait(false);
            return;
        }

        await client.PostResponseAsync(context.AwsRequestId, response, shutdown).ConfigureAwait(false);
    }
}
