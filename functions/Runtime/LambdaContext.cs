namespace ECommerce.Runtime;

/// <summary>What Lambda tells a handler about the current invocation (the Runtime API's next-invocation headers).</summary>
/// <param name="AwsRequestId">Lambda-Runtime-Aws-Request-Id.</param>
/// <param name="InvokedFunctionArn">Lambda-Runtime-Invoked-Function-Arn.</param>
/// <param name="Deadline">Lambda-Runtime-Deadline-Ms as an instant.</param>
/// <param name="TraceId">Lambda-Runtime-Trace-Id (X-Ray), when present.</param>
public sealed record LambdaContext(string AwsRequestId, string InvokedFunctionArn, DateTimeOffset Deadline, string? TraceId = null)
{
    /// <summary>Time left before the deadline according to <paramref name="clock"/> (never negative).</summary>
    public TimeSpan RemainingTime(TimeProvider clock)
    {
        var remaining = Deadline - clock.GetUtcNow();
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    /// <summary>A context for an in-process invocation (local host, tests) with a fresh request id.</summary>
    public static LambdaContext ForLocalInvocation(string functionName, TimeSpan timeout, TimeProvider? clock = null) =>
        new(
            Guid.NewGuid().ToString(),
            $"arn:aws:lambda:us-east-1:000000000000:function:{functionName}",
            (clock ?? TimeProvider.System).GetUtcNow() + timeout);
}
