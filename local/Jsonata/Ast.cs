namespace Jsonata;

internal enum NodeType
{
    // parse-phase and evaluation node kinds
    Binary,
    Unary,
    Name,
    Variable,
    String,
    Number,
    Value,
    Regex,
    Wildcard,
    Descendant,
    Parent,
    Function,
    Partial,
    Lambda,
    Condition,
    Transform,
    Block,
    Operator,
    Path,
    Bind,
    Apply,
    Sort,
    End,
}

/// <summary>A slot naming an ancestor that a parent operator (%) refers to.</summary>
internal sealed class AncestorSlot
{
    public required string Label;
    public int Level;
    public int Index;
}

internal sealed class Stage
{
    public required string Kind; // "filter" or "index"
    public Node? Expr;
    public string? Value;
    public int Position;
}

internal sealed class SortTerm
{
    public bool Descending;
    public required Node Expression;
}

internal sealed class GroupSpec
{
    public required List<(Node Key, Node Value)> Pairs;
    public int Position;
    private int _literalKeys; // 0 unknown, 1 yes, 2 no

    /// <summary>True when every key is a distinct string literal, so one item needs no grouping at all.</summary>
    public bool HasDistinctLiteralKeys
    {
        get
        {
            if (_literalKeys == 0)
            {
                var keys = new HashSet<string>(StringComparer.Ordinal);
                var distinct = Pairs.TrueForAll(p => p.Key.Type == NodeType.String && p.Key.Value is string k && keys.Add(k));
                _literalKeys = distinct ? 1 : 2;
            }

            return _literalKeys == 1;
        }
    }
}

/// <summary>One node of the syntax tree; fields are used according to <see cref="Type"/>.</summary>
internal sealed class Node
{
    public NodeType Type;
    /// <summary>Operator symbol or literal/name value.</summary>
    public object? Value;
    public int Position;

    public Node? Lhs;
    public Node? Rhs;
    public Node? Expression;
    public List<Node>? Expressions;
    public List<(Node Key, Node Value)>? ObjectPairs; // '{' constructor (unary) / group (binary)
    public List<SortTerm>? SortTerms;
    public List<Node>? Arguments;
    public Node? Procedure;
    public Node? Body;
    public Signature? Signature;
    public Node? Condition;
    public Node? Then;
    public Node? Else;
    public Node? Pattern;
    public Node? Update;
    public Node? Delete;
    public List<Node>? Steps;
    public List<Stage>? Predicate;
    public List<Stage>? Stages;
    public GroupSpec? Group;
    /// <summary>An object constructor's pairs as a group spec, made on first evaluation (it caches facts about its keys).</summary>
    public GroupSpec? ObjectSpec;
    public string? Focus;
    public string? Index;
    public bool Tuple;
    public AncestorSlot? Ancestor;
    public AncestorSlot? Slot;
    public List<AncestorSlot>? SeekingParent;
    public bool KeepArray;
    public bool KeepSingletonArray;
    public bool ConsArray;
    public bool Thunk;
    /// <summary>Compiled regex for regex literals.</summary>
    public System.Text.RegularExpressions.Regex? RegexValue;
    public string? RegexSource;

    public string ValueString => Value as string ?? string.Empty;

    private int _plainPath; // 0 unknown, 1 yes, 2 no
    private int _binds; // 0 unknown, 1 yes, 2 no

    /// <summary>
    /// Whether evaluating this subtree could bind a variable in the scope it runs in: a := anywhere, or any function
    /// call (as $eval binds into its caller's scope). A block without either needs no scope of its own.
    /// </summary>
    public bool MayBind
    {
        get
        {
            if (_binds == 0) _binds = ComputeMayBind() ? 1 : 2;
            return _binds == 1;
        }
    }

    private bool ComputeMayBind()
    {
        if (Type is NodeType.Bind or NodeType.Function or NodeType.Partial or NodeType.Apply) return true;
        foreach (var child in Children())
        {
            if (child.MayBind) return true;
        }

        return false;
    }

    private IEnumerable<Node> Children()
    {
        Node?[] singles = [Lhs, Rhs, Expression, Procedure, Body, Condition, Then, Else, Pattern, Update, Delete];
        foreach (var node in singles)
        {
            if (node != null) yield return node;
        }

        foreach (var list in (List<Node>?[])[Expressions, Arguments, Steps])
        {
            if (list == null) continue;
            foreach (var node in list) yield return node;
        }

        foreach (var pairs in (List<(Node Key, Node Value)>?[])[ObjectPairs, Group?.Pairs])
        {
            if (pairs == null) continue;
            foreach (var (key, value) in pairs)
            {
                yield return key;
                yield return value;
            }
        }

        foreach (var term in SortTerms ?? []) yield return term.Expression;
        foreach (var stage in (Predicate ?? []).Concat(Stages ?? []))
        {
            if (stage.Expr != null) yield return stage.Expr;
        }
    }

    /// <summary>
    /// A path of plain field names, optionally starting at a variable (<c>a.b</c>, <c>$l.sku</c>): no predicates,
    /// stages, grouping, focus/index bindings, parent references or array flags anywhere.
    /// </summary>
    public bool IsPlainPath
    {
        get
        {
            if (_plainPath == 0) _plainPath = ComputePlainPath() ? 1 : 2;
            return _plainPath == 1;
        }
    }

    /// <summary>No predicate, grouping, focus/index binding, parent reference or [] on this node itself.</summary>
    public bool HasNoDecorations =>
        Predicate == null && Group == null && Focus == null && Index == null && !Tuple && Ancestor == null && !KeepArray;

    private bool ComputePlainPath()
    {
        if (Type != NodeType.Path || !HasNoDecorations || KeepSingletonArray || SeekingParent != null) return false;
        for (var i = 0; i < Steps!.Count; i++)
        {
            var step = Steps[i];
            if (!step.HasNoDecorations || step.Stages != null || step.ConsArray) return false;
            if (step.Type != NodeType.Name && !(i == 0 && step.Type == NodeType.Variable)) return false;
        }

        return true;
    }

    public Node Clone()
    {
        var n = (Node)MemberwiseClone();
        n.ObjectSpec = null;
        n._plainPath = 0;
        n._binds = 0;
        n.Lhs = Lhs?.Clone();
        n.Rhs = Rhs?.Clone();
        n.Expression = Expression?.Clone();
        n.Expressions = Expressions?.Select(e => e.Clone()).ToList();
        n.ObjectPairs = ObjectPairs?.Select(p => (p.Key.Clone(), p.Value.Clone())).ToList();
        n.SortTerms = SortTerms?.Select(t => new SortTerm { Descending = t.Descending, Expression = t.Expression.Clone() }).ToList();
        n.Arguments = Arguments?.Select(e => e.Clone()).ToList();
        n.Procedure = Procedure?.Clone();
        n.Body = Body?.Clone();
        n.Condition = Condition?.Clone();
        n.Then = Then?.Clone();
        n.Else = Else?.Clone();
        n.Pattern = Pattern?.Clone();
        n.Update = Update?.Clone();
        n.Delete = Delete?.Clone();
        n.Steps = Steps?.Select(e => e.Clone()).ToList();
        n.Predicate = Predicate?.ToList();
        n.Stages = Stages?.ToList();
        n.SeekingParent = SeekingParent?.ToList();
        return n;
    }
}
