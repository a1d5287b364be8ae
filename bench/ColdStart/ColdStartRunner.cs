using System.Diagnostics;

namespace ECommerce.Bench.ColdStart;

/// <summary>One process start of one artefact: the cold first invocation, then warm ones on the same process.</summary>
/// <param name="InitMs">Process start → its first GET /next (init done).</param>
/// <param name="FirstResponseMs">Process start → the POST that answers the event handed out on that first /next.</param>
/// <param name="PeakRssKb">VmHWM when that answer arrived.</param>
/// <param name="CpuMsToFirstResponse">CPU time the function had used by then: unlike wall time, barely moved by a busy machine.</param>
/// <param name="WarmMedianMs">Median of /next served → answer received over the warm invocations that followed.</param>
internal sealed record ColdStartRun(
    string Service,
    string Scenario,
    Build Build,
    int Round,
    double InitMs,
    double FirstResponseMs,
    long? PeakRssKb,
    double? CpuMsToFirstResponse,
    double WarmMedianMs,
    int WarmInvocations,
    string FirstAnswer);

/// <summary>Environment every function process gets: the Runtime API, the handler, a region, dummy credentials and its table.</summary>
internal sealed record FunctionEnvironment(Uri? DynamoDbEndpoint, string DotnetRoot)
{
    /// <summary>An endpoint nothing listens on: a scenario that should not call AWS fails fast if it does.</summary>
    private const string NoAwsEndpoint = "http://127.0.0.1:9";

    public IReadOnlyDictionary<string, string> For(ColdStartScenario scenario, string runtimeApi) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["AWS_LAMBDA_RUNTIME_API"] = runtimeApi,
        ["_HANDLER"] = scenario.Handler,
        ["AWS_REGION"] = "us-east-1",
        ["AWS_DEFAULT_REGION"] = "us-east-1",
        ["AWS_ACCESS_KEY_ID"] = "testing",
        ["AWS_SECRET_ACCESS_KEY"] = "testing",
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["AWS_ENDPOINT_URL"] = scenario.CallsDynamoDb && DynamoDbEndpoint is not null ? DynamoDbEndpoint.ToString().TrimEnd('/') : NoAwsEndpoint,
        [ColdStartScenario.TableVariables[scenario.Service]] = TableName(scenario.Service),
        ["DOTNET_ROOT"] = DotnetRoot,
    };

    public static string TableName(string service) => $"cold-start-{service.ToLowerInvariant()}";
}

/// <summary>Starts a function under a fresh <see cref="LocalRuntimeApi"/> and times it.</summary>
internal static class ColdStartRunner
{
    private static readonly TimeSpan FirstAnswerTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan WarmAnswerTimeout = TimeSpan.FromSeconds(30);

    public static async Task<ColdStartRun> RunOnceAsync(
        FunctionArtifact artifact,
        ColdStartScenario scenario,
        FunctionEnvironment environment,
        int warmInvocations,
        int round,
        CancellationToken cancellationToken)
    {
        await using var runtimeApi = new LocalRuntimeApi();
        var firstAnswer = runtimeApi.Enqueue(RequestId(0), scenario.Payload(OrderId()));

        var startInfo = new ProcessStartInfo(artifact.Executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(artifact.Executable)!,
        };
        foreach (var inherited in startInfo.Environment.Keys.Where(IsAwsOrLambdaVariable).ToList())
        {
            startInfo.Environment.Remove(inherited);
        }

        foreach (var (name, value) in environment.For(scenario, runtimeApi.Address))
        {
            startInfo.Environment[name] = value;
        }

        var output = new BoundedLog(40);
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{artifact.Executable} did not start.");
        var pid = process.Id;
        runtimeApi.SampleProcess = () => ProcStatus.Sample(pid);
        process.OutputDataReceived += (_, line) => output.Add(line.Data);
        process.ErrorDataReceived += (_, line) => output.Add(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var first = await AwaitAnswerAsync(firstAnswer, process, runtimeApi, FirstAnswerTimeout, output, cancellationToken).ConfigureAwait(false);
            var firstNext = await runtimeApi.FirstNext.ConfigureAwait(false);
            if (first.IsError)
            {
                throw new InvalidOperationException($"{artifact.Service} {artifact.Build}: the first invocation failed: {first.Body}\n{output}");
            }

            var warm = new List<double>(warmInvocations);
            for (var index = 1; index <= warmInvocations; index++)
            {
                var answer = runtimeApi.Enqueue(RequestId(index), scenario.Payload(OrderId()));
                var outcome = await AwaitAnswerAsync(answer, process, runtimeApi, WarmAnswerTimeout, output, cancellationToken).ConfigureAwait(false);
                warm.Add(outcome.InvokeDuration.TotalMilliseconds);
            }

            return new ColdStartRun(
                artifact.Service,
                scenario.Name,
                artifact.Build,
                round,
                Stopwatch.GetElapsedTime(started, firstNext).TotalMilliseconds,
                Stopwatch.GetElapsedTime(started, first.ArrivedTimestamp).TotalMilliseconds,
                first.Process.PeakRssKb,
                first.Process.CpuMs,
                warm.Count == 0 ? double.NaN : Statistics.Median(warm),
                warm.Count,
                first.Body.Length > 200 ? first.Body[..200] : first.Body);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Drives a few invocations through a <see cref="LocalRuntimeApi"/> from this process, so the benchmark's own server
    /// code is compiled and its sockets warm before the first timed start.
    /// </summary>
    public static async Task WarmUpRuntimeApiAsync(CancellationToken cancellationToken)
    {
        await using var runtimeApi = new LocalRuntimeApi();
        using var http = new HttpClient { BaseAddress = new Uri($"http://{runtimeApi.Address}/2018-06-01/runtime/") };
        for (var index = 0; index < 3; index++)
        {
            var outcome = runtimeApi.Enqueue(RequestId(index), """{"warmUp":true}""");
            using var next = await http.GetAsync(new Uri("invocation/next", UriKind.Relative), cancellationToken).ConfigureAwait(false);
            var requestId = next.Headers.GetValues("Lambda-Runtime-Aws-Request-Id").Single();
            using var content = new StringContent("{}");
            using var posted = await http.PostAsync(new Uri($"invocation/{requestId}/response", UriKind.Relative), content, cancellationToken)
                .ConfigureAwait(false);
            posted.EnsureSuccessStatusCode();
            await outcome.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<InvocationOutcome> AwaitAnswerAsync(
        Task<InvocationOutcome> answer,
        Process process,
        LocalRuntimeApi runtimeApi,
        TimeSpan timeout,
        BoundedLog output,
        CancellationToken cancellationToken)
    {
        var exited = process.WaitForExitAsync(cancellationToken);
        var finished = await Task.WhenAny(answer, exited, runtimeApi.InitError, Task.Delay(timeout, cancellationToken)).ConfigureAwait(false);
        if (finished == answer)
        {
            return await answer.ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var why = finished == exited ? $"exited with code {process.ExitCode}"
            : finished == runtimeApi.InitError ? $"reported an init error: {await runtimeApi.InitError.ConfigureAwait(false)}"
            : $"did not answer within {timeout.TotalSeconds} s";
        throw new InvalidOperationException($"{Path.GetFileName(process.StartInfo.FileName)} {why}. Output:\n{output}");
    }

    private static bool IsAwsOrLambdaVariable(string name) =>
        name.StartsWith("AWS_", StringComparison.Ordinal) || name.StartsWith("_HANDLER", StringComparison.Ordinal)
        || name.EndsWith("_TABLE", StringComparison.Ordinal);

    private static string RequestId(int index) => $"{Guid.NewGuid():D}-{index}";

    private static string OrderId() => $"cs-{Guid.NewGuid():N}";

    /// <summary>The last lines a child process wrote, for error messages.</summary>
    private sealed class BoundedLog(int capacity)
    {
        private readonly Queue<string> _lines = new();

        public void Add(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_lines)
            {
                _lines.Enqueue(line);
                if (_lines.Count > capacity)
                {
                    _lines.Dequeue();
                }
            }
        }

        public override string ToString()
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }
}
