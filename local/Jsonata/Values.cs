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
/// JsonObject in place: lookups go to the JsonObject's own index and each value is converted when read (see
/// <see cref="ValueAt"/> for what is remembered), so an expression pays only for the part of the input it visits.
/// The first change copies the entries into arrays of its own (values not yet read stay JsonNodes there until read).
/// Objects the evaluator builds are small, so keys are searched linearly, with no hashing, until there are more than
/// <see cref="IndexThreshold"/>.
/// </summary>
internal sealed class JObject : IEnumerable<KeyValuePair<string, object?>>
{
    private const int IndexThreshold = 8;

    private JsonObject? _source;
    // while reading a source without slots: the positions (first 64) read once already
    private ulong _readOnce;
    private string[] _keys;
    // while reading a source: the values converted so far, by position (allocated when first needed); afterwards the
    // entries' values
    private object?[] _values;
    private int _count;
    private Dictionary<string, int>? _index;

    public JObject()
    {
        _keys = [];
        _values = [];
    }

    public JObject(int capacity)
    {
        _keys = new string[capacity];
        _values = new object?[capacity];
    }

    private JObject(JsonObject source)
        : this()
    {
        _source = source;
    }

    public static JObject Wrap(JsonObject source)
    {
        var result = new JObject(source);
        // a case-insensitive JsonObject would answer lookups differently from a JavaScript object: copy its keys now
        if (source.Options is { PropertyNameCaseInsensitive: true }) result.Materialize();
        return result;
    }

    public int Count => _source?.Count ?? _count;

    public object? this[string key]
    {
        get => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);
        set
        {
            Materialize();
            var index = IndexOf(key);
            if (index >= 0) _values[index] = value;
            else Append(key, value);
        }
    }

    public ICollection<string> Keys
    {
        get
        {
            Materialize();
            return new ArraySegment<string>(_keys, 0, _count);
        }
    }

    public bool TryGetValue(string key, out object? value)
    {
        var index = _source != null ? _source.IndexOf(key) : IndexOf(key);
        if (index < 0)
        {
            value = null;
            return false;
        }

        value = ValueAt(index);
        return true;
    }

    public object? GetValueOrDefault(string key) => TryGetValue(key, out var value) ? value : null;

    public bool ContainsKey(string key) => _source?.ContainsKey(key) ?? IndexOf(key) >= 0;

    public void Add(string key, object? value)
    {
        Materialize();
        if (IndexOf(key) >= 0) throw new ArgumentException($"An item with the same key has already been added: {key}", nameof(key));
        Append(key, value);
    }

    public bool Remove(string key)
    {
        Materialize();
        var index = IndexOf(key);
        if (index < 0) return false;
        _count--;
        Array.Copy(_keys, index + 1, _keys, index, _count - index);
        Array.Copy(_values, index + 1, _values, index, _count - index);
        _keys[_count] = null!;
        _values[_count] = null;
        _index = null;
        if (_count > IndexThreshold) BuildIndex();
        return true;
    }

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<KeyValuePair<string, object?>> IEnumerable<KeyValuePair<string, object?>>.GetEnumerator() => GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    private KeyValuePair<string, object?> EntryAt(int index) =>
        new(_source != null ? _source.GetAt(index).Key : _keys[index], ValueAt(index));

    private object? ValueAt(int index)
    {
        if (_source != null)
        {
            var sourceValue = _source.GetAt(index).Value;
            if (_values.Length == 0)
            {
                // Most expressions read a field once: the first read of a string, number, boolean or null is not
                // remembered, so no slot array is needed. Objects and arrays always are (they must keep their identity),
                // and so is everything once any field is read a second time.
                var bit = index < 64 ? 1UL << index : 0;
                if (sourceValue is null or JsonValue && bit != 0 && (_readOnce & bit) == 0)
                {
                    _readOnce |= bit;
                    return Jsonata.Values.FromNode(sourceValue);
                }

                _values = new object?[_source.Count];
            }

            return _values[index] ??= Jsonata.Values.FromNode(sourceValue);
        }

        var value = _values[index];
        if (value is not JsonNode node) return value;
        value = Jsonata.Values.FromNode(node);
        _values[index] = value;
        return value;
    }

    private int IndexOf(string key)
    {
        if (_index != null) return _index.TryGetValue(key, out var found) ? found : -1;
        var keys = _keys;
        for (var i = 0; i < _count; i++)
        {
            if (string.Equals(keys[i], key, StringComparison.Ordinal)) return i;
        }

        return -1;
    }

    private void Append(string key, object? value)
    {
        if (_count == _keys.Length)
        {
            var capacity = Math.Max(4, _count * 2);
            Array.Resize(ref _keys, capacity);
            Array.Resize(ref _values, capacity);
        }

        _keys[_count] = key;
        _values[_count] = value;
        _count++;
        if (_index != null) _index[key] = _count - 1;
        else if (_count > IndexThreshold) BuildIndex();
    }

    private void BuildIndex()
    {
        _index = new Dictionary<string, int>(_count, StringComparer.Ordinal);
        for (var i = 0; i < _count; i++) _index[_keys[i]] = i;
    }

    private void Materialize()
    {
        if (_source == null) return;
        var source = _source;
        var count = source.Count;
        _keys = new string[count];
        if (_values.Length != count) _values = new object?[count];
        for (var i = 0; i < count; i++)
        {
            var (key, node) = source.GetAt(i);
            _keys[i] = key;
            // unread values stay JsonNodes (never an evaluator value) and are converted by ValueAt when read
            _values[i] ??= (object?)node ?? JNull.Value;
        }

        _count = count;
        _source = null;
        if (_count > IndexThreshold) BuildIndex();
    }

    /// <summary>Walks the entries by position, converting each value on the way (so it tolerates that write-back).</summary>
    public struct Enumerator(JObject owner) : IEnumerator<KeyValuePair<string, object?>>
    {
        private int _index = -1;

        public KeyValuePair<string, object?> Current { get; private set; }

        readonly object System.Collections.IEnumerator.Current => Current;

        public bool MoveNext()
        {
            if (++_index >= owner.Count) return false;
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
                return ReadNumber(element);
            case JsonValueKind.True:
                return True;
            case JsonValueKind.False:
                return False;
            default:
                return JNull.Value;
        }
    }

    /// <summary>10^0 to 10^15, each an exact double.</summary>
    internal static readonly double[] PowersOfTen = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

    /// <summary>
    /// Reads a JSON number. Plain decimals of up to 15 digits (prices, quantities) are read from the raw bytes as
    /// digits / 10^k: both are exact doubles, so the correctly rounded quotient is the very double a full parse gives.
    /// Anything longer or with an exponent goes to <see cref="JsonElement.GetDouble"/>.
    /// </summary>
    private static double ReadNumber(JsonElement element)
    {
        var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element);
        var i = raw.Length > 0 && raw[0] == (byte)'-' ? 1 : 0;
        long digits = 0;
        var count = 0;
        var scale = -1;
        for (; i < raw.Length; i++)
        {
            var b = raw[i];
            if (b == (byte)'.' && scale < 0)
            {
                scale = 0;
                continue;
            }

            if (b is < (byte)'0' or > (byte)'9' || ++count > 15) return element.GetDouble();
            digits = (digits * 10) + (b - '0');
            if (scale >= 0) scale++;
        }

        var value = scale > 0 ? digits / PowersOfTen[scale] : digits;
        return raw[0] == (byte)'-' ? -value : value;
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
                    o.Add(kv.Key, ToNode(kv.Value));
                }
                return o;
            default:
                return null;
        }
    }
}
