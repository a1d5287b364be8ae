using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using StatesLanguage.Json;

namespace StatesLanguage.Runtime;

/// <summary>
/// Workflow variables (Assign). A Parallel branch or Map iteration gets a child scope: it reads the variables of the
/// scopes around it, and what it assigns stays in its own scope.
/// </summary>
public sealed class VariableScope
{
    /// <summary>AWS: one variable, and everything one Assign sets, at most 256 KiB.</summary>
    public const int MaxAssignBytes = 256 * 1024;

    /// <summary>AWS: all variables of an execution at most 10 MiB.</summary>
    public const int MaxTotalBytes = 10 * 1024 * 1024;

    // The context object of a state carries its variables, so every path evaluator reaches them without a new parameter.
    private static readonly ConditionalWeakTable<JsonNode, VariableScope> Attached = new();

    private readonly Lock _gate = new();
    private readonly Dictionary<string, JsonNode?> _values = new(StringComparer.Ordinal);

    // ToJson's text until the next Assign: the checkpoint asks for it on every state.
    private string? _json;

    public VariableScope(VariableScope? parent = null) => Parent = parent;

    public VariableScope? Parent { get; }

    public VariableScope CreateChild() => new(this);

    public bool TryGet(string name, out JsonNode? value)
    {
        for (var scope = this; scope is not null; scope = scope.Parent)
        {
            lock (scope._gate)
            {
                if (scope._values.TryGetValue(name, out value))
                {
                    return true;
                }
            }
        }
        value = null;
        return false;
    }

    /// <summary>Every variable visible here (inner scopes hide outer ones of the same name), as copies.</summary>
    public Dictionary<string, JsonNode?> Snapshot()
    {
        var chain = new List<VariableScope>();
        for (var scope = this; scope is not null; scope = scope.Parent)
        {
            chain.Add(scope);
        }
        var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        for (var i = chain.Count - 1; i >= 0; i--)
        {
            lock (chain[i]._gate)
            {
                foreach (var (name, value) in chain[i]._values)
                {
                    result[name] = JsonUtil.Clone(value);
                }
            }
        }
        return result;
    }

    /// <summary>Sets every variable at once (an Assign takes effect as a whole, after the state's output is computed).</summary>
    public void Assign(IEnumerable<KeyValuePair<string, JsonNode?>> values)
    {
        lock (_gate)
        {
            foreach (var (name, value) in values)
            {
                _values[name] = JsonUtil.Clone(value);
            }
            _json = null;
        }
    }

    /// <summary>The variables this scope itself holds, as a JSON object (for a checkpoint).</summary>
    public string ToJson()
    {
        lock (_gate)
        {
            return _json ??= JsonUtil.Serialize(new JsonObject(_values.Select(p => KeyValuePair.Create(p.Key, JsonUtil.Clone(p.Value)))));
        }
    }

    /// <summary>A root scope holding the variables of <see cref="ToJson"/>.</summary>
    public static VariableScope FromJson(string? json)
    {
        var scope = new VariableScope();
        if (json is not null && JsonUtil.Parse(json) is JsonObject obj)
        {
            scope.Assign(obj.Select(p => KeyValuePair.Create(p.Key, p.Value)));
        }
        return scope;
    }

    /// <summary>UTF-8 size of everything this scope and its parents hold.</summary>
    public long TotalBytes()
    {
        long total = 0;
        for (var scope = this; scope is not null; scope = scope.Parent)
        {
            lock (scope._gate)
            {
                total += scope._values.Sum(p => (long)JsonUtil.Utf8Size(JsonUtil.Serialize(p.Value)));
            }
        }
        return total;
    }

    internal static void Attach(JsonNode context, VariableScope scope) => Attached.AddOrUpdate(context, scope);

    internal static VariableScope? Of(JsonNode? context) => context is not null && Attached.TryGetValue(context, out var scope) ? scope : null;
}
