using ECommerce.TestSupport;
using System.Diagnostics;
using System.Text;

namespace Deployment.Tests;

/// <summary>One service's published <c>bootstrap</c>, or why publishing it failed.</summary>
internal sealed record BootstrapArtifact(string Service, string? BinaryPath, TimeSpan PublishTime, string PublishOutput)
{
    public long SizeBytes => BinaryPath is null ? 0 : new FileInfo(BinaryPath).Length;
}

/// <summary>
/// Publishes every service once per test run with <c>functions/publish-bootstrap.sh</c> (Native AOT, renamed to
/// <c>bootstrap</c>), one after the other: the machine is shared and an AOT link is heavy. Tests read the results.
/// </summary>
public sealed class BootstrapArtifacts : IAsyncLifetime
{
    public static readonly string[] Services = ["Orders", "Inventory", "Payments", "Shipping"];

    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(15);

    private readonly Dictionary<string, BootstrapArtifact> _artifacts = new(StringComparer.Ordinal);
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"ecommerce-bootstrap-{Guid.NewGuid():N}");

    /// <summary>Set when the machine cannot build Native AOT at all; the tests skip with it.</summary>
    internal string? UnavailableReason { get; private set; }

    internal BootstrapArtifact this[string service] => _artifacts[service];

    public async ValueTask InitializeAsync()
    {
        UnavailableReason = MissingPrerequisite();
        if (UnavailableReason is not null)
        {
            return;
        }

        var script = RepositoryRoot.Combine("functions", "publish-bootstrap.sh");
        foreach (var service in Services)
        {
            var output = Path.Combine(_root, service);
            Directory.CreateDirectory(output);
            var watch = Stopwatch.StartNew();
            var (exitCode, log) = await RunAsync("bash", [script, service, output]);
            var binary = Path.Combine(output, "bootstrap");
            _artifacts[service] = new BootstrapArtifact(
                service,
                exitCode == 0 && File.Exists(binary) ? binary : null,
                watch.Elapsed,
                $"publish-bootstrap.sh {service} exited with {exitCode}:\n{log}");
        }
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing was published.
        }

        return ValueTask.CompletedTask;
    }

    internal static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);

    private static string? MissingPrerequisite()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "The bootstrap is a linux-x64 Native AOT executable: publish and run it on Linux";
        }

        if (FindOnPath("bash") is null)
        {
            return "bash not found: functions/publish-bootstrap.sh needs it";
        }

        return FindOnPath("clang") is null && FindOnPath("gcc") is null
            ? "Native AOT links with clang or gcc, and neither is installed"
            : null;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string[] arguments)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot.Path,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, line) => Append(output, line.Data);
        process.ErrorDataReceived += (_, line) => Append(output, line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(PublishTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after {PublishTimeout.TotalMinutes} minutes\n{output}");
        }

        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
