using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ECommerce.Runtime;

/// <summary>A handler over raw JSON: the payload in, the response JSON out.</summary>
public delegate Task<string> LambdaHandler(string payloadJson, LambdaContext context, CancellationToken cancellationToken);

/// <summary>
/// The handlers one function executable serves, by name (the Lambda <c>_HANDLER</c> setting). The runtime loop and
/// the local host both dispatch through <see cref="InvokeAsync"/>, so an in-process call behaves like a deployed one.
/// </summary>
public sealed class LambdaHandlerRegistry
{
    /// <summary>The errorType for a handler name nobody registered (as Lambda's managed runtimes name it).</summary>
    public const string HandlerNotFoundErrorType = "Runtime.HandlerNotFound";

    /// <summary>The errorType for a payload that does not deserialize into the handler's input type.</summary>
    public const string SerializationErrorType = "JsonSerializerException";

    private readonly Dictionary<string, LambdaHandler> _handlers = new(StringComparer.Ordinal);

    /// <summary>Names of the registered handlers.</summary>
    public IReadOnlyCollection<string> HandlerNames => _handlers.Keys;

    /// <summary>True when <paramref name="handlerName"/> is registered.</summary>
    public bool Contains(string handlerName) => _handlers.ContainsKey(handlerName);

    /// <summary>Registers a handler over raw JSON.</summary>
    public LambdaHandlerRegistry Register(string handlerName, LambdaHandler handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(handlerName);
        ArgumentNullException.ThrowIfNull(handler);
        if (!_handlers.TryAdd(handlerName, handler))
        {
            throw new ArgumentException($"Handler '{handlerName}' is already registered.", nameof(handlerName));
        }

        return this;
    }

    /// <summary>
    /// Registers a typed handler; (de)serialization uses source-generated type infos (AOT-safe), asked for on the first
    /// invocation so a cold start builds only those of the handler it serves.
    /// </summary>
    public LambdaHandlerRegistry Register<TIn, TOut>(
        string handlerName,
        Func<JsonTypeInfo<TIn>> inputType,
        Func<JsonTypeInfo<TOut>> outputType,
        Func<TIn, LambdaContext, CancellationToken, Task<TOut>> handler)
    {
        ArgumentNullException.ThrowIfNull(inputType);
        ArgumentNullException.ThrowIfNull(outputType);
        ArgumentNullException.ThrowIfNull(handler);
        JsonTypeInfo<TIn>? input = null;
        JsonTypeInfo<TOut>? output = null;
        return Register(handlerName, async (payloadJson, context, cancellationToken) =>
        {
            var request = Deserialize(payloadJson, input ??= inputType());
            var response = await handler(request, context, cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Serialize(response, output ??= outputType());
        });
    }

    /// <summary>
    /// Runs the named handler. Business errors come out as <see cref="FunctionErrorException"/>; an unknown handler as
    /// one with <see cref="HandlerNotFoundErrorType"/>; anything else propagates unchanged.
    /// </summary>
    public Task<string> InvokeAsync(string handlerName, string payloadJson, LambdaContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payloadJson);
        ArgumentNullException.ThrowIfNull(context);
        if (!_handlers.TryGetValue(handlerName, out var handler))
        {
            throw new FunctionErrorException(HandlerNotFoundErrorType, DescribeUnknownHandler(handlerName));
        }

        return handler(payloadJson, context, cancellationToken);
    }

    internal string DescribeUnknownHandler(string? handlerName) =>
        $"Handler '{handlerName}' is not registered; known handlers: {string.Join(", ", _handlers.Keys.Order(StringComparer.Ordinal))}.";

    private static TIn Deserialize<TIn>(string payloadJson, JsonTypeInfo<TIn> inputType)
    {
        try
        {
            return JsonSerializer.Deserialize(payloadJson, inputType)
                ?? throw new FunctionErrorException(SerializationErrorType, $"The Lambda event payload is null; expected {typeof(TIn).Name}.");
        }
        catch (JsonException exception)
        {
            throw new FunctionErrorException(
                SerializationErrorType,
                $"Error converting the Lambda event JSON payload to type {typeof(TIn).Name}: {exception.Message}",
                isTransient: false,
                exception);
        }
    }
}
