using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace ECommerce.Bench.LoadDriver;

/// <summary>POST /orders and GET /orders/{id} against one endpoint, timing the POST.</summary>
public sealed class OrdersClient(HttpClient http, string sku)
{
    private static readonly string[] TerminalStatuses = ["COMPLETED", "CANCELLED", "FAILED"];

    /// <summary>
    /// Posts one order; returns the latency in ms and whether it was accepted (202) or shed by back-pressure (429);
    /// throws on any other answer.
    /// </summary>
    public async Task<(double Milliseconds, bool Accepted)> PostAsync(string orderId, CancellationToken cancellationToken)
    {
        var body = $$$"""
            {"customerId":"c-bench","lines":[{"sku":"{{{sku}}}","quantity":1}],"payment":{"token":"tok_visa"},"shipping":{"name":"A B","line1":"1 Main St","city":"Springfield","postalCode":"12345","country":"US"}}
            """;
        using var request = new HttpRequestMessage(HttpMethod.Post, "orders") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", orderId);
        var started = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            return (elapsed, false);
        }
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new HttpRequestException($"POST /orders answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
        }
        return (elapsed, true);
    }

    /// <summary>The order's status, or null while GET /orders/{id} does not know it yet.</summary>
    public async Task<string?> StatusAsync(string orderId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"orders/{orderId}", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        return document.RootElement.TryGetProperty("status", out var status) ? status.GetString() : null;
    }

    public static bool IsTerminal(string? status) => status is not null && TerminalStatuses.Contains(status);
}
