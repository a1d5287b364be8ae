using System.Collections.Concurrent;
using System.Diagnostics;
using ECommerce.TestSupport;

namespace EndToEnd.Tests.Support;

/// <summary>
/// The built local host (ecommerce-local.dll) run as a child process, as a user runs it: ready when it prints
/// "Press Ctrl+C to stop."; killed outright (SIGKILL to the whole tree) to simulate a crash.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private const string ReadyLine = "Press Ctrl+C to stop.";
    private const int KeptOutputLines = 200;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostProcess(Process process, Uri apiEndpoint)
    {
        _process = process;
        ApiEndpoint = apiEndpoint;
    }

    public Uri ApiEndpoint { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// local/Host/bin/&lt;the configuration these tests were built in&gt;/net10.0/ecommerce-local.dll, found from the test
    /// assembly's own folder (…/bin/&lt;configuration&gt;/net10.0/).
    /// </summary>
    public static string BuiltHostPath()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testOutput.Parent?.Name ?? "Debug";
        return RepositoryRoot.Combine("local", "Host", "bin", configuration, testOutput.Name, "ecommerce-local.dll");
    }

    public static async Task<HostProcess> StartAsync(string dataDirectory, TimeSpan readyTimeout, CancellationToken cancellationToken)
    {
        var hostPath = BuiltHostPath();
        Assert.True(File.Exists(hostPath), $"The built host is missing at {hostPath} (the test project references local/Host, so building it builds the host).");
        var apiPort = FreeTcpPort.Next();
        var stepFunctionsPort = FreeTcpPort.Next();
        var start = new ProcessStartInfo(DotnetExecutable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(hostPath)!,
        };
        foreach (var argument in new[] { hostPath, "run", "--data", dataDirectory, "--api-port", apiPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--sfn-port", stepFunctionsPort.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var host = new HostProcess(process, new Uri($"http://127.0.0.1:{apiPort}/"));
        process.OutputDataReceived += (_, line) => host.Record(line.Data);
        process.ErrorDataReceived += (_, line) => host.Record(line.Data);
        process.Exited += (_, _) => host._ready.TrySetException(new InvalidOperationException("The host exited before it was ready."));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await host._ready.Task.WaitAsync(readyTimeout, cancellationToken);
        }
        catch (Exception exception) when (exception is TimeoutException or InvalidOperationException)
        {
            var output = host.RecentOutput();
            await host.DisposeAsync();
            Assert.Fail($"The host did not print \"{ReadyLine}\" within {readyTimeout.TotalSeconds:F0} s ({exception.Message}). Its output:\n{output}");
        }

        return host;
    }

    /// <summary>SIGKILL to the host and anything it started: no shutdown code runs, as in a crash or a power cut.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>The last lines the host wrote, for failure messages.</summary>
    public string RecentOutput() => string.Join('\n', _output);

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > KeptOutputLines && _output.TryDequeue(out _))
        {
        }

        if (line.Contains(ReadyLine, StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }

    /// <summary>The dotnet host running these tests (the SDK sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    private static string DotnetExecutable() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";
}
