using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ECommerce.LocalHost.Queue;
using ECommerce.Orders.Validation;
using ECommerce.Runtime;
using ECommerce.Runtime.Events;

namespace ECommerce.LocalHost.Api;

/// <summary>Where the local API sends accepted orders, and how deep the queue may grow before it sheds load.</summary>
public sealed record OrdersApiOptions(SqliteQueue Queue, SqsEventSource EventSource, LambdaHandlerRegistry Orders, long MaxQueueDepth);

/// <summary>
/// The local stand-in for API Gateway: POST /orders validated with the contract's schema and put straight on the
/// queue (as the template's direct SQS integration does), GET /orders/{orderId} through the real GetOrder handler.
/// </summary>
public static partial class OrdersApi
{
    public static void MapOrdersApi(this IEndpointRouteBuilder routes, OrdersApiOptions options, string host)
    {
        routes.MapPost("/orders", (Delegate)((HttpContext context) => AcceptOrderAsync(context, options))).RequireHost(host);
        routes.MapGet("/orders/{orderId}", (string orderId, HttpContext context) => GetOrderAsync(orderId, context, options)).RequireHost(host);
    }

    private static async Task<IResult> AcceptOrderAsync(HttpContext context, OrdersApiOptions options)
    {
        var request = context.Request;
        if (request.ContentType is null || !request.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return Message(StatusCodes.Status415UnsupportedMediaType, "Content-Type must be application/json");
        }

        if (request.ContentLength > OrderRequestValidator.MaxBodyBytes)
        {
            return TooLarge();
        }

        var body = await ReadBodyAsync(request, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            return TooLarge();
        }

        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return Message(StatusCodes.Status400BadRequest, "The body is not valid UTF-8");
        }

        var idempotencyKey = request.Headers["Idempotency-Key"].ToString();
        if (idempotencyKey.Length > 0 && !OrderIdPattern().IsMatch(idempotencyKey))
        {
            return Message(StatusCodes.Status400BadRequest, "Idempotency-Key must be 1-80 characters of A-Z, a-z, 0-9, '-' or '_'");
        }

        var validation = OrderRequestValidator.Default.Validate(text);
        if (!validation.IsValid)
        {
            var errors = new JsonArray(validation.Problems.Select(p => (JsonNode)new JsonObject { ["pointer"] = p.Pointer, ["reason"] = p.Reason }).ToArray());
            return Results.Content(new JsonObject { ["message"] = "The order is not valid", ["errors"] = errors }.ToJsonString(),
                "application/json", statusCode: StatusCodes.Status400BadRequest);
        }

        if (await options.Queue.CountAsync(context.RequestAborted).ConfigureAwait(false) >= options.MaxQueueDepth)
        {
            context.Response.Headers.RetryAfter = "1";
            return Message(StatusCodes.Status429TooManyRequests, "Too many orders are waiting; retry with the same Idempotency-Key");
        }

        var orderId = idempotencyKey.Length > 0 ? idempotencyKey : Guid.NewGuid().ToString();
        await options.Queue.SendAsync(text, new Dictionary<string, string> { ["orderId"] = orderId }, context.RequestAborted).ConfigureAwait(false);
        options.EventSource.NotifyMessageSent();
        context.Response.Headers.Location = "/orders/" + orderId;
        return Results.Content(new JsonObject { ["orderId"] = orderId, ["status"] = "PENDING" }.ToJsonString(), "application/json",
            statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> GetOrderAsync(string orderId, HttpContext context, OrdersApiOptions options)
    {
        var proxyRequest = new ApiGatewayProxyRequest
        {
            Resource = "/orders/{orderId}",
            Path = context.Request.Path,
            HttpMethod = "GET",
            PathParameters = new Dictionary<string, string> { ["orderId"] = orderId },
            RequestContext = new ApiGatewayRequestContext { RequestId = context.TraceIdentifier, Stage = "local", HttpMethod = "GET" },
        };
        var payload = System.Text.Json.JsonSerializer.Serialize(proxyRequest, RuntimeJsonContext.Default.ApiGatewayProxyRequest);
        var responseJson = await options.Orders.InvokeAsync(Orders.OrdersFunctions.GetOrder, payload,
            LambdaContext.ForLocalInvocation("GetOrderFunction", TimeSpan.FromSeconds(10)), context.RequestAborted).ConfigureAwait(false);
        var response = System.Text.Json.JsonSerializer.Deserialize(responseJson, RuntimeJsonContext.Default.ApiGatewayProxyResponse)!;
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
        {
            if (!name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[name] = value;
            }
        }

        var contentType = response.Headers?.FirstOrDefault(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value ?? "application/json";
        return Results.Content(response.Body ?? "", contentType, statusCode: response.StatusCode);
    }

    /// <summary>Reads at most the contract's size limit; null when the body is larger (chunked bodies have no Content-Length).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } length)
        {
            // The caller has refused a declared length over the limit; Kestrel ends the body at the declared length.
            var body = new byte[length];
            var filled = 0;
            int got;
            while (filled < body.Length && (got = await request.Body.ReadAsync(body.AsMemory(filled), cancellationToken).ConfigureAwait(false)) > 0)
            {
                filled += got;
            }

            return filled == body.Length ? body : body[..filled];
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > OrderRequestValidator.MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static IResult TooLarge() =>
        Message(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {OrderRequestValidator.MaxBodyBytes} bytes");

    private static IResult Message(int statusCode, string message) =>
        Results.Content(new JsonObject { ["message"] = message }.ToJsonString(), "application/json", statusCode: statusCode);

    [GeneratedRegex("^[A-Za-z0-9_-]{1,80}$")]
    private static partial Regex OrderIdPattern();
}
