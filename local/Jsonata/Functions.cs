namespace Jsonata;

/// <summary>Scope of variable bindings; frames chain to their enclosing frame.</summary>
/// <remarks>Most frames hold one or two bindings (the context, a lambda's parameters): those live in fields, and
/// only a third binding brings in a dictionary.</remarks>
internal sealed class Frame(Frame? parent)
{
    private string? _name0;
    private object? _value0;
    private string? _name1;
    private object? _value1;
    private Dictionary<string, object?>? _more;

    public Frame? Parent { get; } = parent;

    public void Bind(string name, object? value)
    {
        if (_name0 == null || _name0 == name)
        {
            _name0 = name;
            _value0 = value;
        }
        else if (_name1 == null || _name1 == name)
        {
            _name1 = name;
            _value1 = value;
        }
        else
        {
            _more ??= new Dictionary<string, object?>(StringComparer.Ordinal);
            _more[name] = value;
        }
    }

    public object? Lookup(string name)
    {
        for (var f = this; f != null; f = f.Parent)
        {
            if (f.TryGetLocal(name, out var value)) return value;
        }
        return null;
    }

    public bool IsBound(string name)
    {
        for (var f = this; f != null; f = f.Parent)
        {
            if (f.TryGetLocal(name, out _)) return true;
        }
        return false;
    }

    private bool TryGetLocal(string name, out object? value)
    {
        if (_name0 == name)
        {
            value = _value0;
            return true;
        }

        if (_name1 == name)
        {
            value = _value1;
            return true;
        }

        if (_more != null) return _more.TryGetValue(name, out value);
        value = null;
        return false;
    }
}

/// <summary>Any callable JSONata value: lambda, built-in, partial application, regex, transform.</summary>
internal abstract class JFunction
{
    /// <summary>The number of arguments higher-order functions pass to it.</summary>
    public abstract int Arity { get; }
    public Signature? Signature { get; init; }
}

internal sealed class LambdaFunction : JFunction
{
    public Node? Body;
    public NativeFunction? NativeBody;
    public object? Input;
    public required Frame Environment;
    public required IReadOnlyList<string> Parameters;
    public bool Thunk;
    public override int Arity => Parameters.Count;
}

/// <summary>What a built-in gets to see: the evaluator, the calling scope and the context value.</summary>
internal readonly record struct CallContext(Evaluator Evaluator, Frame Environment, object? Input);

internal delegate object? NativeImplementation(CallContext call, List<object?> args);

internal sealed class NativeFunction : JFunction
{
    public required string Name;
    public required NativeImplementation Implementation;
    /// <summary>Arity as the reference reports it (JavaScript function length).</summary>
    public int DeclaredArity;
    /// <summary>All declared parameters, used by partial application.</summary>
    public int ParameterCount;
    public override int Arity => DeclaredArity;
}

/// <summary>A compiled regex literal; calling it returns a match object with a next() function.</summary>
internal sealed class RegexMatcher(System.Text.RegularExpressions.Regex regex, string source, int position) : JFunction
{
    public System.Text.RegularExpressions.Regex Regex { get; } = regex;
    public string Source { get; } = source;
    public override int Arity => 2;

    public object? Exec(string str, int fromIndex)
    {
        if (fromIndex > str.Length) return null;
        var m = Regex.Match(str, fromIndex);
        if (!m.Success) return null;
        var groups = new JList();
        for (var i = 1; i < m.Groups.Count; i++)
        {
            groups.Add(m.Groups[i].Success ? m.Groups[i].Value : null);
        }
        var result = new JObject
        {
            ["match"] = m.Value,
            ["start"] = (double)m.Index,
            ["end"] = (double)(m.Index + m.Length),
            ["groups"] = groups,
        };
        var lastIndex = m.Index + m.Length;
        result["next"] = new NativeFunction
        {
            Name = "next",
            DeclaredArity = 0,
            Implementation = (_, _) =>
            {
                if (lastIndex >= str.Length) return null;
                var next = Exec(str, lastIndex);
                if (next is JObject n && n["match"] is string { Length: 0 })
                {
                    throw new JsonataException("D1004", position, value: Source);
                }
                return next;
            },
        };
        return result;
    }
}
