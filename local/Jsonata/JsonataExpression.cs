using System.Text.Json.Nodes;

namespace Jsonata;

/// <summary>Limits for one evaluation.</summary>
public sealed record JsonataOptions
{
    /// <summary>Maximum nesting of evaluation steps; beyond it evaluation fails with U1001.</summary>
    public int? MaxDepth { get; init; }

    /// <summary>Maximum wall-clock time; beyond it evaluation fails with D1012.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Fixes the instant $now() and $millis() report (tests, replays); the current time when null.</summary>
    public DateTimeOffset? Now { get; init; }
}

/// <summary>The outcome of an evaluation: a JSON value, JSON null, or no value at all (undefined).</summary>
public readonly record struct EvaluateResult(JsonNode? Value, bool IsUndefined)
{
    public static EvaluateResult Undefined => new(null, true);
}

/// <summary>Signature of a function registered from C#: arguments as JSON (null for undefined), result as an EvaluateResult.</summary>
public delegate EvaluateResult JsonataFunction(IReadOnlyList<JsonNode?> arguments);

/// <summary>A parsed JSONata expression: parse once, evaluate many times (thread-safe for evaluation).</summary>
public sealed class JsonataExpression
{
    private readonly Node _ast;
    private readonly Frame _environment;
    private readonly SimplePath? _simplePath;

    private JsonataExpression(Node ast)
    {
        _ast = ast;
        _environment = new Frame(Builtins.StaticFrame);
        _simplePath = SimplePath.TryCompile(ast);
    }

    /// <summary>Parses an expression; throws <see cref="JsonataException"/> with an S0xxx code on syntax errors.</summary>
    public static JsonataExpression Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        return new JsonataExpression(Parser.Parse(expression));
    }

    /// <summary>
    /// Adds a function callable as $name. The signature uses JSONata's syntax (e.g. "&lt;n-n?:a&gt;") and may be null.
    /// Register functions before evaluating concurrently.
    /// </summary>
    public JsonataExpression RegisterFunction(string name, JsonataFunction implementation, string? signature = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(implementation);
        var arity = signature == null ? 1 : Math.Max(Signature.Parse(signature).ParamCount, 0);
        _environment.Bind(name, Builtins.Define(name, signature, arity, (_, args) =>
        {
            var nodes = args.Select(Values.ToNode).ToList();
            var result = implementation(nodes);
            return result.IsUndefined ? null : Values.FromNode(result.Value);
        }));
        return this;
    }

    /// <summary>Evaluates against a JSON input; undefined is returned as C# null, as is JSON null.</summary>
    public JsonNode? Evaluate(JsonNode? input, IReadOnlyDictionary<string, JsonNode?>? bindings = null, JsonataOptions? options = null) =>
        EvaluateResult(input, bindings, options).Value;

    /// <summary>Evaluates and tells "no value" (undefined) apart from JSON null.</summary>
    public EvaluateResult EvaluateResult(JsonNode? input, IReadOnlyDictionary<string, JsonNode?>? bindings = null, JsonataOptions? options = null)
    {
        if (_simplePath != null && options?.MaxDepth == null && _simplePath.TryEvaluate(input, false, bindings, out var direct)) return direct;
        var value = EvaluateInternal(Values.FromNode(input), bindings, options, inputIsUndefined: false);
        return value == null ? Jsonata.EvaluateResult.Undefined : new EvaluateResult(Values.ToNode(value), false);
    }

    /// <summary>Evaluates with no input document at all (the reference's undefined input).</summary>
    public EvaluateResult EvaluateWithoutInput(IReadOnlyDictionary<string, JsonNode?>? bindings = null, JsonataOptions? options = null)
    {
        if (_simplePath != null && options?.MaxDepth == null && _simplePath.TryEvaluate(null, true, bindings, out var direct)) return direct;
        var value = EvaluateInternal(null, bindings, options, inputIsUndefined: true);
        return value == null ? Jsonata.EvaluateResult.Undefined : new EvaluateResult(Values.ToNode(value), false);
    }

    private object? EvaluateInternal(object? input, IReadOnlyDictionary<string, JsonNode?>? bindings, JsonataOptions? options, bool inputIsUndefined)
    {
        var exec = new Frame(_environment);
        if (bindings != null)
        {
            foreach (var kv in bindings) exec.Bind(kv.Key, Values.FromNode(kv.Value));
        }
        if (inputIsUndefined) input = null;
        exec.Bind("$", input);
        if (input is JList { Sequence: false } arr)
        {
            var wrapped = JList.NewSequence(arr);
            wrapped.OuterWrapper = true;
            input = wrapped;
        }
        var evaluator = new Evaluator(options?.MaxDepth, options?.TimeLimit, options?.Now);
        try
        {
            return evaluator.Evaluate(_ast, input, exec);
        }
        catch (InsufficientExecutionStackException)
        {
            throw new JsonataException("U1001", null);
        }
    }
}
