using System.Text;
using System.Text.RegularExpressions;

namespace Jsonata;

/// <summary>A function signature such as &lt;s-n?:s&gt;, used to validate and fix up arguments.</summary>
internal sealed class Signature
{
    private sealed class Param
    {
        public string Regex = string.Empty;
        public string Type = string.Empty;
        public bool Array;
        public bool Context;
        public Regex? ContextRegex;
        public string? Subtype;
    }

    private static readonly Dictionary<string, string> ArrayTypeNames = new()
    {
        ["a"] = "arrays", ["b"] = "booleans", ["f"] = "functions", ["n"] = "numbers", ["o"] = "objects", ["s"] = "strings",
    };

    private readonly List<Param> _params;
    private readonly Regex _regex;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ulong, TypeMatch> _matches = new();
    // an immutable entry replaced whole, so threads evaluating at once each see a consistent one
    private TypeMatch? _lastMatch;

    public string Definition { get; }

    private Signature(string definition, List<Param> parameters)
    {
        Definition = definition;
        _params = parameters;
        var sb = new StringBuilder("^");
        foreach (var p in parameters) sb.Append('(').Append(p.Regex).Append(')');
        sb.Append('$');
        _regex = new Regex(sb.ToString(), RegexOptions.CultureInvariant);
    }

    /// <summary>Number of declared parameters (the arity a native function reports).</summary>
    public int ParamCount => _params.Count;

    public static Signature Parse(string signature)
    {
        var position = 1;
        var parameters = new List<Param>();
        var param = new Param();
        var prevParam = param;
        void Next()
        {
            parameters.Add(param);
            prevParam = param;
            param = new Param();
        }
        int FindClosing(int start, char open, char close)
        {
            var depth = 1;
            var pos = start;
            while (pos < signature.Length)
            {
                pos++;
                if (pos >= signature.Length) break;
                var c = signature[pos];
                if (c == close)
                {
                    depth--;
                    if (depth == 0) break;
                }
                else if (c == open)
                {
                    depth++;
                }
            }
            return pos;
        }
        while (position < signature.Length)
        {
            var symbol = signature[position];
            if (symbol == ':') break;
            switch (symbol)
            {
                case 's':
                case 'n':
                case 'b':
                case 'l':
                case 'o':
                    param.Regex = "[" + symbol + "m]";
                    param.Type = symbol.ToString();
                    Next();
                    break;
                case 'a':
                    param.Regex = "[asnblfom]";
                    param.Type = "a";
                    param.Array = true;
                    Next();
                    break;
                case 'f':
                    param.Regex = "f";
                    param.Type = "f";
                    Next();
                    break;
                case 'j':
                    param.Regex = "[asnblom]";
                    param.Type = "j";
                    Next();
                    break;
                case 'x':
                    param.Regex = "[asnblfom]";
                    param.Type = "x";
                    Next();
                    break;
                case '-':
                    prevParam.Context = true;
                    prevParam.ContextRegex = new Regex("^" + prevParam.Regex, RegexOptions.CultureInvariant);
                    prevParam.Regex += "?";
                    break;
                case '?':
                case '+':
                    prevParam.Regex += symbol;
                    break;
                case '(':
                {
                    var endParen = FindClosing(position, '(', ')');
                    var choice = signature.Substring(position + 1, endParen - position - 1);
                    if (choice.Contains('<')) throw new JsonataException("S0402", position, value: choice);
                    param.Regex = "[" + choice + "m]";
                    param.Type = "(" + choice + ")";
                    position = endParen;
                    Next();
                    break;
                }
                case '<':
                    if (prevParam.Type is "a" or "f")
                    {
                        var endPos = FindClosing(position, '<', '>');
                        prevParam.Subtype = signature.Substring(position + 1, endPos - position - 1);
                        position = endPos;
                    }
                    else
                    {
                        throw new JsonataException("S0401", position, value: prevParam.Type);
                    }
                    break;
            }
            position++;
        }
        return new Signature(signature, parameters);
    }

    public static char SymbolOf(object? value) => value switch
    {
        JFunction => 'f',
        string => 's',
        double => 'n',
        bool => 'b',
        JNull => 'l',
        JList => 'a',
        JObject => 'o',
        null => 'm',
        _ => 'o',
    };

    /// <summary>
    /// Checks the arguments against the signature and returns them fixed up (context inserted, singletons wrapped as
    /// arrays); a list that needs no fixing up is returned as it is.
    /// </summary>
    public List<object?> Validate(List<object?> args, object? context)
    {
        var (groups, unchanged) = MatchGroups(args);
        if (unchanged) return args;
        var validated = new List<object?>(_params.Count);
        var argIndex = 0;
        for (var index = 0; index < _params.Count; index++)
        {
            var param = _params[index];
            var match = groups[index];
            if (match.Length == 0)
            {
                if (param.Context && param.ContextRegex != null)
                {
                    var contextType = SymbolOf(context);
                    if (param.ContextRegex.IsMatch(contextType.ToString()))
                    {
                        validated.Add(context);
                    }
                    else
                    {
                        throw new JsonataException("T0411", null, value: context) { Index = argIndex + 1 };
                    }
                }
                else
                {
                    validated.Add(argIndex < args.Count ? args[argIndex] : null);
                    argIndex++;
                }
                continue;
            }
            foreach (var single in match)
            {
                var arg = argIndex < args.Count ? args[argIndex] : null;
                if (param.Type == "a")
                {
                    if (single == 'm')
                    {
                        arg = null;
                    }
                    else
                    {
                        var arrayOk = true;
                        if (param.Subtype != null)
                        {
                            if (single != 'a' && match != param.Subtype)
                            {
                                arrayOk = false;
                            }
                            else if (single == 'a' && arg is JList list && list.Count > 0)
                            {
                                var itemType = SymbolOf(list[0]);
                                if (itemType != param.Subtype[0]) arrayOk = false;
                                else arrayOk = list.All(v => SymbolOf(v) == itemType);
                            }
                        }
                        if (!arrayOk)
                        {
                            throw new JsonataException("T0412", null, value: arg)
                            {
                                Index = argIndex + 1,
                                TypeName = ArrayTypeNames.GetValueOrDefault(param.Subtype ?? string.Empty),
                            };
                        }
                        if (single != 'a') arg = new JList { arg };
                    }
                }
                validated.Add(arg);
                argIndex++;
            }
        }
        return validated;
    }

    // The regex outcome depends only on the argument types, so it is remembered per type string (packed four bits a
    // symbol into a ulong): a call then costs a dictionary lookup instead of a regex match and its group strings.
    private (string[] Groups, bool Unchanged) MatchGroups(List<object?> args)
    {
        ulong key = 0;
        var cacheable = args.Count <= 15;
        if (cacheable)
        {
            for (var i = 0; i < args.Count; i++) key = (key << 4) | SymbolCode(SymbolOf(args[i]));
            key |= (ulong)args.Count << 60;
            // a call site nearly always passes the same types: check the last outcome before the dictionary
            var last = _lastMatch;
            if (last != null && last.Key == key) return (last.Groups, last.Unchanged);
            if (_matches.TryGetValue(key, out var cached))
            {
                _lastMatch = cached;
                return (cached.Groups, cached.Unchanged);
            }
        }

        Span<char> buffer = args.Count <= 32 ? stackalloc char[args.Count] : new char[args.Count];
        for (var i = 0; i < args.Count; i++) buffer[i] = SymbolOf(args[i]);
        var supplied = new string(buffer);
        var isValid = _regex.Match(supplied);
        if (!isValid.Success) ThrowValidationError(args, supplied);
        var groups = new string[_params.Count];
        for (var index = 0; index < groups.Length; index++) groups[index] = isValid.Groups[index + 1].Value;
        // one argument per parameter, none of them an array parameter (which may wrap or check its items)
        var unchanged = args.Count == _params.Count;
        for (var index = 0; unchanged && index < groups.Length; index++) unchanged = groups[index].Length == 1 && _params[index].Type != "a";
        if (cacheable)
        {
            var match = new TypeMatch(key, groups, unchanged);
            _matches.TryAdd(key, match);
            _lastMatch = match;
        }

        return (groups, unchanged);
    }

    /// <summary>What the signature regex made of one argument-type string: its groups, and whether nothing needs fixing up.</summary>
    private sealed record TypeMatch(ulong Key, string[] Groups, bool Unchanged);

    private static ulong SymbolCode(char symbol) => symbol switch
    {
        'f' => 1,
        's' => 2,
        'n' => 3,
        'b' => 4,
        'l' => 5,
        'a' => 6,
        'o' => 7,
        _ => 8,
    };

    private void ThrowValidationError(IReadOnlyList<object?> args, string supplied)
    {
        var partial = new StringBuilder("^");
        var goodTo = 0;
        foreach (var p in _params)
        {
            partial.Append(p.Regex);
            var m = Regex.Match(supplied, partial.ToString());
            if (!m.Success) break;
            goodTo = m.Length;
        }
        throw new JsonataException("T0410", null, value: goodTo < args.Count ? args[goodTo] : null) { Index = goodTo + 1 };
    }
}
