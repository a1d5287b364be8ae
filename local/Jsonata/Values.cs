using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jsonata;

/// <summary>The JSON null value inside the evaluator (C# null means "undefined").</summary>
internal sealed class JNull
{
    public static readonly JNull Value = new();
    private JNull() { }
    public override string ToString() => "null";
}

/// <summary>An array or sequence; the flags mirror the reference implementation's array annotations.</summary>
internal sealed class JList : List<object?>
{
    public bool Sequence;
    public bool KeepSingleton;
    public bool OuterWrapper;
    public bool TupleStream;
    public bool Cons;

    public JList() { }
    public JList(int capacity) : base(capacity) { }
    public JList(IEnumerable<object?> items) : base(items) { }

    public static JList NewSequence() => new() { Sequence = true };

    public static JList NewSequence(object? item)
    {
        var list = new JList { Sequence = true };
        list.Add(item);
        return list;
    }
}

/// <summary>
/// A JSON object; keeps insertion order like a JavaScript object. One made by <see cref="Wrap"/> reads its input
/// JsonObject lazily: the keys when first touched, each value when first read (until then the slot holds the
/// JsonNode itself, which is never an evaluator value), so an expression pays only for the part of the input it visits.
/// </summary>
internal sealed class JObject : IEnumerable<KeyValuePair<string, object?>>
{
    private OrderedDictionary<string, object?>? _items;
    private JsonObject? _source;

    public JObject() => _items = new OrderedDictionary<string, object?>(StringComparer.Ordinal);

    public JObject(int capacity) => _items = new OrderedDictionary<string, object?>(capacity, StringComparer.Ordinal);

    private JObject(JsonObject source) => _source = source;

    public static JObject Wrap(JsonObject source) => new(source);

    private OrderedDictionary<string, object?> Items => _items ?? ReadKeys();

    public int Count => _items?.Count ?? _source!.Count;

    public object? this[string key]
    {
        get => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);
        set => Items[key] = value;
    }

    public ICollection<string> Keys => Items.Keys;

    public ICollection<object?> Values
    {
        get
        {
            var items = Items;
            for (var i = 0; i < items.Count; i++) EntryAt(i);
            return items.Values;
        }
    }

    public bool TryGetValue(string key, out object? value)
    {
        var items = Items;
        var index = items.IndexOf(key);
        if (index < 0)
        {
            value = null;
            return false;
        }

        value = EntryAt(index).Value;
        return true;
    }

    public object? GetValueOrDefault(string key) => TryGetValue(key, out var value) ? value : null;

    public bool ContainsKey(string key) => _items?.ContainsKey(key) ?? _source!.ContainsKey(key);

    public void Add(string key, object? value) => Items.Add(key, value);

    public bool Remove(string key) => Items.Remove(key);

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<KeyValuePair<string, object?>> IEnumerable<KeyValuePair<string, object?>>.GetEnumerator() => GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    private KeyValuePair<string, object?> EntryAt(int index)
    {
        var entry = _items!.GetAt(index);
        if (entry.Value is not JsonNode node) return entry;
        var value = Jsonata.Values.FromNode(node);
        _items.SetAt(index, value);
        return new KeyValuePair<string, object?>(entry.Key, value);
    }

    private OrderedDictionary<string, object?> ReadKeys()
    {
        var source = _source!;
        var items = new OrderedDictionary<string, object?>(source.Count, StringComparer.Ordinal);
        foreach (var kv in source) items.Add(kv.Key, kv.Value ?? (object)JNull.Value);
        _items = items;
        _source = null;
        return items;
    }

    /// <summary>Walks the entries by position, converting each value on the way (so it tolerates that write-back).</summary>
    public struct Enumerator(JObject owner) : IEnumerator<KeyValuePair<string, object?>>
    {
        private int _index = -1;

        public KeyValuePair<string, object?> Current { get; private set; }

        readonly object System.Collections.IEnumerator.Current => Current;

        public bool MoveNext()
        {
            if (++_index >= owner.Items.Count) return false;
            Current = owner.EntryAt(_index);
            return true;
        }

        public void Reset() => _index = -1;

        public readonly void Dispose() { }
    }
}

/// <summary>One item of a tuple stream: '@' holds the context, other keys are variable bindings.</summary>
internal sealed class TupleItem : Dictionary<string, object?>
{
    public TupleItem() : base(StringComparer.Ordinal) { }
    public object? Focus
    {
        get => TryGetValue("@", out var v) ? v : null;
        set => this["@"] = value;
    }
}

internal static class Values
{
    public static readonly object True = true;
    public static readonly object False = false;

    public static object Bool(bool b) => b ? True : False;

    public static bool IsNumber(object? v) => v is double;

    /// <summary>JSONata's isNumeric: a number that is not NaN; infinities raise D1001.</summary>
    public static bool IsNumeric(object? v)
    {
        if (v is double d)
        {
            if (double.IsNaN(d)) return false;
            if (double.IsInfinity(d)) throw new JsonataException("D1001", null, value: v);
            return true;
        }
        return false;
    }

    public static bool IsArray(object? v) => v is JList;
    public static bool IsObject(object? v) => v is JObject;
    public static bool IsFunction(object? v) => v is JFunction;
    public static bool IsSequence(object? v) => v is JList { Sequence: true };

    public static bool IsArrayOfStrings(object? v)
    {
        if (v is not JList list) return false;
        foreach (var item in list) if (item is not string) return false;
        return true;
    }

    public static bool IsArrayOfNumbers(object? v)
    {
        if (v is not JList list) return false;
        foreach (var item in list) if (!IsNumeric(item)) return false;
        return true;
    }

    public static bool IsInteger(object? v) => v is double d && !double.IsInfinity(d) && Math.Floor(d) == d;

    public static bool DeepEquals(object? lhs, object? rhs)
    {
        if (ReferenceEquals(lhs, rhs)) return true;
        switch (lhs)
        {
            case double a: return rhs is double b && a == b;
            case string s: return rhs is string t && string.Equals(s, t, StringComparison.Ordinal);
            case bool x: return rhs is bool y && x == y;
            case JList la:
                if (rhs is not JList lb || la.Count != lb.Count) return false;
                for (var i = 0; i < la.Count; i++) if (!DeepEquals(la[i], lb[i])) return false;
                return true;
            case JObject oa:
                if (rhs is not JObject ob || oa.Count != ob.Count) return false;
                foreach (var kv in oa)
                {
                    if (!ob.TryGetValue(kv.Key, out var other) || !DeepEquals(kv.Value, other)) return false;
                }
                return true;
            default:
                return false;
        }
    }

    /// <summary>Strict equality (JavaScript ===): primitives by value, containers by reference.</summary>
    public static bool StrictEquals(object? a, object? b)
    {
        if (ReferenceEquals(a, b)) return true;
        return a switch
        {
            double x => b is double y && x == y,
            string s => b is string t && s == t,
            bool p => b is bool q && p == q,
            _ => false,
        };
    }

    public static string TypeName(object? v) => v switch
    {
        null => "undefined",
        JNull => "null",
        double => "number",
        string => "string",
        bool => "boolean",
        JList => "array",
        JFunction => "function",
        _ => "object",
    };

    // ---- number formatting (JavaScript Number.prototype.toString semantics) ----

    public static string FormatNumber(double d)
    {
        if (double.IsNaN(d)) return "NaN";
        if (double.IsPositiveInfinity(d)) return "Infinity";
        if (double.IsNegativeInfinity(d)) return "-Infinity";
        if (d == 0) return "0";
        if (Math.Abs(d) < 1e15 && Math.Floor(d) == d) return ((long)d).ToString(CultureInfo.InvariantCulture);
        var shortest = d.ToString("R", CultureInfo.InvariantCulture);
        return ToJsStyle(shortest);
    }

    private static string ToJsStyle(string roundTrip)
    {
        // roundTrip is like "-1.2345E+20", "1E-07", "123.45"
        var negative = roundTrip.StartsWith('-');
        var s = negative ? roundTrip[1..] : roundTrip;
        string mantissa;
        int exp;
        var ePos = s.IndexOfAny(['E', 'e']);
        if (ePos >= 0)
        {
            mantissa = s[..ePos];
            exp = int.Parse(s[(ePos + 1)..], CultureInfo.InvariantCulture);
        }
        else
        {
            mantissa = s;
            exp = 0;
        }
        var dot = mantissa.IndexOf('.');
        string digits;
        int pointPos; // position of decimal point relative to start of digits
        if (dot >= 0)
        {
            digits = mantissa[..dot] + mantissa[(dot + 1)..];
            pointPos = dot;
        }
        else
        {
            digits = mantissa;
            pointPos = mantissa.Length;
        }
        // strip leading zeros
        var lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0') { lead++; pointPos--; }
        digits = digits[lead..].TrimEnd('0');
        if (digits.Length == 0) return "0";
        var n = pointPos + exp; // decimal exponent such that value = 0.digits * 10^n
        var k = digits.Length;
        var sb = new StringBuilder();
        if (negative) sb.Append('-');
        if (k <= n && n <= 21)
        {
            sb.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            sb.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            sb.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            var e = n - 1;
            sb.Append(digits[0]);
            if (k > 1) sb.Append('.').Append(digits, 1, k - 1);
            sb.Append('e').Append(e >= 0 ? "+" : "-").Append(Math.Abs(e).ToString(CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>Number as $string shows it: 15 significant digits for non-integers.</summary>
    public static string FormatNumberForString(double d)
    {
        if (Math.Floor(d) != d)
        {
            d = double.Parse(d.ToString("G15", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        }
        return FormatNumber(d);
    }

    // ---- JSON serialisation ($string) ----

    public static string Stringify(object? value, bool pretty)
    {
        var sb = new StringBuilder();
        WriteJson(sb, value, pretty, 0);
        return sb.ToString();
    }

    private static void WriteJson(StringBuilder sb, object? value, bool pretty, int indent)
    {
        switch (value)
        {
            case null:
            case JNull:
                sb.Append("null");
                break;
            case JFunction:
                sb.Append("\"\"");
                break;
            case double d:
                if (double.IsInfinity(d)) throw new JsonataException("D1001", null, value: d);
                if (double.IsNaN(d)) sb.Append("null");
                else sb.Append(FormatNumberForString(d));
                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case string s:
                WriteString(sb, s);
                break;
            case JList list:
                if (list.Count == 0) { sb.Append("[]"); break; }
                sb.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    if (pretty) NewLine(sb, indent + 1);
                    WriteJson(sb, list[i], pretty, indent + 1);
                }
                if (pretty) NewLine(sb, indent);
                sb.Append(']');
                break;
            case JObject obj:
                var first = true;
                sb.Append('{');
                foreach (var kv in obj)
                {
                    if (kv.Value is null) continue;
                    if (!first) sb.Append(',');
                    first = false;
                    if (pretty) NewLine(sb, indent + 1);
                    WriteString(sb, kv.Key);
                    sb.Append(pretty ? ": " : ":");
                    WriteJson(sb, kv.Value, pretty, indent + 1);
                }
                if (pretty && !first) NewLine(sb, indent);
                sb.Append('}');
                break;
            default:
                sb.Append("{}");
                break;
        }
    }

    private static void NewLine(StringBuilder sb, int indent)
    {
        sb.Append('\n').Append(' ', indent * 2);
    }

    public static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }

    // ---- conversion from and to System.Text.Json ----

    public static object? FromNode(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return JNull.Value;
            case JsonObject obj:
                return JObject.Wrap(obj);
            case JsonArray arr:
                var list = new JList(arr.Count);
                foreach (var item in arr) list.Add(FromNode(item));
                return list;
            case JsonValue value:
                return FromValue(value);
            default:
                return JNull.Value;
        }
    }

    private static object? FromValue(JsonValue value)
    {
        if (value.TryGetValue<JsonElement>(out var element)) return FromElement(element);
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                return value.TryGetValue<string>(out var s) ? s : value.ToString();
            case JsonValueKind.True:
                return True;
            case JsonValueKind.False:
                return False;
            case JsonValueKind.Number:
                if (value.TryGetValue<double>(out var d)) return d;
                if (value.TryGetValue<long>(out var l)) return (double)l;
                if (value.TryGetValue<int>(out var i)) return (double)i;
                if (value.TryGetValue<decimal>(out var m)) return (double)m;
                return double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture);
            case JsonValueKind.Null:
                return JNull.Value;
            default:
                return FromElement(JsonSerializer.SerializeToElement(value));
        }
    }

    public static object? FromElement(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JObject();
                foreach (var p in element.EnumerateObject()) obj[p.Name] = FromElement(p.Value);
                return obj;
            case JsonValueKind.Array:
                var list = new JList(element.GetArrayLength());
                foreach (var item in element.EnumerateArray()) list.Add(FromElement(item));
                return list;
            case JsonValueKind.String:
                return ReadString(element);
            case JsonValueKind.Number:
                return element.GetDouble();
            case JsonValueKind.True:
                return True;
            case JsonValueKind.False:
                return False;
            default:
                return JNull.Value;
        }
    }

    /// <summary>Reads a JSON string, keeping lone surrogates (which System.Text.Json refuses to decode).</summary>
    public static string ReadString(JsonElement element)
    {
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return UnescapeJsonLiteral(element.GetRawText());
        }
    }

    private static string UnescapeJsonLiteral(string raw)
    {
        var sb = new StringBuilder(raw.Length);
        for (var i = 1; i < raw.Length - 1; i++)
        {
            var c = raw[i];
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }
            var e = raw[++i];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'u':
                    sb.Append((char)int.Parse(raw.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 4;
                    break;
                default: sb.Append(e); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Converts an evaluator value to JSON. Undefined becomes C# null; functions become null.</summary>
    public static JsonNode? ToNode(object? value)
    {
        switch (value)
        {
            case null:
            case JNull:
            case JFunction:
                return null;
            case double d:
                // JSONata numbers are doubles; System.Text.Json writes integral doubles without a fraction
                return JsonValue.Create(d);
            case string s:
                return JsonValue.Create(s);
            case bool b:
                return JsonValue.Create(b);
            case JList list:
                var arr = new JsonArray();
                foreach (var item in list) arr.Add(ToNode(item));
                return arr;
            case JObject obj:
                var o = new JsonObject();
                foreach (var kv in obj)
                {
                    if (kv.Value is null || kv.Value is JFunction) continue;
                    o[kv.Key] = ToNode(kv.Value);
                }
                return o;
            default:
                return null;
        }
    }
}
