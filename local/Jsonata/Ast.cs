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

    public Node Clone()
    {
        var n = (Node)MemberwiseClone();
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
