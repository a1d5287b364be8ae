using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace StatesLanguage.Json;

/// <summary>A compiled JSONPath expression in the dialect AWS Step Functions accepts (Jayway-like).</summary>
public sealed class JsonPath
{
    private readonly Segment[] _segments;

    private JsonPath(string text, bool isContext, IReadOnlyList<Segment> segments, string? variableName = null)
    {
        Text = text;
        IsContextPath = isContext;
        VariableName = variableName;
        _segments = [.. segments];
        IsDefinite = segments.All(s => s.IsDefinite);
    }

    /// <summary>The source text, e.g. <c>$.a.b</c>.</summary>
    public string Text { get; }

    /// <summary>True when the path starts with <c>$$</c> and addresses the context object.</summary>
    public bool IsContextPath { get; }

    /// <summary>The workflow variable the path starts from (<c>$name.a</c> → "name"); null for <c>$</c> and <c>$$</c>.</summary>
    public string? VariableName { get; }

    /// <summary>
    /// The value this path starts from: the context object for <c>$$</c>, a variable for <c>$name</c> (false when the
    /// variable is not assigned), the input otherwise.
    /// </summary>
    public bool TryGetRoot(JsonNode? input, JsonNode? context, out JsonNode? root)
    {
        if (IsContextPath)
        {
            root = context;
            return true;
        }
        if (VariableName is null)
        {
            root = input;
            return true;
        }
        if (Runtime.VariableScope.Of(context) is { } variables && variables.TryGet(VariableName, out root))
        {
            return true;
        }
        root = null;
        return false;
    }

    /// <summary>Evaluates against the root <see cref="TryGetRoot"/> picks.</summary>
    public bool TryEvaluate(JsonNode? input, JsonNode? context, out JsonNode? value)
    {
        if (!TryGetRoot(input, context, out var root))
        {
            value = null;
            return false;
        }
        return TryEvaluate(root, out value);
    }

    /// <summary>True when the path selects at most one node (no wildcard, slice, filter or descent).</summary>
    public bool IsDefinite { get; }

    /// <summary>True for a "reference path" (only names and indexes), the form ResultPath requires.</summary>
    public bool IsReferencePath => IsDefinite && _segments.All(s => s is NameSegment or IndexSegment);

    internal IReadOnlyList<Segment> Segments => _segments;

    /// <summary>Parses a path or throws <see cref="FormatException"/> with the reason.</summary>
    public static JsonPath Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Parsed.TryGetValue(text, out var cached))
        {
            return cached;
        }
        var path = new Parser(text).ParsePath();
        // Paths come from definitions, so the set is small; the bound only guards against paths built at run time.
        if (Parsed.Count >= MaxCachedPaths)
        {
            Parsed.Clear();
        }
        Parsed.TryAdd(text, path);
        return path;
    }

    private const int MaxCachedPaths = 4096;

    // A compiled path is immutable, so one instance serves every evaluation of the same text.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, JsonPath> Parsed = new(StringComparer.Ordinal);

    /// <summary>Parses a path, returning false (and the reason) when the text is not a valid path.</summary>
    public static bool TryParse(string text, out JsonPath? path, out string? error)
    {
        try
        {
            path = Parse(text);
            error = null;
            return true;
        }
        catch (FormatException ex)
        {
            path = null;
            error = ex.Message;
            return false;
        }
    }

    /// <summary>Every node the path selects (values are the original nodes, not copies).</summary>
    public IReadOnlyList<JsonNode?> SelectAll(JsonNode? root)
    {
        IEnumerable<JsonNode?> current = [root];
        foreach (var segment in _segments)
        {
            current = current.SelectMany(segment.Apply).ToList();
        }
        return current.ToList();
    }

    /// <summary>
    /// Evaluates as Step Functions does: a definite path yields its single value (false when absent);
    /// an indefinite path yields an array of the matches (possibly empty).
    /// </summary>
    public bool TryEvaluate(JsonNode? root, out JsonNode? value)
    {
        if (IsDefinite)
        {
            return TryWalk(root, out value);
        }
        var matches = SelectAll(root);
        var array = new JsonArray();
        foreach (var match in matches)
        {
            array.Add(JsonUtil.Clone(match));
        }
        value = array;
        return true;
    }

    /// <summary>A definite path (names and indexes only) selects at most one node: follow it without building lists.</summary>
    private bool TryWalk(JsonNode? node, out JsonNode? value)
    {
        foreach (var segment in _segments)
        {
            switch (segment)
            {
                case NameSegment name when node is JsonObject obj && obj.TryGetPropertyValue(name.Name, out var child):
                    node = child;
                    break;
                case IndexSegment index when node is JsonArray array:
                    var i = index.Index < 0 ? array.Count + index.Index : index.Index;
                    if (i < 0 || i >= array.Count)
                    {
                        value = null;
                        return false;
                    }
                    node = array[i];
                    break;
                default:
                    value = null;
                    return false;
            }
        }
        value = node;
        return true;
    }

    public override string ToString() => Text;

    internal abstract class Segment
    {
        public abstract bool IsDefinite { get; }
        public abstract IEnumerable<JsonNode?> Apply(JsonNode? node);
    }

    internal sealed class NameSegment(string name) : Segment
    {
        public string Name { get; } = name;
        public override bool IsDefinite => true;

        public override IEnumerable<JsonNode?> Apply(JsonNode? node)
        {
            if (node is JsonObject obj && obj.TryGetPropertyValue(Name, out var child))
            {
                yield return child;
            }
        }
    }

    internal sealed class IndexSegment(int index) : Segment
    {
        public int Index { get; } = index;
        public override bool IsDefinite => true;

        public override IEnumerable<JsonNode?> Apply(JsonNode? node)
        {
            if (node is JsonArray array)
            {
                var i = Index < 0 ? array.Count + Index : Index;
                if (i >= 0 && i < array.Count)
                {
                    yield return array[i];
                }
            }
        }
    }

    private sealed class UnionSegment(IReadOnlyList<Segment> parts) : Segment
    {
        public override bool IsDefinite => false;
        public override IEnumerable<JsonNode?> Apply(JsonNode? node) => parts.SelectMany(p => p.Apply(node));
    }

    private sealed class WildcardSegment : Segment
    {
        public override bool IsDefinite => false;

        public override IEnumerable<JsonNode?> Apply(JsonNode? node) => node switch
        {
            JsonObject obj => obj.Select(p => p.Value),
            JsonArray array => array,
            _ => [],
        };
    }

    private sealed class SliceSegment(int? start, int? end, int step) : Segment
    {
        public override bool IsDefinite => false;

        public override IEnumerable<JsonNode?> Apply(JsonNode? node)
        {
            if (node is not JsonArray array || step == 0)
            {
                yield break;
            }
            var count = array.Count;
            int Normalize(int v) => v < 0 ? Math.Max(0, count + v) : Math.Min(v, count);
            var from = start.HasValue ? Normalize(start.Value) : 0;
            var to = end.HasValue ? Normalize(end.Value) : count;
            if (step > 0)
            {
                for (var i = from; i < to; i += step)
                {
                    yield return array[i];
                }
            }
        }
    }

    private sealed class DescendantSegment(Segment inner) : Segment
    {
        public override bool IsDefinite => false;

        public override IEnumerable<JsonNode?> Apply(JsonNode? node)
        {
            var results = new List<JsonNode?>();
            Walk(node, results);
            return results;
        }

        private void Walk(JsonNode? node, List<JsonNode?> results)
        {
            results.AddRange(inner.Apply(node));
            switch (node)
            {
                case JsonObject obj:
                    foreach (var property in obj)
                    {
                        Walk(property.Value, results);
                    }
                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        Walk(item, results);
                    }
                    break;
            }
        }
    }

    private sealed class FilterSegment(FilterExpression filter) : Segment
    {
        public override bool IsDefinite => false;

        public override IEnumerable<JsonNode?> Apply(JsonNode? node)
        {
            IEnumerable<JsonNode?> candidates = node switch
            {
                JsonArray array => array,
                JsonObject obj => obj.Select(p => p.Value),
                _ => [],
            };
            return candidates.Where(filter.Matches).ToList();
        }
    }

    private abstract class FilterExpression
    {
        public abstract bool Matches(JsonNode? item);
    }

    private sealed class ExistsFilter(JsonPath relative) : FilterExpression
    {
        public override bool Matches(JsonNode? item) => relative.SelectAll(item).Count > 0;
    }

    private sealed class LogicalFilter(FilterExpression left, FilterExpression right, bool isAnd) : FilterExpression
    {
        public override bool Matches(JsonNode? item) => isAnd
            ? left.Matches(item) && right.Matches(item)
            : left.Matches(item) || right.Matches(item);
    }

    private sealed class ComparisonFilter(JsonPath relative, string op, JsonNode? literal) : FilterExpression
    {
        public override bool Matches(JsonNode? item)
        {
            var found = relative.SelectAll(item);
            if (found.Count == 0)
            {
                return false;
            }
            var value = found[0];
            if (op is "==" or "!=")
            {
                var equal = JsonUtil.DeepEquals(value, literal);
                return op == "==" ? equal : !equal;
            }
            if (JsonUtil.TryGetNumber(value, out var a) && JsonUtil.TryGetNumber(literal, out var b))
            {
                return Compare(a.CompareTo(b));
            }
            if (JsonUtil.TryGetString(value, out var sa) && JsonUtil.TryGetString(literal, out var sb))
            {
                return Compare(string.CompareOrdinal(sa, sb));
            }
            return false;
        }

        private bool Compare(int c) => op switch
        {
            "<" => c < 0,
            "<=" => c <= 0,
            ">" => c > 0,
            ">=" => c >= 0,
            _ => false,
        };
    }

    private sealed class Parser(string text)
    {
        private int _pos;

        public JsonPath ParsePath()
        {
            if (!text.StartsWith('$'))
            {
                throw new FormatException($"The path '{text}' must start with '$'.");
            }
            _pos = 1;
            var isContext = false;
            if (_pos < text.Length && text[_pos] == '$')
            {
                isContext = true;
                _pos++;
            }
            string? variable = null;
            if (!isContext && _pos < text.Length && (char.IsAsciiLetter(text[_pos]) || text[_pos] == '_'))
            {
                var start = _pos;
                while (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] == '_'))
                {
                    _pos++;
                }
                variable = text[start.._pos];
            }
            var segments = new List<Segment>();
            while (_pos < text.Length)
            {
                segments.Add(ParseSegment());
            }
            return new JsonPath(text, isContext, segments, variable);
        }

        private Segment ParseSegment()
        {
            var c = text[_pos];
            if (c == '.')
            {
                if (_pos + 1 < text.Length && text[_pos + 1] == '.')
                {
                    _pos += 2;
                    if (_pos < text.Length && text[_pos] == '[')
                    {
                        return new DescendantSegment(ParseBracket());
                    }
                    return new DescendantSegment(ParseDotName());
                }
                _pos++;
                return ParseDotName();
            }
            if (c == '[')
            {
                return ParseBracket();
            }
            throw Error($"unexpected character '{c}'");
        }

        private Segment ParseDotName()
        {
            if (_pos < text.Length && text[_pos] == '*')
            {
                _pos++;
                return new WildcardSegment();
            }
            var start = _pos;
            while (_pos < text.Length && text[_pos] != '.' && text[_pos] != '[')
            {
                _pos++;
            }
            var name = text[start.._pos];
            if (name.Length == 0)
            {
                throw Error("empty property name");
            }
            if (name.EndsWith("()", StringComparison.Ordinal))
            {
                throw Error($"functions such as '{name}' are not supported");
            }
            return new NameSegment(name);
        }

        private Segment ParseBracket()
        {
            _pos++; // [
            SkipSpaces();
            if (Peek() == '*')
            {
                _pos++;
                Expect(']');
                return new WildcardSegment();
            }
            if (Peek() == '?')
            {
                _pos++;
                SkipSpaces();
                Expect('(');
                var filter = ParseOr();
                SkipSpaces();
                Expect(')');
                SkipSpaces();
                Expect(']');
                return new FilterSegment(filter);
            }
            var parts = new List<Segment>();
            while (true)
            {
                SkipSpaces();
                parts.Add(Peek() is '\'' or '"' ? new NameSegment(ReadQuoted()) : ParseIndexOrSlice());
                SkipSpaces();
                if (Peek() == ',')
                {
                    _pos++;
                    continue;
                }
                Expect(']');
                break;
            }
            return parts.Count == 1 ? parts[0] : new UnionSegment(parts);
        }

        private Segment ParseIndexOrSlice()
        {
            int? first = ReadOptionalInt();
            SkipSpaces();
            if (Peek() != ':')
            {
                return first.HasValue ? new IndexSegment(first.Value) : throw Error("expected an index");
            }
            _pos++;
            var second = ReadOptionalInt();
            var step = 1;
            SkipSpaces();
            if (Peek() == ':')
            {
                _pos++;
                step = ReadOptionalInt() ?? 1;
            }
            return new SliceSegment(first, second, step);
        }

        private int? ReadOptionalInt()
        {
            SkipSpaces();
            var start = _pos;
            if (Peek() == '-')
            {
                _pos++;
            }
            while (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
            {
                _pos++;
            }
            if (_pos == start)
            {
                return null;
            }
            return int.TryParse(text.AsSpan(start, _pos - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw Error("invalid index");
        }

        private string ReadQuoted()
        {
            var quote = text[_pos++];
            var sb = new StringBuilder();
            while (_pos < text.Length && text[_pos] != quote)
            {
                // Only an escaped quote is unescaped; any other backslash is literal (as in Jayway).
                if (text[_pos] == '\\' && _pos + 1 < text.Length && text[_pos + 1] == quote)
                {
                    _pos++;
                }
                sb.Append(text[_pos++]);
            }
            Expect(quote);
            return sb.ToString();
        }

        private FilterExpression ParseOr()
        {
            var left = ParseAnd();
            while (TryConsume("||"))
            {
                left = new LogicalFilter(left, ParseAnd(), isAnd: false);
            }
            return left;
        }

        private FilterExpression ParseAnd()
        {
            var left = ParseComparison();
            while (TryConsume("&&"))
            {
                left = new LogicalFilter(left, ParseComparison(), isAnd: true);
            }
            return left;
        }

        private FilterExpression ParseComparison()
        {
            SkipSpaces();
            if (Peek() == '(')
            {
                _pos++;
                var inner = ParseOr();
                SkipSpaces();
                Expect(')');
                return inner;
            }
            if (Peek() != '@')
            {
                throw Error("a filter must start with '@'");
            }
            var start = _pos;
            var depth = 0;
            while (_pos < text.Length)
            {
                var c = text[_pos];
                if (c == '[')
                {
                    depth++;
                }
                else if (c == ']')
                {
                    if (depth == 0)
                    {
                        break;
                    }
                    depth--;
                }
                else if (depth == 0 && (c is ' ' or ')' or '=' or '!' or '<' or '>' or '&' or '|'))
                {
                    break;
                }
                _pos++;
            }
            var relative = Parse("$" + text[(start + 1).._pos]);
            SkipSpaces();
            string? op = null;
            foreach (var candidate in new[] { "==", "!=", "<=", ">=", "<", ">" })
            {
                if (TryConsume(candidate))
                {
                    op = candidate;
                    break;
                }
            }
            if (op is null)
            {
                return new ExistsFilter(relative);
            }
            SkipSpaces();
            return new ComparisonFilter(relative, op, ReadLiteral());
        }

        private JsonNode? ReadLiteral()
        {
            if (Peek() is '\'' or '"')
            {
                return JsonValue.Create(ReadQuoted());
            }
            var start = _pos;
            while (_pos < text.Length && text[_pos] is not (')' or ' ' or '&' or '|'))
            {
                _pos++;
            }
            var token = text[start.._pos];
            try
            {
                return JsonNode.Parse(token);
            }
            catch (System.Text.Json.JsonException)
            {
                throw Error($"invalid literal '{token}'");
            }
        }

        private bool TryConsume(string token)
        {
            SkipSpaces();
            if (string.CompareOrdinal(text, _pos, token, 0, token.Length) == 0)
            {
                _pos += token.Length;
                return true;
            }
            return false;
        }

        private char Peek() => _pos < text.Length ? text[_pos] : '\0';

        private void SkipSpaces()
        {
            while (_pos < text.Length && text[_pos] == ' ')
            {
                _pos++;
            }
        }

        private void Expect(char c)
        {
            if (Peek() != c)
            {
                throw Error($"expected '{c}'");
            }
            _pos++;
        }

        private FormatException Error(string reason) =>
            new($"The path '{text}' is invalid at position {_pos}: {reason}.");
    }
}
