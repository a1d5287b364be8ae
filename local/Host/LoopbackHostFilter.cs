using System.Net;

namespace ECommerce.LocalHost;

/// <summary>
/// Refuses requests whose Host header is not a loopback name, so a web page on another site cannot reach the local
/// API or console through DNS rebinding even though the listener is on 127.0.0.1.
/// </summary>
public sealed class LoopbackHostFilter(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var host = context.Request.Host.Host;
        var loopback = host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
        if (loopback)
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
        return context.Response.WriteAsJsonAsync(new { message = $"Host '{host}' is not a loopback name; the local runtime only answers on 127.0.0.1/localhost." });
    }
}
