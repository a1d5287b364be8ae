using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Jsonata;

/// <summary>The JSONata standard library.</summary>
internal static partial class Builtins
{
    public static readonly Frame StaticFrame = CreateStaticFrame();

    private static NativeFunction Def(string name, string signature, int arity, int parameterCount, NativeImplementation impl) => new()
    {
        Name = name,
        Signature = Signature.Parse(signature),
        DeclaredArity = arity,
        ParameterCount = parameterCount,
        Implementation = impl,
    };

    internal static NativeFunction Define(string name, string? signature, int arity, NativeImplementation impl) => new()
    {
        Name = name,
        Signature = signature == null ? null : Signature.Parse(signature),
        DeclaredArity = arity,
        ParameterCount = arity,
        Implementation = impl,
    };

    private static object? Arg(List<object?> args, int i) => i < args.Count ? args[i] : null;

    private static Frame CreateStaticFrame()
    {
        var f = new Frame(null);
        void Bind(NativeFunction fn) => f.Bind(fn.Name, fn);

        Bind(Def("sum", "<a<n>:n>", 1, 1, (_, a) => Sum(Arg(a, 0) as JList)));
        Bind(Def("count", "<a:n>", 1, 1, (_, a) => Arg(a, 0) is JList l ? (double)l.Count : 0d));
        Bind(Def("max", "<a<n>:n>", 1, 1, (_, a) => Arg(a, 0) is JList { Count: > 0 } l ? l.Max(v => (double)v!) : null));
        Bind(Def("min", "<a<n>:n>", 1, 1, (_, a) => Arg(a, 0) is JList { Count: > 0 } l ? l.Min(v => (double)v!) : null));
        Bind(Def("average", "<a<n>:n>", 1, 1, (_, a) => Arg(a, 0) is JList { Count: > 0 } l ? (double)Sum(l)! / l.Count : null));
        Bind(Def("string", "<x-b?:s>", 1, 2, (_, a) => Arg(a, 0) == null ? null : StringOf(Arg(a, 0), Arg(a, 1) is true)));
        Bind(Def("substring", "<s-nn?:s>", 3, 3, (_, a) => Substring(Arg(a, 0) as string, Arg(a, 1), Arg(a, 2))));
        Bind(Def("substringBefore", "<s-s:s>", 2, 2, (_, a) => SubstringBefore(Arg(a, 0) as string, Arg(a, 1) as string)));
        Bind(Def("substringAfter", "<s-s:s>", 2, 2, (_, a) => SubstringAfter(Arg(a, 0) as string, Arg(a, 1) as string)));
        Bind(Def("lowercase", "<s-:s>", 1, 1, (_, a) => (Arg(a, 0) as string)?.ToLowerInvariant()));
        Bind(Def("uppercase", "<s-:s>", 1, 1, (_, a) => (Arg(a, 0) as string)?.ToUpperInvariant()));
        Bind(Def("length", "<s-:n>", 1, 1, (_, a) => Arg(a, 0) is string s ? (double)CodePointLength(s) : null));
        Bind(Def("trim", "<s-:s>", 1, 1, (_, a) => Trim(Arg(a, 0) as string)));
        Bind(Def("pad", "<s-ns?:s>", 3, 3, (_, a) => Pad(Arg(a, 0) as string, Arg(a, 1), Arg(a, 2) as string)));
        Bind(Def("match", "<s-f<s:o>n?:a<o>>", 3, 3, Match));
        Bind(Def("contains", "<s-(sf):b>", 2, 2, Contains));
        Bind(Def("replace", "<s-(sf)(sf)n?:s>", 4, 4, Replace));
        Bind(Def("split", "<s-(sf)n?:a<s>>", 3, 3, Split));
        Bind(Def("join", "<a<s>s?:s>", 2, 2, (_, a) => Arg(a, 0) is JList l ? string.Join(Arg(a, 1) as string ?? string.Empty, l.Select(v => (string)v!)) : null));
        Bind(Def("formatNumber", "<n-so?:s>", 3, 3, (_, a) => NumberFormatter.FormatNumber(Arg(a, 0), Arg(a, 1) as string, Arg(a, 2) as JObject)));
        Bind(Def("formatBase", "<n-n?:s>", 2, 2, (_, a) => FormatBase(Arg(a, 0), Arg(a, 1))));
        Bind(Def("formatInteger", "<n-s:s>", 2, 2, (_, a) => Arg(a, 0) is double d ? IntegerFormatter.Format(d, (string)Arg(a, 1)!) : null));
        Bind(Def("parseInteger", "<s-s:n>", 2, 2, (_, a) => Arg(a, 0) is string s ? IntegerFormatter.Parse(s, (string)Arg(a, 1)!) : null));
        Bind(Def("number", "<(nsb)-:n>", 1, 1, (_, a) => ToNumber(Arg(a, 0))));
        Bind(Def("floor", "<n-:n>", 1, 1, (_, a) => Arg(a, 0) is double d ? Math.Floor(d) : null));
        Bind(Def("ceil", "<n-:n>", 1, 1, (_, a) => Arg(a, 0) is double d ? Math.Ceiling(d) : null));
        Bind(Def("round", "<n-n?:n>", 2, 2, (_, a) => Arg(a, 0) is double d ? Round(d, Arg(a, 1) is double p ? (int)p : 0) : null));
        Bind(Def("abs", "<n-:n>", 1, 1, (_, a) => Arg(a, 0) is double d ? Math.Abs(d) : null));
        Bind(Def("sqrt", "<n-:n>", 1, 1, (_, a) => Sqrt(Arg(a, 0))));
        Bind(Def("power", "<n-n:n>", 2, 2, (_, a) => Power(Arg(a, 0), Arg(a, 1))));
        Bind(Def("random", "<:n>", 0, 0, (_, _) => Random.Shared.NextDouble()));
        Bind(Def("boolean", "<x-:b>", 1, 1, (_, a) => BoxBool(Boolean(Arg(a, 0)))));
        Bind(Def("not", "<x-:b>", 1, 1, (_, a) => Arg(a, 0) == null ? null : Values.Bool(Boolean(Arg(a, 0)) is not true)));
        Bind(Def("map", "<af>", 2, 2, Map));
        Bind(Def("zip", "<a+>", 0, 0, (_, a) => Zip(a)));
        Bind(Def("filter", "<af>", 2, 2, Filter));
        Bind(Def("single", "<af?>", 2, 2, Single));
        Bind(Def("reduce", "<afj?:j>", 3, 3, FoldLeft));
        Bind(Def("sift", "<o-f?:o>", 2, 2, Sift));
        Bind(Def("keys", "<x-:a<s>>", 1, 1, (_, a) => Keys(Arg(a, 0))));
        Bind(Def("lookup", "<x-s:x>", 2, 2, (_, a) => Evaluator.Lookup(Arg(a, 0), (string)Arg(a, 1)!)));
        Bind(Def("append", "<xx:a>", 2, 2, (_, a) => Append(Arg(a, 0), Arg(a, 1))));
        Bind(Def("exists", "<x:b>", 1, 1, (_, a) => Values.Bool(Arg(a, 0) != null)));
        Bind(Def("spread", "<x-:a<o>>", 1, 1, (_, a) => Spread(Arg(a, 0))));
        Bind(Def("merge", "<a<o>:o>", 1, 1, (_, a) => Merge(Arg(a, 0) as JList)));
        Bind(Def("reverse", "<a:a>", 1, 1, (_, a) => Reverse(Arg(a, 0) as JList)));
        Bind(Def("each", "<o-f:a>", 2, 2, Each));
        Bind(Def("error", "<s?:x>", 1, 1, (_, a) => throw new JsonataException("D3137", null, message: Arg(a, 0) as string is { Length: > 0 } m ? m : "$error() function evaluated")));
        Bind(Def("assert", "<bs?:x>", 2, 2, (_, a) => Arg(a, 0) is true ? null : throw new JsonataException("D3141", null, message: Arg(a, 1) as string is { Length: > 0 } m ? m : "$assert() statement failed")));
        Bind(Def("type", "<x:s>", 1, 1, (_, a) => TypeOf(Arg(a, 0))));
        Bind(Def("sort", "<af?:a>", 2, 2, Sort));
        Bind(Def("shuffle", "<a:a>", 1, 1, (_, a) => Shuffle(Arg(a, 0) as JList)));
        Bind(Def("distinct", "<x:x>", 1, 1, (_, a) => Distinct(Arg(a, 0))));
        Bind(Def("base64encode", "<s-:s>", 1, 1, (_, a) => Arg(a, 0) is string s ? Convert.ToBase64String(Latin1(s)) : null));
        Bind(Def("base64decode", "<s-:s>", 1, 1, (_, a) => Arg(a, 0) is string s ? Base64Decode(s) : null));
        Bind(Def("encodeUrlComponent", "<s-:s>", 1, 1, (_, a) => Arg(a, 0) is string s ? UrlCodec.Encode(s, "encodeUrlComponent", component: true) : null));
        Bind(Def("encodeUrl", "<s-:s>", 1, 1, (_, a) => Arg(a, 0) is string s ? UrlCodec.Encode(s, "encodeUrl", component: false) : null));
        Bind(Def("decodeUrlComponent", "<s-:s>", 1, 1, (_, a) => Arg(a, 0) is string s ? UrlCodec.Decode(s, "decodeUrlComponent", component: true) : null));
        Bind(Def("decodeUrl", "<s-:s>", 1, 1, (_, a) => Arg(a, 0) is string s ? UrlCodec.Decode(s, "decodeUrl", component: false) : null));
        Bind(Def("eval", "<sx?:x>", 2, 2, Eval));
        // the clock is read only for a picture, which may leave out parts of the date that then default to today
        Bind(Def("toMillis", "<s-s?:n>", 2, 2, (c, a) => Arg(a, 0) is string s
            ? DateTimeFormatter.ToMillis(s, Arg(a, 1) as string, Arg(a, 1) is string ? c.Evaluator.Now : default)
            : null));
        Bind(Def("fromMillis", "<n-s?s?:s>", 3, 3, (_, a) => Arg(a, 0) is double d ? DateTimeFormatter.FromMillis(d, Arg(a, 1) as string, Arg(a, 2) as string) : null));
        Bind(Def("clone", "<(oa)-:o>", 1, 1, (_, a) => Clone(Arg(a, 0))));
        Bind(Def("now", "<s?s?:s>", 2, 2, (c, a) => DateTimeFormatter.FromMillis(c.Evaluator.Now.ToUnixTimeMilliseconds(), Arg(a, 0) as string, Arg(a, 1) as string)));
        Bind(Def("millis", "<:n>", 0, 0, (c, _) => (double)c.Evaluator.Now.ToUnixTimeMilliseconds()));
        return f;
    }

    // ---------------- helpers shared with the evaluator ----------------

    private static object? BoxBool(bool? b) => b is null ? null : Values.Bool(b.Value);

    /// <summary>JSONata truthiness; null means the argument was undefined.</summary>
    public static bool? Boolean(object? arg)
    {
        switch (arg)
        {
            case null: return null;
            case JList list:
                if (list.Count == 1) return Boolean(list[0]);
                if (list.Count > 1)
                {
                    foreach (var v in list) if (Boolean(v) is true) return true;
                }
                return false;
            case string s: return s.Length > 0;
            case double d: return Values.IsNumeric(d) && d != 0;
            case bool b: return b;
            case JObject o: return o.Count > 0;
            default: return false;
        }
    }

    /// <summary>JavaScript truthiness (used for custom sort comparators).</summary>
    private static bool JsTruthy(object? v) => v switch
    {
        null or JNull => false,
        bool b => b,
        double d => d != 0 && !double.IsNaN(d),
        string s => s.Length > 0,
        _ => true,
    };

    public static string StringOf(object? arg, bool pretty = false)
    {
        switch (arg)
        {
            case string s: return s;
            case JFunction: return string.Empty;
            case double d when double.IsNaN(d) || double.IsInfinity(d):
                throw new JsonataException("D3001", null, value: d);
            case JList { OuterWrapper: true } w when w.Count > 0:
                return Values.Stringify(w[0], pretty);
            default:
                return Values.Stringify(arg, pretty);
        }
    }

    public static object? Append(object? arg1, object? arg2)
    {
        if (arg1 == null) return arg2;
        if (arg2 == null) return arg1;
        var result = new JList();
        if (arg1 is JList l1) result.AddRange(l1);
        else result.Add(arg1);
        if (arg2 is JList l2) result.AddRange(l2);
        else result.Add(arg2);
        return result;
    }

    public static JList MergeSort(JList input, Func<object?, object?, bool> swap)
    {
        if (input.Count <= 1) return input;
        var array = input.ToArray();
        var buffer = new object?[array.Length];
        SortRange(array, buffer, 0, array.Length, swap);
        return new JList(array);
    }

    private static void SortRange(object?[] a, object?[] buffer, int start, int end, Func<object?, object?, bool> swap)
    {
        if (end - start <= 1) return;
        var middle = start + (end - start) / 2;
        SortRange(a, buffer, start, middle, swap);
        SortRange(a, buffer, middle, end, swap);
        int i = start, j = middle, k = start;
        while (i < middle && j < end)
        {
            if (swap(a[i], a[j])) buffer[k++] = a[j++];
            else buffer[k++] = a[i++];
        }
        while (i < middle) buffer[k++] = a[i++];
        while (j < end) buffer[k++] = a[j++];
        Array.Copy(buffer, start, a, start, end - start);
    }

    private static List<object?> HofArgs(JFunction func, object? arg1, object? arg2, object? arg3)
    {
        var args = new List<object?>(3) { arg1 };
        var arity = func.Arity;
        if (arity >= 2) args.Add(arg2);
        if (arity >= 3) args.Add(arg3);
        return args;
    }

    // An array item with its index, boxed only when the function takes the index.
    private static List<object?> HofArgs(JFunction func, object? item, int index, JList array)
    {
        var arity = func.Arity;
        var args = new List<object?>(Math.Clamp(arity, 1, 3)) { item };
        if (arity >= 2) args.Add((double)index);
        if (arity >= 3) args.Add(array);
        return args;
    }

    // ---------------- aggregation ----------------

    private static object? Sum(JList? list)
    {
        if (list == null) return null;
        var total = 0d;
        foreach (var v in list) total += (double)v!;
        return total;
    }

    // ---------------- strings ----------------

    private static int CodePointLength(string s)
    {
        var n = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
            n++;
        }
        return n;
    }

    private static List<string> CodePoints(string s)
    {
        var list = new List<string>(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                list.Add(s.Substring(i, 2));
                i++;
            }
            else
            {
                list.Add(s[i].ToString());
            }
        }
        return list;
    }

    private static object? Substring(string? str, object? startArg, object? lengthArg)
    {
        if (str == null) return null;
        var chars = CodePoints(str);
        var len = chars.Count;
        var start = (double)startArg!;
        if (len + start < 0) start = 0;
        double end;
        if (lengthArg is double length)
        {
            if (length <= 0) return string.Empty;
            end = start >= 0 ? start + length : len + start + length;
        }
        else
        {
            end = len;
        }
        var from = SliceIndex(start, len);
        var to = SliceIndex(end, len);
        if (to <= from) return string.Empty;
        return string.Concat(chars.GetRange(from, to - from));
    }

    private static int SliceIndex(double value, int length)
    {
        if (double.IsNaN(value)) return 0;
        var v = Math.Truncate(value);
        if (v < 0) return (int)Math.Max(0, length + v);
        return (int)Math.Min(v, length);
    }

    private static object? SubstringBefore(string? str, string? chars)
    {
        if (str == null) return null;
        var pos = str.IndexOf(chars!, StringComparison.Ordinal);
        return pos > -1 ? str[..pos] : str;
    }

    private static object? SubstringAfter(string? str, string? chars)
    {
        if (str == null) return null;
        var pos = str.IndexOf(chars!, StringComparison.Ordinal);
        return pos > -1 ? str[(pos + chars!.Length)..] : str;
    }

    [GeneratedRegex("[ \t\n\r]+")]
    private static partial Regex WhitespaceRun();

    private static object? Trim(string? str)
    {
        if (str == null) return null;
        var result = WhitespaceRun().Replace(str, " ");
        if (result.StartsWith(' ')) result = result[1..];
        if (result.EndsWith(' ')) result = result[..^1];
        return result;
    }

    private static object? Pad(string? str, object? widthArg, string? padChar)
    {
        if (str == null) return null;
        if (string.IsNullOrEmpty(padChar)) padChar = " ";
        var width = (int)Math.Truncate((double)widthArg!);
        var padLength = Math.Abs(width) - CodePointLength(str);
        if (padLength <= 0) return str;
        var sb = new StringBuilder();
        for (var i = 0; i < padLength; i++) sb.Append(padChar);
        var padding = sb.ToString();
        if (padChar.Length > 1) padding = (string)Substring(padding, 0d, (double)padLength)!;
        return width > 0 ? str + padding : padding + str;
    }

    private static JObject? EvaluateMatcher(CallContext call, JFunction matcher, List<object?> args)
    {
        var result = call.Evaluator.CallFunction(matcher, args, call.Environment);
        if (result == null) return null;
        if (result is not JObject obj
            || !(obj.GetValueOrDefault("start") is double || obj.GetValueOrDefault("end") is double
                 || obj.GetValueOrDefault("groups") is JList || obj.GetValueOrDefault("next") is JFunction))
        {
            throw new JsonataException("T1010", null);
        }
        return obj;
    }

    private static JObject? NextMatch(CallContext call, JObject match) =>
        match.GetValueOrDefault("next") is JFunction next ? EvaluateMatcher(call, next, []) : null;

    private static object? Contains(CallContext call, List<object?> args)
    {
        var str = Arg(args, 0) as string;
        var token = Arg(args, 1);
        if (str == null || token == null) return null;
        if (token is string t) return Values.Bool(str.Contains(t, StringComparison.Ordinal));
        return Values.Bool(EvaluateMatcher(call, (JFunction)token, [str]) != null);
    }

    private static object? Match(CallContext call, List<object?> args)
    {
        if (Arg(args, 0) is not string str) return null;
        var limit = Arg(args, 2) as double?;
        if (limit < 0) throw new JsonataException("D3040", null, value: limit) { Index = 3 };
        var result = new JList { Sequence = true };
        if (limit is null or > 0)
        {
            var count = 0;
            var matches = EvaluateMatcher(call, (JFunction)Arg(args, 1)!, [str]);
            while (matches != null && (limit == null || count < limit))
            {
                result.Add(new JObject
                {
                    ["match"] = matches.GetValueOrDefault("match"),
                    ["index"] = matches.GetValueOrDefault("start"),
                    ["groups"] = matches.GetValueOrDefault("groups"),
                });
                matches = NextMatch(call, matches);
                count++;
            }
        }
        return result;
    }

    private static object? Replace(CallContext call, List<object?> args)
    {
        if (Arg(args, 0) is not string str) return null;
        var pattern = Arg(args, 1);
        var replacement = Arg(args, 2);
        var limit = Arg(args, 3) as double?;
        if (pattern is "") throw new JsonataException("D3010", null, value: pattern) { Index = 2 };
        if (limit < 0) throw new JsonataException("D3011", null, value: limit) { Index = 4 };
        if (limit is not (null or > 0)) return str;
        var count = 0;
        var result = new StringBuilder();
        var position = 0;
        if (pattern is string p)
        {
            var index = str.IndexOf(p, StringComparison.Ordinal);
            while (index != -1 && (limit == null || count < limit))
            {
                result.Append(str, position, index - position);
                result.Append(replacement as string);
                position = index + p.Length;
                count++;
                index = str.IndexOf(p, position, StringComparison.Ordinal);
            }
            result.Append(str, position, str.Length - position);
            return result.ToString();
        }
        var matches = EvaluateMatcher(call, (JFunction)pattern!, [str]);
        if (matches == null) return str;
        while (matches != null && (limit == null || count < limit))
        {
            var start = (int)(double)matches["start"]!;
            result.Append(str, position, start - position);
            object? replacedWith;
            if (replacement is string template) replacedWith = SubstituteGroups(template, matches);
            else replacedWith = call.Evaluator.CallFunction((JFunction)replacement!, [matches], call.Environment);
            if (replacedWith is string rs) result.Append(rs);
            else throw new JsonataException("D3012", null, value: replacedWith);
            position = start + ((string)matches["match"]!).Length;
            count++;
            matches = NextMatch(call, matches);
        }
        result.Append(str, position, str.Length - position);
        return result.ToString();
    }

    private static string SubstituteGroups(string replacement, JObject match)
    {
        var groups = match.GetValueOrDefault("groups") as JList ?? [];
        var sb = new StringBuilder();
        var position = 0;
        var index = replacement.IndexOf('$', position);
        while (index != -1 && position < replacement.Length)
        {
            sb.Append(replacement, position, index - position);
            position = index + 1;
            var dollarVal = position < replacement.Length ? replacement[position] : '\0';
            if (dollarVal == '$')
            {
                sb.Append('$');
                position++;
            }
            else if (dollarVal == '0')
            {
                sb.Append(match.GetValueOrDefault("match") as string);
                position++;
            }
            else
            {
                var maxDigits = groups.Count == 0 ? 1 : (int)Math.Floor(Math.Log10(groups.Count)) + 1;
                var digits = ParseLeadingInt(replacement, position, maxDigits);
                if (maxDigits > 1 && digits is { } d0 && d0 > groups.Count) digits = ParseLeadingInt(replacement, position, maxDigits - 1);
                if (digits is { } groupIndex)
                {
                    if (groups.Count > 0 && groupIndex - 1 >= 0 && groupIndex - 1 < groups.Count && groups[groupIndex - 1] is string sub)
                    {
                        sb.Append(sub);
                    }
                    position += groupIndex.ToString(CultureInfo.InvariantCulture).Length;
                }
                else
                {
                    sb.Append('$');
                }
            }
            index = replacement.IndexOf('$', position);
        }
        sb.Append(replacement, position, replacement.Length - position);
        return sb.ToString();
    }

    private static int? ParseLeadingInt(string s, int start, int maxChars)
    {
        var end = Math.Min(s.Length, start + maxChars);
        var i = start;
        while (i < end && char.IsAsciiDigit(s[i])) i++;
        if (i == start) return null;
        return int.Parse(s.AsSpan(start, i - start), CultureInfo.InvariantCulture);
    }

    private static object? Split(CallContext call, List<object?> args)
    {
        if (Arg(args, 0) is not string str) return null;
        var separator = Arg(args, 1);
        var limit = Arg(args, 2) as double?;
        if (limit < 0) throw new JsonataException("D3020", null, value: limit) { Index = 3 };
        var result = new JList();
        if (limit is not (null or > 0)) return result;
        if (separator is string sep)
        {
            IEnumerable<string> parts = sep.Length == 0 ? str.Select(c => c.ToString()) : str.Split(sep);
            var max = limit == null ? int.MaxValue : (int)Math.Truncate(limit.Value);
            foreach (var part in parts)
            {
                if (result.Count >= max) break;
                result.Add(part);
            }
            return result;
        }
        var count = 0;
        var matches = EvaluateMatcher(call, (JFunction)separator!, [str]);
        if (matches == null)
        {
            result.Add(str);
            return result;
        }
        var start = 0;
        while (matches != null && (limit == null || count < limit))
        {
            var mstart = (int)(double)matches["start"]!;
            result.Add(str[start..mstart]);
            start = (int)(double)matches["end"]!;
            matches = NextMatch(call, matches);
            count++;
        }
        if (limit == null || count < limit) result.Add(str[start..]);
        return result;
    }

    private static byte[] Latin1(string s)
    {
        var bytes = new byte[s.Length];
        for (var i = 0; i < s.Length; i++) bytes[i] = (byte)s[i];
        return bytes;
    }

    private static string Base64Decode(string s)
    {
        var cleaned = new StringBuilder();
        foreach (var c in s)
        {
            if (char.IsAsciiLetterOrDigit(c) || c == '+' || c == '/') cleaned.Append(c);
        }
        while (cleaned.Length % 4 != 0) cleaned.Append('=');
        var bytes = Convert.FromBase64String(cleaned.ToString());
        var sb = new StringBuilder(bytes.Length);
        foreach (var b in bytes) sb.Append((char)b);
        return sb.ToString();
    }

    // ---------------- numbers ----------------

    [GeneratedRegex(@"^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$")]
    private static partial Regex DecimalNumber();

    [GeneratedRegex(@"^(0[xX][0-9A-Fa-f]+)|(0[oO][0-7]+)|(0[bB][0-1]+)$")]
    private static partial Regex PrefixedNumber();

    private static object? ToNumber(object? arg)
    {
        switch (arg)
        {
            case null: return null;
            case double d: return d;
            case bool b: return b ? 1d : 0d;
            case string s when DecimalNumber().IsMatch(s):
                var parsed = double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
                if (!double.IsInfinity(parsed)) return parsed;
                break;
            case string s when PrefixedNumber().IsMatch(s):
                var radix = char.ToLowerInvariant(s[1]) switch { 'x' => 16, 'o' => 8, _ => 2 };
                var digits = s[2..];
                if (digits.Length == s.Length - 2 && digits.All(c => Uri.IsHexDigit(c)))
                {
                    double value = 0;
                    foreach (var c in digits) value = value * radix + Convert.ToInt32(c.ToString(), 16);
                    return value;
                }
                break;
        }
        throw new JsonataException("D3030", null, value: arg) { Index = 1 };
    }

    internal static double Round(double arg, int precision)
    {
        var value = arg;
        if (precision != 0) value = ShiftDecimal(value, precision);
        var result = Math.Round(value, MidpointRounding.ToEven);
        if (precision != 0) result = ShiftDecimal(result, -precision);
        return result == 0 ? 0 : result;
    }

    /// <summary>Multiplies by 10^places exactly, the way the reference does it through the string form.</summary>
    private static double ShiftDecimal(double value, int places)
    {
        var text = Values.FormatNumber(value);
        var ePos = text.IndexOf('e');
        var mantissa = ePos >= 0 ? text[..ePos] : text;
        var exp = ePos >= 0 ? int.Parse(text[(ePos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : 0;
        return double.Parse(mantissa + "e" + (exp + places).ToString(CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private static object? Sqrt(object? arg)
    {
        if (arg is not double d) return null;
        if (d < 0) throw new JsonataException("D3060", null, value: d) { Index = 1 };
        return Math.Sqrt(d);
    }

    private static object? Power(object? arg, object? exp)
    {
        if (arg is not double b) return null;
        var e = (double)exp!;
        var result = Math.Pow(b, e);
        if (double.IsNaN(result) || double.IsInfinity(result))
        {
            throw new JsonataException("D3061", null, value: b) { Index = 1, Exponent = e };
        }
        return result;
    }

    private static object? FormatBase(object? value, object? radixArg)
    {
        if (value is not double d) return null;
        var v = Round(d, 0);
        var radix = radixArg is double r ? Round(r, 0) : 10;
        if (radix < 2 || radix > 36) throw new JsonataException("D3100", null, value: radix);
        return ToRadix((long)v, (int)radix);
    }

    private static string ToRadix(long value, int radix)
    {
        if (value == 0) return "0";
        var negative = value < 0;
        var n = (ulong)Math.Abs(value);
        var sb = new StringBuilder();
        while (n > 0)
        {
            var digit = (int)(n % (ulong)radix);
            sb.Insert(0, (char)(digit < 10 ? '0' + digit : 'a' + digit - 10));
            n /= (ulong)radix;
        }
        if (negative) sb.Insert(0, '-');
        return sb.ToString();
    }

    // ---------------- higher-order ----------------

    private static object? Map(CallContext call, List<object?> args)
    {
        if (Arg(args, 0) is not JList arr) return null;
        var func = (JFunction)Arg(args, 1)!;
        var result = new JList(arr.Count) { Sequence = true };
        for (var i = 0; i < arr.Count; i++)
        {
            var res = call.Evaluator.CallFunction(func, HofArgs(func, arr[i], i, arr), call.Environment);
            if (res != null) result.Add(res);
        }
        return result;
    }

    private static object? Filter(CallContext call, List<object?> args)
    {
        if (Arg(args, 0) is not JList arr) return null;
        var func = (JFunction)Arg(args, 1)!;
        var result = new JList { Sequence = true };
        for (var i = 0; i < arr.Count; i++)
        {
            var res = call.Evaluator.CallFunction(func, HofArgs(func, arr[i], i, arr), call.Environment);
            if (Boolean(res) is true) result.Add(arr[i]);
        }
        return result;
    }

    private static object? Single(CallContext call, List<object?> args)
    {
        if (Arg(args, 0) is not JList arr) return null;
        var func = Arg(args, 1) as JFunction;
        var found = false;
        object? result = null;
        for (var i = 0; i < arr.Count; i++)
        {
            var positive = true;
            if (func != null)
            {
                var res = call.Evaluator.CallFunction(func, HofArgs(func, arr[i], i, arr), call.Environment);
                positive = Boolean(res) is true;
            }
            if (!positive) continue;
            if (found) throw new JsonataException("D3138", null) { Index = i };
            result = arr[i];
            found = true;
        }
        if (!found) throw new JsonataException("D3139", null);
        return result;
    }

    private static object? Zip(List<object?> args)
    {
        var result = new JList();
        if (args.Count == 0) return result;
        var length = args.Min(a => a is JList l ? l.Count : 0);
        for (var i = 0; i < length; i++)
        {
            var tuple = new JList(args.Count);
            foreach (var a in args) tuple.Add(((JList)a!)[i]);
            result.Add(tuple);
        }
        return result;
    }

    private static object? FoldLeft(CallContext call, List<object?> args)
    {
        if (Arg(args, 0) is not JList sequence) return null;
        var func = (JFunction)Arg(args, 1)!;
        var init = Arg(args, 2);
        var arity = func.Arity;
        if (arity < 2) throw new JsonataException("D3050", null) { Index = 1 };
        object? result;
        int index;
        if (init == null && sequence.Count > 0)
        {
            result = sequence[0];
            index = 1;
        }
        else
        {
            result = init;
            index = 0;
        }
        while (index < sequence.Count)
        {
            var fargs = new List<object?>(4) { result, sequence[index] };
            if (arity >= 3) fargs.Add((double)index);
            if (arity >= 4) fargs.Add(sequence);
            result = call.Evaluator.CallFunction(func, fargs, call.Environment);
            index++;
        }
        return result;
    }

    private static object? Sift(CallContext call, List<object?> args)
    {
        if (Arg(args, 0) is not JObject obj) return null;
        var func = (JFunction)Arg(args, 1)!;
        var result = new JObject();
        foreach (var kv in obj)
        {
            var res = call.Evaluator.CallFunction(func, HofArgs(func, kv.Value, kv.Key, obj), call.Environment);
            if (Boolean(res) is true) result[kv.Key] = kv.Value;
        }
        return result.Count == 0 ? null : result;
    }

    private static object? Each(CallContext call, List<object?> args)
    {
        var result = new JList { Sequence = true };
        if (Arg(args, 0) is not JObject obj) return result;
        var func = (JFunction)Arg(args, 1)!;
        foreach (var kv in obj)
        {
            var val = call.Evaluator.CallFunction(func, HofArgs(func, kv.Value, kv.Key, obj), call.Environment);
            if (val != null) result.Add(val);
        }
        return result;
    }

    private static object? Sort(CallContext call, List<object?> args)
    {
        if (Arg(args, 0) is not JList arr) return null;
        if (arr.Count <= 1) return arr;
        Func<object?, object?, bool> swap;
        if (Arg(args, 1) is JFunction comparator)
        {
            swap = (a, b) => JsTruthy(call.Evaluator.CallFunction(comparator, [a, b], call.Environment));
        }
        else
        {
            if (Values.IsArrayOfNumbers(arr)) swap = (a, b) => (double)a! > (double)b!;
            else if (Values.IsArrayOfStrings(arr)) swap = (a, b) => string.CompareOrdinal((string)a!, (string)b!) > 0;
            else throw new JsonataException("D3070", null) { Index = 1 };
        }
        return MergeSort(arr, swap);
    }

    // ---------------- objects and arrays ----------------

    private static JList Keys(object? arg)
    {
        var result = new JList { Sequence = true };
        if (arg is JList list)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in list)
            {
                foreach (var key in Keys(item))
                {
                    if (seen.Add((string)key!)) result.Add(key);
                }
            }
        }
        else if (arg is JObject obj)
        {
            foreach (var key in obj.Keys) result.Add(key);
        }
        return result;
    }

    private static object? Spread(object? arg)
    {
        switch (arg)
        {
            case JList list:
            {
                object? result = new JList { Sequence = true };
                foreach (var item in list) result = Append(result, Spread(item));
                return result;
            }
            case JObject obj:
            {
                var result = new JList { Sequence = true };
                foreach (var kv in obj) result.Add(new JObject { [kv.Key] = kv.Value });
                return result;
            }
            default:
                return arg;
        }
    }

    private static object? Merge(JList? arg)
    {
        if (arg == null) return null;
        var result = new JObject();
        foreach (var item in arg)
        {
            if (item is JObject obj)
            {
                foreach (var kv in obj) result[kv.Key] = kv.Value;
            }
        }
        return result;
    }

    private static object? Reverse(JList? arr)
    {
        if (arr == null) return null;
        if (arr.Count <= 1) return arr;
        var result = new JList(arr);
        result.Reverse();
        return result;
    }

    private static object? Shuffle(JList? arr)
    {
        if (arr == null) return null;
        if (arr.Count <= 1) return arr;
        var result = new JList(arr);
        Random.Shared.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(result));
        return result;
    }

    private static object? Distinct(object? arg)
    {
        if (arg is not JList arr || arr.Count <= 1) return arg;
        var results = new JList { Sequence = arr.Sequence };
        foreach (var value in arr)
        {
            var includes = false;
            foreach (var existing in results)
            {
                if (Values.DeepEquals(value, existing))
                {
                    includes = true;
                    break;
                }
            }
            if (!includes) results.Add(value);
        }
        return results;
    }

    private static object? TypeOf(object? value) => value switch
    {
        null => null,
        JNull => "null",
        double => "number",
        string => "string",
        bool => "boolean",
        JList => "array",
        JFunction => "function",
        _ => "object",
    };

    public static object? Clone(object? value) => value switch
    {
        null => null,
        JList list => CloneList(list),
        JObject obj => CloneObject(obj),
        _ => value,
    };

    private static JList CloneList(JList list)
    {
        var result = new JList(list.Count);
        foreach (var item in list) result.Add(item is JFunction ? null : Clone(item));
        return result;
    }

    private static JObject CloneObject(JObject obj)
    {
        var result = new JObject(obj.Count);
        foreach (var kv in obj)
        {
            if (kv.Value is null || kv.Value is JFunction) continue;
            result[kv.Key] = Clone(kv.Value);
        }
        return result;
    }

    // ---------------- $eval ----------------

    private static object? Eval(CallContext call, List<object?> args)
    {
        if (Arg(args, 0) is not string expr) return null;
        var input = call.Input;
        if (args.Count > 1 && args[1] != null)
        {
            input = args[1];
            if (input is JList { Sequence: false } arr)
            {
                var wrapped = JList.NewSequence(arr);
                wrapped.OuterWrapper = true;
                input = wrapped;
            }
        }
        Node ast;
        try
        {
            ast = Parser.Parse(expr);
        }
        catch (JsonataException ex)
        {
            throw new JsonataException("D3120", null, value: ex.Message);
        }
        try
        {
            return call.Evaluator.Evaluate(ast, input, call.Environment);
        }
        catch (JsonataException ex)
        {
            throw new JsonataException("D3121", null, value: ex.Message);
        }
    }
}
