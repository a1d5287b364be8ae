using System.Diagnostics;
using System.Text.Json;
using ECommerce.LocalHost.Template;
using ECommerce.Runtime;
using StatesLanguage.Integrations;

namespace ECommerce.LocalHost.Functions;

/// <summary>
/// The template's functions, run in-process: a function name (or ARN) from the state machine resolves through
/// template.yaml to its service's handler registry, the same registry the deployed bootstrap dispatches through.
/// </summary>
public sealed class LocalFunctions(SamTemplate template, IReadOnlyDictionary<string, LambdaHandlerRegistry> registriesByService, ILogger<LocalFunctions> logger)
    : ILambdaInvoker
{
    private static readonly TimeSpan FunctionTimeout = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, TemplateFunction> _functions = template.Functions.ToDictionary(f => f.LogicalId, StringComparer.Ordinal);

    public LambdaHandlerRegistry RegistryOf(string service) => registriesByService[service];

    public async Task<LambdaInvocationResult> InvokeAsync(string functionName, string payloadJson, CancellationToken cancellationToken)
    {
        var name = functionName.Split(':') is { Length: >= 7 } arn ? arn[6] : functionName;
        if (!_functions.TryGetValue(name, out var function) || !registriesByService.TryGetValue(function.Service, out var registry))
        {
            return LambdaInvocationResult.NotFound();
        }

        // Parsing the payload only to name the order in the log costs more than the log line; skip it when nobody listens.
        var orderId = logger.IsEnabled(LogLevel.Information) ? OrderIdOf(payloadJson) : null;
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await registry.InvokeAsync(function.Handler, payloadJson,
                LambdaContext.ForLocalInvocation(function.LogicalId, FunctionTimeout), cancellationToken).ConfigureAwait(false);
            logger.LogInformation("orderId={OrderId} function={Function} outcome=ok durationMs={DurationMs:F1}",
                orderId, function.LogicalId, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return LambdaInvocationResult.Success(response);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            var error = LambdaError.FromException(exception);
            logger.LogInformation("orderId={OrderId} function={Function} outcome=error errorType={ErrorType} message={Message} durationMs={DurationMs:F1}",
                orderId, function.LogicalId, error.ErrorType, error.ErrorMessage, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return LambdaInvocationResult.Failure(error.ErrorType, error.ErrorMessage);
        }
    }

    private static string? OrderIdOf(string payloadJson)
    {
        try
        {
            using var document = JsonDocument.Parse(payloadJson);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("orderId", out var id)
                ? id.ToString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
