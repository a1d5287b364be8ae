using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Reliability.Tests.Support;

namespace Reliability.Tests;

/// <summary>The local runtime only listens on 127.0.0.1 and only answers loopback Host names (no DNS rebinding).</summary>
public sealed class LoopbackTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> ForeignHosts => new()
    {
        { "api", "evil.example" },
        { "console", "evil.example" },
        { "stepfunctions", "evil.example" },
        { "api", "localhost.evil.example" },
        { "console", "127.0.0.1.nip.io" },
        { "stepfunctions", "evil.example:8083" },
    };

    [Theory]
    [MemberData(nameof(ForeignHosts))]
    public async Task ARequestForAForeignHost_Gets421_FromEveryListener(string listener, string host)
    {
        using var request = Request(listener);
        request.Headers.Host = host;

        using var response = await Send(request);

        Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
        var message = (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancellation))!["message"];
        Assert.Contains("not a loopback name", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api", "localhost")]
    [InlineData("console", "127.0.0.1")]
    [InlineData("stepfunctions", "localhost")]
    public async Task ARequestForALoopbackHost_IsServed(string listener, string host)
    {
        using var request = Request(listener);
        var endpoint = listener == "stepfunctions" ? fixture.Runtime.Runtime.StepFunctionsEndpoint : fixture.Runtime.Runtime.ApiEndpoint;
        request.Headers.Host = $"{host}:{endpoint.Port}";

        using var response = await Send(request);

        Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotFound,
            $"{listener} answered {(int)response.StatusCode} to Host {host}");
        Assert.NotEqual(HttpStatusCode.MisdirectedRequest, response.StatusCode);
    }

    [Fact]
    public void TheListeners_AreBoundTo127001()
    {
        Assert.Equal("127.0.0.1", fixture.Runtime.Runtime.ApiEndpoint.Host);
        Assert.Equal("127.0.0.1", fixture.Runtime.Runtime.StepFunctionsEndpoint.Host);
        Assert.Equal("127.0.0.1", fixture.Runtime.Runtime.ConsoleEndpoint.Host);
    }

    [Fact]
    public async Task TheListeners_RefuseConnectionsOnTheMachinesOtherAddresses()
    {
        var external = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => !IPAddress.IsLoopback(a) && a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6 && !a.IsIPv6LinkLocal)
            .ToList();
        if (external.Count == 0)
        {
            Assert.Skip("This machine has no non-loopback address to try.");
        }

        foreach (var address in external)
        {
            foreach (var port in new[] { fixture.Runtime.Runtime.ApiEndpoint.Port, fixture.Runtime.Runtime.StepFunctionsEndpoint.Port })
            {
                using var client = new TcpClient(address.AddressFamily);
                var refused = await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(address, port, Cancellation).AsTask());
                Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
            }
        }
    }

    private HttpRequestMessage Request(string listener)
    {
        var runtime = fixture.Runtime.Runtime;
        return listener switch
        {
            "api" => new HttpRequestMessage(HttpMethod.Get, new Uri(runtime.ApiEndpoint, "orders/some-order")),
            "console" => new HttpRequestMessage(HttpMethod.Get, runtime.ConsoleEndpoint),
            "stepfunctions" => new HttpRequestMessage(HttpMethod.Post, runtime.StepFunctionsEndpoint)
            {
                Content = new StringContent("{}", Encoding.UTF8, "application/x-amz-json-1.0"),
                Headers = { { "X-Amz-Target", "AWSStepFunctions.ListStateMachines" } },
            },
            _ => throw new ArgumentOutOfRangeException(nameof(listener)),
        };
    }

    private static async Task<HttpResponseMessage> Send(HttpRequestMessage request)
    {
        using var http = new HttpClient();
        return await http.SendAsync(request, Cancellation);
    }
}
