using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using ECommerce.Runtime;
using Scenarios.Tests.Faults;
using StatesLanguage.Integrations;
using StatesLanguage.Runtime;

namespace Scenarios.Tests.Harness;

/// <summary>
/// The saga's Lambda functions in process, as the local host runs them: a function ARN
/// (<c>arn:aws:lambda:…:function:ReserveInventoryFunction</c>) names the template's function, whose Handler is the
/// logical id without "Function"; the service registry that holds that handler runs it. Delivery faults from the
/// <see cref="DeliveryPlan"/> are applied around the call, and a duplicate delivery whose two answers differ is
/// recorded as an idempotency violation.
/// </summary>
public sealed class InProcessFunctions(IReadOnlyList<LambdaHandlerRegistry> registries, VirtualClock clock, DeliveryPlan deliveries) : ILambdaInvoker
{
    private readonly ConcurrentQueue<IdempotencyBreach> _breaches = new();

    /// <summary>Duplicate deliveries whose two answers differed.</summary>
    public IReadOnlyCollection<IdempotencyBreach> Breaches => _breaches;

    /// <summary>The handler a function name or ARN resolves to (template.yaml: Handler = logical id without "Function").</summary>
    public static string HandlerOf(string functionName)
    {
        var name = functionName.Split(':') is { Length: >= 7 } arn ? arn[6] : functionName;
        return name.EndsWith("Function", StringComparison.Ordinal) ? name[..^"Function".Length] : name;
    }

    public async Task<LambdaInvocationResult> InvokeAsync(string functionName, string payloadJson, CancellationToken cancellationToken)
    {
        var handler = HandlerOf(functionName);
        var registry = registries.FirstOrDefault(r => r.Contains(handler));
        if (registry is null)
        {
            return LambdaInvocationResult.NotFound();
        }

        var orderId = OrderIdOf(payloadJson) ?? "";
        var fault = deliveries.Next(handler, orderId);
        var result = await RunAsync(registry, handler, functionName, payloadJson, cancellationToken).ConfigureAwait(false);
        if (fault == DeliveryFault.Duplicate)
        {
            var second = await RunAsync(registry, handler, functionName, payloadJson, cancellationToken).ConfigureAwait(false);
            if (result.ErrorType is null && second.ErrorType is null && !JsonNode.DeepEquals(JsonNode.Parse(result.PayloadJson!), JsonNode.Parse(second.PayloadJson!)))
            {
                _breaches.Enqueue(new IdempotencyBreach(orderId, handler, result.PayloadJson!, second.PayloadJson!));
            }

            result = second;
        }
        else if (fault == DeliveryFault.ResponseLost)
        {
            await clock.DelayAsync(TimeSpan.FromMinutes(10), cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private async Task<LambdaInvocationResult> RunAsync(LambdaHandlerRegistry registry, string handler, string functionName, string payloadJson,
        CancellationToken cancellationToken)
    {
        try
        {
            var response = await registry.InvokeAsync(handler, payloadJson,
                LambdaContext.ForLocalInvocation(functionName, TimeSpan.FromSeconds(30), clock), cancellationToken).ConfigureAwait(false);
            return LambdaInvocationResult.Success(response);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            var error = LambdaError.FromException(exception);
            return LambdaInvocationResult.Failure(error.ErrorType, error.ErrorMessage);
        }
    }

    private static string? OrderIdOf(string payloadJson)
    {
        try
        {
            using var document = JsonDocument.Parse(payloadJson);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("orderId", out var id)
                ? id.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>A step that answered differently when delivered twice.</summary>
public sealed record IdempotencyBreach(string OrderId, string Handler, string FirstAnswer, string SecondAnswer);
