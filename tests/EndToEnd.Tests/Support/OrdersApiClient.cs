using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace EndToEnd.Tests.Support;

/// <summary>The local orders API as a client sees it: POST /orders, GET /orders/{id} and the local topic's inbox.</summary>
public sealed class OrdersApiClient(Uri apiEndpoint) : IDisposable
{
    public static readonly IReadOnlySet<string> TerminalStatuses = new HashSet<string>(StringComparer.Ordinal) { "COMPLETED", "CANCELLED", "FAILED" };

    private readonly HttpClient _http = new() { BaseAddress = apiEndpoint, Timeout = TimeSpan.FromSeconds(30) };

    public Task<HttpResponseMessage> PostAsync(string body, string? idempotencyKey, CancellationToken cancellationToken,
        string contentType = "application/json") =>
        PostAsync(new StringContent(body, Encoding.UTF8, contentType), idempotencyKey, cancellationToken);

    public async Task<HttpResponseMessage> PostAsync(HttpContent content, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "orders") { Content = content };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await _http.SendAsync(request, cancellationToken);
    }

    /// <summary>POSTs an order and insists on 202 with the order id echoed back.</summary>
    public async Task SubmitAsync(string orderId, string body, CancellationToken cancellationToken)
    {
        using var response = await PostAsync(body, orderId, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /orders for {orderId} answered {(int)response.StatusCode}: {text}");
        Assert.Equal(orderId, (string?)JsonNode.Parse(text)!["orderId"]);
    }

    /// <summary>GET /orders/{id}: the order document, or null on 404.</summary>
    public async Task<JsonObject?> GetAsync(string orderId, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync("orders/" + Uri.EscapeDataString(orderId), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET /orders/{orderId} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Polls GET /orders/{id} until the order is COMPLETED, CANCELLED or FAILED; fails with the last document seen after <paramref name="timeout"/>.</summary>
    public async Task<JsonObject> WaitForTerminalAsync(string orderId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var last = await WaitForAsync(orderId, order => order is not null && TerminalStatuses.Contains((string?)order["status"] ?? ""), timeout, cancellationToken);
        return last!;
    }

    /// <summary>Polls GET /orders/{id} until <paramref name="done"/> holds; fails with the last document seen after <paramref name="timeout"/>.</summary>
    public async Task<JsonObject?> WaitForAsync(string orderId, Func<JsonObject?, bool> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var order = await GetAsync(orderId, cancellationToken);
            if (done(order))
            {
                return order;
            }

            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                Assert.Fail($"Order {orderId} did not get there within {timeout.TotalSeconds:F0} s; last GET: {order?.ToJsonString() ?? "404"}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>
    /// Polls GET for every order (a few at a time) until all are COMPLETED, CANCELLED or FAILED or
    /// <paramref name="timeout"/> passes; returns the ids still unfinished.
    /// </summary>
    public async Task<IReadOnlyList<string>> WaitForAllTerminalAsync(IEnumerable<string> orderIds, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waiting = orderIds.ToList();
        var started = Stopwatch.GetTimestamp();
        while (waiting.Count > 0 && Stopwatch.GetElapsedTime(started) < timeout)
        {
            var still = new System.Collections.Concurrent.ConcurrentBag<string>();
            await Parallel.ForEachAsync(waiting, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (orderId, token) =>
            {
                var order = await GetAsync(orderId, token);
                if (order is null || !TerminalStatuses.Contains((string?)order["status"] ?? ""))
                {
                    still.Add(orderId);
                }
            });

            waiting = [.. still];
            if (waiting.Count > 0)
            {
                await Task.Delay(250, cancellationToken);
            }
        }

        return waiting;
    }

    /// <summary>Every message the local topics hold, oldest first, with the JSON message body parsed.</summary>
    public async Task<IReadOnlyList<TopicMessage>> TopicMessagesAsync(CancellationToken cancellationToken)
    {
        var document = JsonNode.Parse(await _http.GetStringAsync("local/topics/messages", cancellationToken))!;
        return document["messages"]!.AsArray()
            .Select(m => new TopicMessage((string)m!["topicArn"]!, (string?)m["subject"], JsonNode.Parse((string)m["message"]!)!.AsObject()))
            .ToList();
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>One message published to a local topic.</summary>
public sealed record TopicMessage(string TopicArn, string? Subject, JsonObject Body)
{
    public string? EventType => (string?)Body["eventType"];

    public string? OrderId => (string?)Body["orderId"];
}
