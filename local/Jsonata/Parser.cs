using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Jsonata;

internal sealed class Token
{
    public required string Type; // operator, name, variable, string, number, value, regex
    public object? Value;
    public int Position;
}

/// <summary>Turns expression text into tokens (JSONata lexical rules).</summary>
internal sealed class Tokenizer(string path)
{
    private static readonly HashSet<char> OperatorChars =
        ['.', '[', ']', '{', '}', '(', ')', ',', '@', '#', ';', ':', '?', '+', '-', '*', '/', '%', '|', '=', '<', '>', '^', '&', '!', '~'];

    private int _position;
    private readonly int _length = path.Length;

    private char At(int i) => i < _length && i >= 0 ? path[i] : '\0';

    private Token Create(string type, object? value) => new() { Type = type, Value = value, Position = _position };

    public Token? Next(bool prefix)
    {
        while (true)
        {
            if (_position >= _length) return null;
            var c = path[_position];
            while (_position < _length && " \t\n\r\v".Contains(c))
            {
                _position++;
                c = At(_position);
            }
            if (c == '/' && At(_position + 1) == '*')
            {
                var commentStart = _position;
                _position += 2;
                c = At(_position);
                while (!(c == '*' && At(_position + 1) == '/'))
                {
                    c = At(++_position);
                    if (_position >= _length) throw new JsonataException("S0106", commentStart);
                }
                _position += 2;
                continue;
            }
            break;
        }
        var currentChar = At(_position);
        if (_position >= _length) return null;
        if (!prefix && currentChar == '/')
        {
            _position++;
            return ScanRegex();
        }
        var next = At(_position + 1);
        switch (currentChar)
        {
            case '.' when next == '.': _position += 2; return Create("operator", "..");
            case ':' when next == '=': _position += 2; return Create("operator", ":=");
            case '!' when next == '=': _position += 2; return Create("operator", "!=");
            case '>' when next == '=': _position += 2; return Create("operator", ">=");
            case '<' when next == '=': _position += 2; return Create("operator", "<=");
            case '*' when next == '*': _position += 2; return Create("operator", "**");
            case '~' when next == '>': _position += 2; return Create("operator", "~>");
            case '?' when next == ':': _position += 2; return Create("operator", "?:");
            case '?' when next == '?': _position += 2; return Create("operator", "??");
        }
        if (OperatorChars.Contains(currentChar))
        {
            _position++;
            return Create("operator", currentChar.ToString());
        }
        if (currentChar == '"' || currentChar == '\'')
        {
            var quote = currentChar;
            _position++;
            var sb = new StringBuilder();
            while (_position < _length)
            {
                currentChar = path[_position];
                if (currentChar == '\\')
                {
                    _position++;
                    currentChar = At(_position);
                    switch (currentChar)
                    {
                        case '"': sb.Append('"'); break;
                        case '\\': sb.Append('\\'); break;
                        case '/': sb.Append('/'); break;
                        case 'b': sb.Append('\b'); break;
                        case 'f': sb.Append('\f'); break;
                        case 'n': sb.Append('\n'); break;
                        case 'r': sb.Append('\r'); break;
                        case 't': sb.Append('\t'); break;
                        case 'u':
                            var octets = _position + 5 <= _length ? path.Substring(_position + 1, 4) : string.Empty;
                            if (octets.Length == 4 && octets.All(Uri.IsHexDigit))
                            {
                                sb.Append((char)int.Parse(octets, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                                _position += 4;
                            }
                            else
                            {
                                throw new JsonataException("S0104", _position);
                            }
                            break;
                        default:
                            throw new JsonataException("S0103", _position, token: currentChar.ToString());
                    }
                }
                else if (currentChar == quote)
                {
                    _position++;
                    return Create("string", sb.ToString());
                }
                else
                {
                    sb.Append(currentChar);
                }
                _position++;
            }
            throw new JsonataException("S0101", _position);
        }
        var numLength = MatchNumber();
        if (numLength > 0)
        {
            var text = path.Substring(_position, numLength);
            var num = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            if (!double.IsNaN(num) && !double.IsInfinity(num))
            {
                _position += numLength;
                return Create("number", num);
            }
            throw new JsonataException("S0102", _position, token: text);
        }
        if (currentChar == '`')
        {
            _position++;
            var end = path.IndexOf('`', _position);
            if (end != -1)
            {
                var quoted = path[_position..end];
                _position = end + 1;
                return Create("name", quoted);
            }
            _position = _length;
            throw new JsonataException("S0105", _position);
        }
        var i = _position;
        while (true)
        {
            var ch = At(i);
            if (i >= _length || " \t\n\r\v".Contains(ch) || OperatorChars.Contains(ch))
            {
                if (path[_position] == '$')
                {
                    var varName = path.Substring(_position + 1, i - _position - 1);
                    _position = i;
                    return Create("variable", varName);
                }
                var name = path[_position..i];
                _position = i;
                switch (name)
                {
                    case "or":
                    case "in":
                    case "and":
                        return Create("operator", name);
                    case "true":
                        return Create("value", Values.True);
                    case "false":
                        return Create("value", Values.False);
                    case "null":
                        return Create("value", JNull.Value);
                    default:
                        if (_position == _length && name.Length == 0) return null;
                        return Create("name", name);
                }
            }
            i++;
        }
    }

    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([Ee][-+]?[0-9]+)?
    private int MatchNumber()
    {
        var p = _position;
        if (At(p) == '-') p++;
        if (At(p) == '0') p++;
        else if (At(p) >= '1' && At(p) <= '9')
        {
            while (char.IsAsciiDigit(At(p))) p++;
        }
        else return 0;
        if (At(p) == '.' && char.IsAsciiDigit(At(p + 1)))
        {
            p++;
            while (char.IsAsciiDigit(At(p))) p++;
        }
        if (At(p) == 'e' || At(p) == 'E')
        {
            var q = p + 1;
            if (At(q) == '+' || At(q) == '-') q++;
            if (char.IsAsciiDigit(At(q)))
            {
                while (char.IsAsciiDigit(At(q))) q++;
                p = q;
            }
        }
        return p - _position;
    }

    private Token ScanRegex()
    {
        var start = _position;
        var depth = 0;
        while (_position < _length)
        {
            var currentChar = path[_position];
            if (IsClosingSlash(_position, depth))
            {
                var pattern = path[start.._position];
                if (pattern.Length == 0) throw new JsonataException("S0301", _position);
                _position++;
                var flagStart = _position;
                while (At(_position) == 'i' || At(_position) == 'm') _position++;
                var flags = path[flagStart.._position];
                return Create("regex", new RegexLiteral(pattern, flags));
            }
            if ((currentChar == '(' || currentChar == '[' || currentChar == '{') && At(_position - 1) != '\\') depth++;
            if ((currentChar == ')' || currentChar == ']' || currentChar == '}') && At(_position - 1) != '\\') depth--;
            _position++;
        }
        throw new JsonataException("S0302", _position);
    }

    private bool IsClosingSlash(int position, int depth)
    {
        if (path[position] == '/' && depth == 0)
        {
            var backslashes = 0;
            while (At(position - (backslashes + 1)) == '\\') backslashes++;
            return backslashes % 2 == 0;
        }
        return false;
    }
}

/// <summary>A regex literal as written: pattern and flags.</summary>
internal sealed class RegexLiteral(string pattern, string flags)
{
    public string Pattern { get; } = pattern;
    public string Flags { get; } = flags;

    public Regex Compile()
    {
        var options = RegexOptions.CultureInvariant;
        if (Flags.Contains('i')) options |= RegexOptions.IgnoreCase;
        if (Flags.Contains('m')) options |= RegexOptions.Multiline;
        return new Regex(JsRegexTranslator.Translate(Pattern, Flags.Contains('m')), options);
    }
}

internal static class JsRegexTranslator
{
    /// <summary>Adapts the few JavaScript regex constructs that .NET reads differently.</summary>
    public static string Translate(string pattern, bool multiline)
    {
        var sb = new StringBuilder(pattern.Length + 8);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var n = pattern[i + 1];
                if (n == 'd') sb.Append(inClass ? "0-9" : "[0-9]");
                else sb.Append(c).Append(n);
                i++;
                continue;
            }
            if (c == '[' && !inClass)
            {
                if (i + 2 < pattern.Length && pattern[i + 1] == '^' && pattern[i + 2] == ']')
                {
                    sb.Append(@"[\s\S]");
                    i += 2;
                    continue;
                }
                inClass = true;
            }
            else if (c == ']' && inClass)
            {
                inClass = false;
            }
            else if (c == '$' && !inClass && !multiline)
            {
                // JavaScript's $ (without m) matches only at the very end
                sb.Append(@"\z");
                continue;
            }
            sb.Append(c);
        }
        return sb.ToString();
    }
}

/// <summary>Pratt parser plus the post-parse pass that turns '.' and '[' into paths, steps and stages.</summary>
internal sealed class Parser
{
    private static readonly Dictionary<string, int> BindingPowers = new()
    {
        ["."] = 75, ["["] = 80, ["{"] = 70, ["("] = 80, ["@"] = 80, ["#"] = 80, ["?"] = 20,
        ["+"] = 50, ["-"] = 50, ["*"] = 60, ["/"] = 60, ["%"] = 60, ["="] = 40, ["<"] = 40, [">"] = 40,
        ["^"] = 40, [":="] = 10, ["!="] = 40, ["<="] = 40, [">="] = 40, ["~>"] = 40, ["?:"] = 40, ["??"] = 40,
        ["and"] = 30, ["or"] = 25, ["in"] = 40, ["&"] = 50,
    };

    private static readonly HashSet<string> KnownSymbols =
        [":", ";", ",", ")", "]", "}", "..", ".", "+", "-", "*", "/", "%", "=", "<", ">", "!=", "<=", ">=", "&", "and", "or", "in",
         "~>", "??", "**", "(", "[", "^", "{", ":=", "@", "#", "?", "?:", "|"];

    private readonly string _source;
    private readonly Tokenizer _lexer;
    private PNode _node = null!;
    private int _ancestorLabel;
    private int _ancestorIndex;
    private readonly List<Node> _ancestry = [];

    /// <summary>Parse-time node: the token being looked at plus the tree built so far.</summary>
    private sealed class PNode
    {
        public required string Id;
        public required Node N;
        public int Lbp;
    }

    private Parser(string source)
    {
        _source = source;
        _lexer = new Tokenizer(source);
    }

    public static Node Parse(string source)
    {
        var p = new Parser(source);
        p.Advance(null, false);
        var expr = p.Expression(0);
        if (p._node.Id != "(end)")
        {
            throw new JsonataException("S0201", p._node.N.Position, token: TokenText(p._node.N.Value));
        }
        var result = p.ProcessAst(expr);
        if (result.Type == NodeType.Parent || result.SeekingParent != null)
        {
            throw new JsonataException("S0217", result.Position, token: result.Type.ToString().ToLowerInvariant());
        }
        return result;
    }

    private static string? TokenText(object? value) => value switch
    {
        null => null,
        string s => s,
        double d => Values.FormatNumber(d),
        bool b => b ? "true" : "false",
        JNull => "null",
        RegexLiteral r => "/" + r.Pattern + "/" + r.Flags,
        _ => value.ToString(),
    };

    private PNode Advance(string? id, bool infix)
    {
        if (id != null && _node.Id != id)
        {
            var code = _node.Id == "(end)" ? "S0203" : "S0202";
            throw new JsonataException(code, _node.N.Position, token: TokenText(_node.N.Value), value: id);
        }
        var next = _lexer.Next(infix);
        if (next == null)
        {
            _node = new PNode { Id = "(end)", N = new Node { Type = NodeType.End, Value = "(end)", Position = _source.Length } };
            return _node;
        }
        string symbolId;
        NodeType type;
        switch (next.Type)
        {
            case "name":
                symbolId = "(name)"; type = NodeType.Name; break;
            case "variable":
                symbolId = "(name)"; type = NodeType.Variable; break;
            case "operator":
                symbolId = (string)next.Value!;
                if (!KnownSymbols.Contains(symbolId)) throw new JsonataException("S0204", next.Position, token: symbolId);
                type = NodeType.Operator;
                break;
            case "string":
                symbolId = "(literal)"; type = NodeType.String; break;
            case "number":
                symbolId = "(literal)"; type = NodeType.Number; break;
            case "value":
                symbolId = "(literal)"; type = NodeType.Value; break;
            case "regex":
                symbolId = "(regex)"; type = NodeType.Regex; break;
            default:
                throw new JsonataException("S0205", next.Position, token: TokenText(next.Value));
        }
        var node = new Node { Type = type, Value = next.Value, Position = next.Position };
        if (next.Value is RegexLiteral rl)
        {
            node.RegexSource = rl.Pattern;
        }
        _node = new PNode { Id = symbolId, N = node, Lbp = BindingPowers.GetValueOrDefault(symbolId) };
        if (symbolId is "**" or "|" or "..") _node.Lbp = 0;
        return _node;
    }

    private Node Expression(int rbp)
    {
        var t = _node;
        Advance(null, true);
        var left = Nud(t);
        while (rbp < _node.Lbp)
        {
            t = _node;
            Advance(null, false);
            left = Led(t, left);
        }
        return left;
    }

    private Node Nud(PNode t)
    {
        var self = t.N;
        switch (t.Id)
        {
            case "(name)":
            case "(literal)":
            case "(regex)":
            case "(end)":
            case "and":
            case "or":
            case "in":
                return self;
            case "-":
                self.Expression = Expression(70);
                self.Type = NodeType.Unary;
                return self;
            case "*":
                self.Type = NodeType.Wildcard;
                return self;
            case "**":
                self.Type = NodeType.Descendant;
                return self;
            case "%":
                self.Type = NodeType.Parent;
                return self;
            case "(":
            {
                var expressions = new List<Node>();
                while (_node.Id != ")")
                {
                    expressions.Add(Expression(0));
                    if (_node.Id != ";") break;
                    Advance(";", false);
                }
                Advance(")", true);
                self.Type = NodeType.Block;
                self.Expressions = expressions;
                return self;
            }
            case "[":
            {
                var items = new List<Node>();
                if (_node.Id != "]")
                {
                    while (true)
                    {
                        var item = Expression(0);
                        if (_node.Id == "..")
                        {
                            var range = new Node { Type = NodeType.Binary, Value = "..", Position = _node.N.Position, Lhs = item };
                            Advance("..", false);
                            range.Rhs = Expression(0);
                            item = range;
                        }
                        items.Add(item);
                        if (_node.Id != ",") break;
                        Advance(",", false);
                    }
                }
                Advance("]", true);
                self.Expressions = items;
                self.Type = NodeType.Unary;
                return self;
            }
            case "{":
                self.ObjectPairs = ParseObjectPairs();
                self.Type = NodeType.Unary;
                return self;
            case "|":
                self.Type = NodeType.Transform;
                self.Pattern = Expression(0);
                Advance("|", false);
                self.Update = Expression(0);
                if (_node.Id == ",")
                {
                    Advance(",", false);
                    self.Delete = Expression(0);
                }
                Advance("|", false);
                return self;
            default:
                throw new JsonataException("S0211", self.Position, token: TokenText(self.Value));
        }
    }

    private List<(Node, Node)> ParseObjectPairs()
    {
        var pairs = new List<(Node, Node)>();
        if (_node.Id != "}")
        {
            while (true)
            {
                var n = Expression(0);
                Advance(":", false);
                var v = Expression(0);
                pairs.Add((n, v));
                if (_node.Id != ",") break;
                Advance(",", false);
            }
        }
        Advance("}", true);
        return pairs;
    }

    private Node Led(PNode t, Node left)
    {
        var self = t.N;
        var op = t.Id;
        switch (op)
        {
            case "(":
                return ParseInvocation(self, left);
            case "[":
                if (_node.Id == "]")
                {
                    var step = left;
                    while (step.Type == NodeType.Binary && (string?)step.Value == "[") step = step.Lhs!;
                    step.KeepArray = true;
                    Advance("]", false);
                    return left;
                }
                self.Lhs = left;
                self.Rhs = Expression(0);
                self.Type = NodeType.Binary;
                Advance("]", true);
                return self;
            case "^":
            {
                Advance("(", false);
                var terms = new List<SortTerm>();
                while (true)
                {
                    var descending = false;
                    if (_node.Id == "<") Advance("<", false);
                    else if (_node.Id == ">")
                    {
                        descending = true;
                        Advance(">", false);
                    }
                    terms.Add(new SortTerm { Descending = descending, Expression = Expression(0) });
                    if (_node.Id != ",") break;
                    Advance(",", false);
                }
                Advance(")", false);
                self.Lhs = left;
                self.SortTerms = terms;
                self.Type = NodeType.Binary;
                return self;
            }
            case "{":
                self.Lhs = left;
                self.ObjectPairs = ParseObjectPairs();
                self.Type = NodeType.Binary;
                return self;
            case ":=":
                if (left.Type != NodeType.Variable) throw new JsonataException("S0212", left.Position, token: TokenText(left.Value));
                self.Lhs = left;
                self.Rhs = Expression(BindingPowers[":="] - 1);
                self.Type = NodeType.Binary;
                return self;
            case "@":
            case "#":
                self.Lhs = left;
                self.Rhs = Expression(BindingPowers[op]);
                if (self.Rhs.Type != NodeType.Variable) throw new JsonataException("S0214", self.Rhs.Position, token: op);
                self.Type = NodeType.Binary;
                return self;
            case "?":
                self.Type = NodeType.Condition;
                self.Condition = left;
                self.Then = Expression(0);
                if (_node.Id == ":")
                {
                    Advance(":", false);
                    self.Else = Expression(0);
                }
                return self;
            case "?:":
                self.Type = NodeType.Condition;
                self.Condition = left.Clone();
                self.Then = left;
                self.Else = Expression(0);
                return self;
            case "??":
                self.Type = NodeType.Condition;
                self.Condition = new Node
                {
                    Type = NodeType.Function,
                    Value = "(",
                    Position = self.Position,
                    Procedure = new Node { Type = NodeType.Variable, Value = "exists", Position = self.Position },
                    Arguments = [left.Clone()],
                };
                self.Then = left;
                self.Else = Expression(0);
                return self;
            default:
                if (!BindingPowers.TryGetValue(op, out var bp))
                {
                    throw new JsonataException("S0201", self.Position, token: op);
                }
                self.Lhs = left;
                self.Rhs = Expression(bp);
                self.Type = NodeType.Binary;
                return self;
        }
    }

    private Node ParseInvocation(Node self, Node left)
    {
        self.Procedure = left;
        self.Type = NodeType.Function;
        self.Arguments = [];
        if (_node.Id != ")")
        {
            while (true)
            {
                if (_node.N.Type == NodeType.Operator && _node.Id == "?")
                {
                    self.Type = NodeType.Partial;
                    self.Arguments.Add(_node.N);
                    Advance("?", false);
                }
                else
                {
                    self.Arguments.Add(Expression(0));
                }
                if (_node.Id != ",") break;
                Advance(",", false);
            }
        }
        Advance(")", true);
        if (left.Type == NodeType.Name && (left.ValueString == "function" || left.ValueString == "\u03BB"))
        {
            for (var i = 0; i < self.Arguments.Count; i++)
            {
                var arg = self.Arguments[i];
                if (arg.Type != NodeType.Variable)
                {
                    throw new JsonataException("S0208", arg.Position, token: TokenText(arg.Value), value: (i + 1).ToString(CultureInfo.InvariantCulture));
                }
            }
            self.Type = NodeType.Lambda;
            if (_node.Id == "<")
            {
                var sigPos = _node.N.Position;
                var depth = 1;
                var sig = new StringBuilder("<");
                while (depth > 0 && _node.Id != "{" && _node.Id != "(end)")
                {
                    var tok = Advance(null, false);
                    if (tok.Id == ">") depth--;
                    else if (tok.Id == "<") depth++;
                    sig.Append(TokenText(tok.N.Value));
                }
                Advance(">", false);
                try
                {
                    self.Signature = Signature.Parse(sig.ToString());
                }
                catch (JsonataException ex)
                {
                    throw new JsonataException(ex.Code, sigPos + ex.Position, ex.Token, ex.Value);
                }
            }
            Advance("{", false);
            self.Body = Expression(0);
            Advance("}", false);
        }
        return self;
    }

    // ---------------- post-parse processing ----------------

    private static Node TailCallOptimize(Node expr)
    {
        if (expr.Type == NodeType.Function && expr.Predicate == null)
        {
            return new Node { Type = NodeType.Lambda, Thunk = true, Arguments = [], Position = expr.Position, Body = expr };
        }
        if (expr.Type == NodeType.Condition)
        {
            expr.Then = TailCallOptimize(expr.Then!);
            if (expr.Else != null) expr.Else = TailCallOptimize(expr.Else);
            return expr;
        }
        if (expr.Type == NodeType.Block)
        {
            var n = expr.Expressions!.Count;
            if (n > 0) expr.Expressions[n - 1] = TailCallOptimize(expr.Expressions[n - 1]);
            return expr;
        }
        return expr;
    }

    private AncestorSlot SeekParent(Node node, AncestorSlot slot)
    {
        switch (node.Type)
        {
            case NodeType.Name:
            case NodeType.Wildcard:
                slot.Level--;
                if (slot.Level == 0)
                {
                    if (node.Ancestor == null)
                    {
                        node.Ancestor = slot;
                    }
                    else
                    {
                        _ancestry[slot.Index].Slot!.Label = node.Ancestor.Label;
                        node.Ancestor = slot;
                    }
                    node.Tuple = true;
                }
                break;
            case NodeType.Parent:
                slot.Level++;
                break;
            case NodeType.Block:
                if (node.Expressions!.Count > 0)
                {
                    node.Tuple = true;
                    slot = SeekParent(node.Expressions[^1], slot);
                }
                break;
            case NodeType.Path:
                node.Tuple = true;
                var index = node.Steps!.Count - 1;
                slot = SeekParent(node.Steps[index--], slot);
                while (slot.Level > 0 && index >= 0) slot = SeekParent(node.Steps[index--], slot);
                break;
            default:
                throw new JsonataException("S0217", node.Position, token: node.Type.ToString().ToLowerInvariant());
        }
        return slot;
    }

    private static void PushAncestry(Node result, Node value)
    {
        if (value.SeekingParent != null || value.Type == NodeType.Parent)
        {
            var slots = value.SeekingParent ?? [];
            if (value.Type == NodeType.Parent) slots.Add(value.Slot!);
            if (result.SeekingParent == null) result.SeekingParent = slots;
            else result.SeekingParent.AddRange(slots);
        }
    }

    private void ResolveAncestry(Node path)
    {
        var steps = path.Steps!;
        var laststep = steps[^1];
        var slots = laststep.SeekingParent ?? [];
        if (laststep.Type == NodeType.Parent) slots.Add(laststep.Slot!);
        for (var s = 0; s < slots.Count; s++)
        {
            var slot = slots[s];
            var index = steps.Count - 2;
            while (slot.Level > 0)
            {
                if (index < 0)
                {
                    path.SeekingParent ??= [];
                    path.SeekingParent.Add(slot);
                    break;
                }
                var step = steps[index--];
                while (index >= 0 && step.Focus != null && steps[index].Focus != null) step = steps[index--];
                slot = SeekParent(step, slot);
            }
        }
    }

    private Node ProcessAst(Node expr)
    {
        Node result;
        switch (expr.Type)
        {
            case NodeType.Binary:
                result = ProcessBinary(expr);
                break;
            case NodeType.Unary:
                result = new Node { Type = NodeType.Unary, Value = expr.Value, Position = expr.Position };
                if ((string?)expr.Value == "[")
                {
                    result.Expressions = expr.Expressions!.Select(item =>
                    {
                        var value = ProcessAst(item);
                        PushAncestry(result, value);
                        return value;
                    }).ToList();
                }
                else if ((string?)expr.Value == "{")
                {
                    result.ObjectPairs = expr.ObjectPairs!.Select(pair =>
                    {
                        var key = ProcessAst(pair.Key);
                        PushAncestry(result, key);
                        var value = ProcessAst(pair.Value);
                        PushAncestry(result, value);
                        return (key, value);
                    }).ToList();
                }
                else
                {
                    result.Expression = ProcessAst(expr.Expression!);
                    if ((string?)expr.Value == "-" && result.Expression.Type == NodeType.Number)
                    {
                        result = result.Expression;
                        result.Value = -(double)result.Value!;
                    }
                    else
                    {
                        PushAncestry(result, result.Expression);
                    }
                }
                break;
            case NodeType.Function:
            case NodeType.Partial:
                result = new Node { Type = expr.Type, Value = expr.Value, Position = expr.Position };
                result.Arguments = expr.Arguments!.Select(arg =>
                {
                    var argAst = ProcessAst(arg);
                    PushAncestry(result, argAst);
                    return argAst;
                }).ToList();
                result.Procedure = ProcessAst(expr.Procedure!);
                break;
            case NodeType.Lambda:
                result = new Node
                {
                    Type = NodeType.Lambda,
                    Arguments = expr.Arguments,
                    Signature = expr.Signature,
                    Position = expr.Position,
                    Thunk = expr.Thunk,
                };
                result.Body = TailCallOptimize(ProcessAst(expr.Body!));
                break;
            case NodeType.Condition:
                result = new Node { Type = NodeType.Condition, Position = expr.Position };
                result.Condition = ProcessAst(expr.Condition!);
                PushAncestry(result, result.Condition);
                result.Then = ProcessAst(expr.Then!);
                PushAncestry(result, result.Then);
                if (expr.Else != null)
                {
                    result.Else = ProcessAst(expr.Else);
                    PushAncestry(result, result.Else);
                }
                break;
            case NodeType.Transform:
                result = new Node { Type = NodeType.Transform, Position = expr.Position };
                result.Pattern = ProcessAst(expr.Pattern!);
                result.Update = ProcessAst(expr.Update!);
                if (expr.Delete != null) result.Delete = ProcessAst(expr.Delete);
                break;
            case NodeType.Block:
                result = new Node { Type = NodeType.Block, Position = expr.Position };
                result.Expressions = expr.Expressions!.Select(item =>
                {
                    var part = ProcessAst(item);
                    PushAncestry(result, part);
                    if (part.ConsArray || (part.Type == NodeType.Path && part.Steps![0].ConsArray)) result.ConsArray = true;
                    return part;
                }).ToList();
                break;
            case NodeType.Name:
                result = new Node { Type = NodeType.Path, Steps = [expr], Position = expr.Position };
                if (expr.KeepArray) result.KeepSingletonArray = true;
                break;
            case NodeType.Parent:
                result = new Node
                {
                    Type = NodeType.Parent,
                    Position = expr.Position,
                    Slot = new AncestorSlot { Label = "!" + _ancestorLabel++, Level = 1, Index = _ancestorIndex++ },
                };
                _ancestry.Add(result);
                break;
            case NodeType.String:
            case NodeType.Number:
            case NodeType.Value:
            case NodeType.Wildcard:
            case NodeType.Descendant:
            case NodeType.Variable:
            case NodeType.Regex:
                result = expr;
                if (expr.Type == NodeType.Regex && expr.RegexValue == null && expr.Value is RegexLiteral rl)
                {
                    result.RegexValue = rl.Compile();
                }
                break;
            case NodeType.Operator:
                var op = expr.ValueString;
                if (op is "and" or "or" or "in")
                {
                    expr.Type = NodeType.Name;
                    result = ProcessAst(expr);
                }
                else if (op == "?")
                {
                    result = expr;
                }
                else
                {
                    throw new JsonataException("S0201", expr.Position, token: op);
                }
                break;
            default:
                var code = expr.Type == NodeType.End ? "S0207" : "S0206";
                throw new JsonataException(code, expr.Position, token: TokenText(expr.Value));
        }
        if (expr.KeepArray) result.KeepArray = true;
        return result;
    }

    private Node ProcessBinary(Node expr)
    {
        Node result;
        var op = expr.ValueString;
        switch (op)
        {
            case ".":
            {
                var lstep = ProcessAst(expr.Lhs!);
                result = lstep.Type == NodeType.Path ? lstep : new Node { Type = NodeType.Path, Steps = [lstep], Position = lstep.Position };
                if (lstep.Type == NodeType.Parent) result.SeekingParent = [lstep.Slot!];
                var rest = ProcessAst(expr.Rhs!);
                if (rest.Type == NodeType.Path)
                {
                    result.Steps!.AddRange(rest.Steps!);
                }
                else
                {
                    if (rest.Predicate != null)
                    {
                        rest.Stages = rest.Predicate;
                        rest.Predicate = null;
                    }
                    result.Steps!.Add(rest);
                }
                foreach (var step in result.Steps!)
                {
                    if (step.Type is NodeType.Number or NodeType.Value)
                    {
                        throw new JsonataException("S0213", step.Position, value: TokenText(step.Value));
                    }
                    if (step.Type == NodeType.String) step.Type = NodeType.Name;
                }
                if (result.Steps.Any(s => s.KeepArray)) result.KeepSingletonArray = true;
                var firststep = result.Steps[0];
                if (firststep.Type == NodeType.Unary && (string?)firststep.Value == "[") firststep.ConsArray = true;
                var laststep = result.Steps[^1];
                if (laststep.Type == NodeType.Unary && (string?)laststep.Value == "[") laststep.ConsArray = true;
                ResolveAncestry(result);
                break;
            }
            case "[":
            {
                result = ProcessAst(expr.Lhs!);
                var step = result;
                var isStages = false;
                if (result.Type == NodeType.Path)
                {
                    step = result.Steps![^1];
                    isStages = true;
                }
                if (step.Group != null) throw new JsonataException("S0209", expr.Position);
                var predicate = ProcessAst(expr.Rhs!);
                if (predicate.SeekingParent != null)
                {
                    foreach (var slot in predicate.SeekingParent)
                    {
                        if (slot.Level == 1) SeekParent(step, slot);
                        else slot.Level--;
                    }
                    PushAncestry(step, predicate);
                }
                var stage = new Stage { Kind = "filter", Expr = predicate, Position = expr.Position };
                if (isStages) (step.Stages ??= []).Add(stage);
                else (step.Predicate ??= []).Add(stage);
                break;
            }
            case "{":
            {
                result = ProcessAst(expr.Lhs!);
                if (result.Group != null) throw new JsonataException("S0210", expr.Position);
                result.Group = new GroupSpec
                {
                    Pairs = expr.ObjectPairs!.Select(p => (ProcessAst(p.Key), ProcessAst(p.Value))).ToList(),
                    Position = expr.Position,
                };
                break;
            }
            case "^":
            {
                result = ProcessAst(expr.Lhs!);
                if (result.Type != NodeType.Path) result = new Node { Type = NodeType.Path, Steps = [result], Position = result.Position };
                var sortStep = new Node { Type = NodeType.Sort, Position = expr.Position };
                sortStep.SortTerms = expr.SortTerms!.Select(term =>
                {
                    var e = ProcessAst(term.Expression);
                    PushAncestry(sortStep, e);
                    return new SortTerm { Descending = term.Descending, Expression = e };
                }).ToList();
                result.Steps!.Add(sortStep);
                ResolveAncestry(result);
                break;
            }
            case ":=":
                result = new Node { Type = NodeType.Bind, Value = expr.Value, Position = expr.Position };
                result.Lhs = ProcessAst(expr.Lhs!);
                result.Rhs = ProcessAst(expr.Rhs!);
                PushAncestry(result, result.Rhs);
                break;
            case "@":
            {
                result = ProcessAst(expr.Lhs!);
                var step = result;
                if (result.Type == NodeType.Path) step = result.Steps![^1];
                if (step.Stages != null || step.Predicate != null) throw new JsonataException("S0215", expr.Position);
                if (step.Type == NodeType.Sort) throw new JsonataException("S0216", expr.Position);
                if (expr.KeepArray) step.KeepArray = true;
                step.Focus = expr.Rhs!.ValueString;
                step.Tuple = true;
                break;
            }
            case "#":
            {
                result = ProcessAst(expr.Lhs!);
                var step = result;
                if (result.Type == NodeType.Path)
                {
                    step = result.Steps![^1];
                }
                else
                {
                    result = new Node { Type = NodeType.Path, Steps = [result], Position = result.Position };
                    if (step.Predicate != null)
                    {
                        step.Stages = step.Predicate;
                        step.Predicate = null;
                    }
                }
                if (step.Stages == null) step.Index = expr.Rhs!.ValueString;
                else step.Stages.Add(new Stage { Kind = "index", Value = expr.Rhs!.ValueString, Position = expr.Position });
                step.Tuple = true;
                break;
            }
            case "~>":
                result = new Node { Type = NodeType.Apply, Value = expr.Value, Position = expr.Position };
                result.Lhs = ProcessAst(expr.Lhs!);
                result.Rhs = ProcessAst(expr.Rhs!);
                result.KeepArray = result.Lhs.KeepArray || result.Rhs.KeepArray;
                break;
            default:
                result = new Node { Type = NodeType.Binary, Value = expr.Value, Position = expr.Position };
                result.Lhs = ProcessAst(expr.Lhs!);
                result.Rhs = ProcessAst(expr.Rhs!);
                PushAncestry(result, result.Lhs);
                PushAncestry(result, result.Rhs);
                break;
        }
        return result;
    }
}
