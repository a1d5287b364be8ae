using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace ECommerce.Bench.ColdStart;

/// <summary>
/// moto_server on 127.0.0.1 as the functions' DynamoDB endpoint, with one on-demand table per service (key <c>pk</c>,
/// as every store in functions/ uses). Tables are created over the DynamoDB JSON 1.0 protocol directly: moto does not
/// check signatures, so the benchmark needs no SDK of its own.
/// </summary>
internal sealed class MotoDynamoDb : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private MotoDynamoDb(Process process, Uri endpoint)
    {
        _process = process;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    /// <summary>Starts moto_server, or returns null when it is not on PATH.</summary>
    public static async Task<MotoDynamoDb?> StartAsync(IEnumerable<string> tableNames, CancellationToken cancellationToken)
    {
        var executable = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "moto_server"))
            .FirstOrDefault(File.Exists);
        if (executable is null)
        {
            return null;
        }

        int port;
        using (var probe = new TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        var startInfo = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-H", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture) })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("moto_server did not start.");
        // moto logs every request: drain both pipes so it never blocks on a full one, and keep it off the report.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var moto = new MotoDynamoDb(process, new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            await moto.WaitUntilAnsweringAsync(cancellationToken).ConfigureAwait(false);
            foreach (var table in tableNames)
            {
                await moto.CreateTableAsync(table, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await moto.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return moto;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"moto_server exited with code {_process.ExitCode}.");
            }

            try
            {
                using var response = await _http.GetAsync(new Uri(Endpoint, "moto-api/data.json"), cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet, or still importing its backends.
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"moto_server did not answer on {Endpoint} within 60 s.");
    }

    private async Task CreateTableAsync(string tableName, CancellationToken cancellationToken)
    {
        var body = $$"""
            {"TableName":"{{tableName}}","BillingMode":"PAY_PER_REQUEST",
             "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],
             "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]}
            """;
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-amz-json-1.0"),
        };
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "DynamoDB_20120810.CreateTable");
        // moto routes by the credential scope's service name; the signature itself is not checked.
        request.Headers.TryAddWithoutValidation(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00");
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new InvalidOperationException($"CreateTable {tableName} on moto failed: {(int)response.StatusCode} {text}");
        }
    }
}
