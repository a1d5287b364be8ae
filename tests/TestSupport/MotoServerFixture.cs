using System.Diagnostics;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Xunit;

namespace ECommerce.TestSupport;

/// <summary>
/// Runs <c>moto_server</c> on 127.0.0.1 and a free port for a test class or assembly (xunit v3 fixture), and stops it
/// on dispose. When moto_server is not installed, every test that touches <see cref="Endpoint"/> is skipped.
/// </summary>
public sealed class MotoServerFixture : IAsyncLifetime
{
    public const string MissingReason = "moto_server not found: install moto[server] 5.2.1 (CI has it)";
    public const string Region = "us-east-1";

    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(60);

    private readonly List<string> _serverOutput = [];
    private Process? _process;
    private Uri? _endpoint;
    private string? _unavailableReason;

    /// <summary>Dummy credentials moto accepts (it does not check signatures).</summary>
    public AWSCredentials Credentials { get; } = new BasicAWSCredentials("testing", "testing");

    /// <summary>True when the server is running.</summary>
    public bool IsAvailable => _endpoint is not null;

    /// <summary>The server's base address; skips the calling test when moto_server is unavailable.</summary>
    public Uri Endpoint
    {
        get
        {
            SkipIfUnavailable();
            return _endpoint!;
        }
    }

    /// <summary>Skips the calling test (Assert.Skip) with the reason moto_server could not run.</summary>
    public void SkipIfUnavailable()
    {
        if (_endpoint is null)
        {
            Assert.Skip(_unavailableReason ?? MissingReason);
        }
    }

    public async ValueTask InitializeAsync()
    {
        var executable = FindOnPath("moto_server");
        if (executable is null)
        {
            _unavailableReason = MissingReason;
            return;
        }

        var port = FreeTcpPort.Next();
        var startInfo = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            startInfo.ArgumentList.Add(argument);
        }

        _process = Process.Start(startInfo) ?? throw new InvalidOperationException("moto_server did not start.");
        _process.OutputDataReceived += (_, line) => Remember(line.Data);
        _process.ErrorDataReceived += (_, line) => Remember(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var endpoint = new Uri($"http://127.0.0.1:{port}/");
        if (await WaitUntilAnsweringAsync(endpoint).ConfigureAwait(false))
        {
            _endpoint = endpoint;
            return;
        }

        StopProcess();
        throw new InvalidOperationException(
            $"moto_server did not answer on {endpoint} within {StartupTimeout.TotalSeconds} s. Output:\n{string.Join('\n', SnapshotOutput())}");
    }

    public ValueTask DisposeAsync()
    {
        StopProcess();
        return ValueTask.CompletedTask;
    }

    /// <summary>A low-level DynamoDB client pointed at the server, with dummy credentials.</summary>
    public AmazonDynamoDBClient CreateDynamoDbClient() =>
        new(Credentials, new AmazonDynamoDBConfig { ServiceURL = Endpoint.ToString(), AuthenticationRegion = Region });

    /// <summary>Creates an on-demand table with the project's single key, <c>pk</c> (S), and waits until it is ACTIVE.</summary>
    public async Task CreateTableAsync(string tableName, CancellationToken cancellationToken = default)
    {
        using var client = CreateDynamoDbClient();
        await client.CreateTableAsync(
            new CreateTableRequest
            {
                TableName = tableName,
                BillingMode = BillingMode.PAY_PER_REQUEST,
                AttributeDefinitions = [new AttributeDefinition("pk", ScalarAttributeType.S)],
                KeySchema = [new KeySchemaElement("pk", KeyType.HASH)],
            },
            cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var description = await client.DescribeTableAsync(tableName, cancellationToken).ConfigureAwait(false);
            if (description.Table.TableStatus == TableStatus.ACTIVE)
            {
                return;
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"Table {tableName} did not become ACTIVE.");
    }

    /// <summary>A name no other test uses (tables, state machines), so tests sharing one server do not collide.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 80)];

    private static string? FindOnPath(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
    }

    private async Task<bool> WaitUntilAnsweringAsync(Uri endpoint)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartupTimeout && _process is { HasExited: false })
        {
            try
            {
                using var response = await http.GetAsync(new Uri(endpoint, "moto-api/data.json")).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Listening but slow to answer while it imports its backends.
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        return false;
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_serverOutput)
        {
            _serverOutput.Add(line);
            if (_serverOutput.Count > 200)
            {
                _serverOutput.RemoveAt(0);
            }
        }
    }

    private string[] SnapshotOutput()
    {
        lock (_serverOutput)
        {
            return [.. _serverOutput];
        }
    }

    private void StopProcess()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }

        _process.Dispose();
        _process = null;
        _endpoint = null;
    }
}
