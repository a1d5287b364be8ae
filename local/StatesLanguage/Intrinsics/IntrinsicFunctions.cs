using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StatesLanguage.Json;

namespace StatesLanguage.Intrinsics;

/// <summary>Parses and evaluates the 18 <c>States.*</c> intrinsic functions.</summary>
public static class IntrinsicFunctions
{
    private static readonly HashSet<string> Known =
    [
        "States.Format", "States.StringToJson", "States.JsonToString", "States.Array", "States.ArrayPartition",
        "States.ArrayContains", "States.ArrayRange", "States.ArrayGetItem", "States.ArrayLength", "States.ArrayUnique",
        "States.Base64Encode", "States.Base64Decode", "States.Hash", "States.JsonMerge", "States.MathRandom",
        "States.MathAdd", "States.StringSplit", "States.UUID",
    ];

    /// <summary>True when the text looks like an intrinsic call (<c>States.X(...)</c>).</summary>
    public static bool IsIntrinsic(string text) => text.StartsWith("States.", StringComparison.Ordinal);

    /// <summary>Parses an intrinsic call, throwing <see cref="FormatException"/> on bad syntax or an unknown function.</summary>
    public static IntrinsicCall Parse(string text)
    {
        var parser = new Parser(text);
        var call = parser.ParseCall();
        parser.ExpectEnd();
        return call;
    }

    /// <summary>Evaluates <paramref name="text"/> against the state input and context object.</summary>
    public static JsonNode? Evaluate(string text, JsonNode? input, JsonNode? context, Random? random = null)
    {
        if (!ParsedCalls.TryGetValue(text, out var call))
        {
            try
            {
                call = Parse(text);
            }
            catch (FormatException ex)
            {
                throw new StatesException(StatesErrors.IntrinsicFailure, ex.Message);
            }
            if (ParsedCalls.Count >= MaxCachedCalls)
            {
                ParsedCalls.Clear();
            }
            ParsedCalls.TryAdd(text, call);
        }
        return Invoke(call, input, context, random ?? Random.Shared);
    }

    private const int MaxCachedCalls = 4096;

    // Evaluation only reads a call (literals are copied on use), so a parsed call is shared; Parse itself hands out fresh ones.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, IntrinsicCall> ParsedCalls = new(StringComparer.Ordinal);

    private static JsonNode? EvaluateArgument(IntrinsicArgument argument, JsonNode? input, JsonNode? context, Random random) =>
        argument switch
        {
            LiteralArgument literal => JsonUtil.Clone(literal.Value),
            PathArgument path => ResolvePath(path.Path, input, context),
            IntrinsicCall nested => Invoke(nested, input, context, random),
            _ => throw new InvalidOperationException("Unknown argument kind."),
        };

    private static JsonNode? ResolvePath(JsonPath path, JsonNode? input, JsonNode? context)
    {
        if (!path.TryEvaluate(input, context, out var value))
        {
            path.TryGetRoot(input, context, out var root);
            throw new StatesException(StatesErrors.Runtime,
                $"The JSONPath '{path.Text}' could not be found in the input '{JsonUtil.Serialize(root)}'");
        }
        return JsonUtil.Clone(value);
    }

    private static JsonNode? Invoke(IntrinsicCall call, JsonNode? input, JsonNode? context, Random random)
    {
        var args = call.Arguments.Select(a => EvaluateArgument(a, input, context, random)).ToList();
        var name = call.Name;
        return name switch
        {
            "States.Format" => Format(name, args),
            "States.StringToJson" => StringToJson(name, args),
            "States.JsonToString" => JsonValue.Create(JsonUtil.Serialize(Single(name, args))),
            "States.Array" => new JsonArray(args.ToArray()),
            "States.ArrayPartition" => ArrayPartition(name, args),
            "States.ArrayContains" => ArrayContains(name, args),
            "States.ArrayRange" => ArrayRange(name, args),
            "States.ArrayGetItem" => ArrayGetItem(name, args),
            "States.ArrayLength" => JsonValue.Create(ArrayArg(name, args, 0, 1).Count),
            "States.ArrayUnique" => ArrayUnique(name, args),
            "States.Base64Encode" => Base64Encode(name, args),
            "States.Base64Decode" => Base64Decode(name, args),
            "States.Hash" => Hash(name, args),
            "States.JsonMerge" => JsonMerge(name, args),
            "States.MathRandom" => MathRandom(name, args, random),
            "States.MathAdd" => MathAdd(name, args),
            "States.StringSplit" => StringSplit(name, args),
            "States.UUID" => Uuid(name, args),
            _ => throw Failure(name, "is not a supported intrinsic function"),
        };
    }

    private static StatesException Failure(string function, string reason) =>
        new(StatesErrors.IntrinsicFailure, $"The Intrinsic Function {function} {reason}.");

    private static void Arity(string name, List<JsonNode?> args, int min, int max)
    {
        if (args.Count < min || args.Count > max)
        {
            var expected = min == max ? $"{min}" : $"{min} to {max}";
            throw Failure(name, $"expects {expected} argument(s) but received {args.Count}");
        }
    }

    private static JsonNode? Single(string name, List<JsonNode?> args)
    {
        Arity(name, args, 1, 1);
        return args[0];
    }

    private static string StringArg(string name, List<JsonNode?> args, int index, int arity)
    {
        Arity(name, args, arity, arity);
        return JsonUtil.TryGetString(args[index], out var s) ? s : throw Failure(name, $"expects argument {index + 1} to be a string");
    }

    private static JsonArray ArrayArg(string name, List<JsonNode?> args, int index, int arity)
    {
        Arity(name, args, arity, arity);
        return args[index] as JsonArray ?? throw Failure(name, $"expects argument {index + 1} to be an array");
    }

    private static decimal NumberArg(string name, List<JsonNode?> args, int index)
    {
        return JsonUtil.TryGetNumber(args[index], out var n) ? n : throw Failure(name, $"expects argument {index + 1} to be a number");
    }

    private static long IntegerArg(string name, List<JsonNode?> args, int index)
    {
        var n = NumberArg(name, args, index);
        return decimal.Truncate(n) == n ? (long)n : throw Failure(name, $"expects argument {index + 1} to be an integer");
    }

    private static JsonNode Format(string name, List<JsonNode?> args)
    {
        if (args.Count == 0 || !JsonUtil.TryGetString(args[0], out var template))
        {
            throw Failure(name, "expects a string template as its first argument");
        }
        var sb = new StringBuilder();
        var next = 1;
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '\\' && i + 1 < template.Length && template[i + 1] is '{' or '}' or '\\')
            {
                sb.Append(template[++i]);
            }
            else if (c == '{' && i + 1 < template.Length && template[i + 1] == '}')
            {
                if (next >= args.Count)
                {
                    throw Failure(name, "has more placeholders than arguments");
                }
                sb.Append(FormatValue(args[next++]));
                i++;
            }
            else
            {
                sb.Append(c);
            }
        }
        if (next != args.Count)
        {
            throw Failure(name, "has more arguments than placeholders");
        }
        return JsonValue.Create(sb.ToString());
    }

    // Step Functions runs on the JVM: objects and arrays print as Java's Map/List toString.
    private static string FormatValue(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject obj => "{" + string.Join(", ", obj.Select(p => $"{p.Key}={FormatValue(p.Value)}")) + "}",
        JsonArray array => "[" + string.Join(", ", array.Select(FormatValue)) + "]",
        _ when JsonUtil.TryGetString(value, out var s) => s,
        _ => JsonUtil.Serialize(value),
    };

    private static JsonNode? StringToJson(string name, List<JsonNode?> args)
    {
        var text = StringArg(name, args, 0, 1);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        try
        {
            return JsonUtil.Parse(text);
        }
        catch (JsonException)
        {
            throw Failure(name, "received a string that is not valid JSON");
        }
    }

    private static JsonNode ArrayPartition(string name, List<JsonNode?> args)
    {
        var array = ArrayArg(name, args, 0, 2);
        var size = IntegerArg(name, args, 1);
        if (size <= 0)
        {
            throw Failure(name, "expects a chunk size greater than 0");
        }
        var result = new JsonArray();
        JsonArray? chunk = null;
        foreach (var item in array)
        {
            if (chunk is null || chunk.Count == size)
            {
                chunk = [];
                result.Add(chunk);
            }
            chunk.Add(JsonUtil.Clone(item));
        }
        return result;
    }

    private static JsonNode ArrayContains(string name, List<JsonNode?> args)
    {
        var array = ArrayArg(name, args, 0, 2);
        return JsonValue.Create(array.Any(item => JsonUtil.DeepEquals(item, args[1])));
    }

    private static JsonNode ArrayRange(string name, List<JsonNode?> args)
    {
        Arity(name, args, 3, 3);
        var start = IntegerArg(name, args, 0);
        var end = IntegerArg(name, args, 1);
        var step = IntegerArg(name, args, 2);
        if (step == 0)
        {
            throw Failure(name, "expects a step that is not 0");
        }
        var result = new JsonArray();
        for (var v = start; step > 0 ? v <= end : v >= end; v += step)
        {
            if (result.Count == 1000)
            {
                throw Failure(name, "cannot produce more than 1000 items");
            }
            result.Add(v);
        }
        return result;
    }

    private static JsonNode? ArrayGetItem(string name, List<JsonNode?> args)
    {
        var array = ArrayArg(name, args, 0, 2);
        var index = IntegerArg(name, args, 1);
        if (index < 0 || index >= array.Count)
        {
            throw Failure(name, $"received an index {index} out of bounds for an array of length {array.Count}");
        }
        return JsonUtil.Clone(array[(int)index]);
    }

    private static JsonNode ArrayUnique(string name, List<JsonNode?> args)
    {
        var array = ArrayArg(name, args, 0, 1);
        var result = new JsonArray();
        foreach (var item in array)
        {
            if (!result.Any(existing => JsonUtil.DeepEquals(existing, item)))
            {
                result.Add(JsonUtil.Clone(item));
            }
        }
        return result;
    }

    private static JsonNode Base64Encode(string name, List<JsonNode?> args)
    {
        var text = StringArg(name, args, 0, 1);
        if (text.Length > 10_000)
        {
            throw Failure(name, "expects an input of at most 10000 characters");
        }
        return JsonValue.Create(Convert.ToBase64String(Encoding.UTF8.GetBytes(text)));
    }

    private static JsonNode Base64Decode(string name, List<JsonNode?> args)
    {
        var text = StringArg(name, args, 0, 1);
        if (text.Length > 10_000)
        {
            throw Failure(name, "expects an input of at most 10000 characters");
        }
        try
        {
            return JsonValue.Create(Encoding.UTF8.GetString(Convert.FromBase64String(text)));
        }
        catch (FormatException)
        {
            throw Failure(name, "received an input that is not valid base64");
        }
    }

    private static JsonNode Hash(string name, List<JsonNode?> args)
    {
        Arity(name, args, 2, 2);
        var data = JsonUtil.TryGetString(args[0], out var s) ? s : JsonUtil.Serialize(args[0]);
        if (data.Length > 10_000)
        {
            throw Failure(name, "expects an input of at most 10000 characters");
        }
        if (!JsonUtil.TryGetString(args[1], out var algorithm))
        {
            throw Failure(name, "expects the algorithm as a string");
        }
        var bytes = Encoding.UTF8.GetBytes(data);
        byte[] hash = algorithm switch
        {
            "MD5" => MD5.HashData(bytes),
            "SHA-1" => SHA1.HashData(bytes),
            "SHA-256" => SHA256.HashData(bytes),
            "SHA-384" => SHA384.HashData(bytes),
            "SHA-512" => SHA512.HashData(bytes),
            _ => throw Failure(name, $"does not support the algorithm '{algorithm}'; use MD5, SHA-1, SHA-256, SHA-384 or SHA-512"),
        };
        return JsonValue.Create(Convert.ToHexStringLower(hash));
    }

    private static JsonNode JsonMerge(string name, List<JsonNode?> args)
    {
        Arity(name, args, 3, 3);
        if (args[0] is not JsonObject left || args[1] is not JsonObject right)
        {
            throw Failure(name, "expects two JSON objects to merge");
        }
        if (!JsonUtil.TryGetBool(args[2], out var deep) || deep)
        {
            throw Failure(name, "supports only a shallow merge (the third argument must be false)");
        }
        var merged = (JsonObject)left.DeepClone();
        foreach (var (key, value) in right)
        {
            merged[key] = JsonUtil.Clone(value);
        }
        return merged;
    }

    private static JsonNode MathRandom(string name, List<JsonNode?> args, Random random)
    {
        Arity(name, args, 2, 3);
        var start = IntegerArg(name, args, 0);
        var end = IntegerArg(name, args, 1);
        if (end <= start)
        {
            throw Failure(name, "expects the end to be greater than the start");
        }
        var source = args.Count == 3 ? new Random((int)IntegerArg(name, args, 2)) : random;
        return JsonValue.Create(source.NextInt64(start, end));
    }

    private static JsonNode MathAdd(string name, List<JsonNode?> args)
    {
        Arity(name, args, 2, 2);
        // AWS rounds each operand half-up (Java Math.round) before adding.
        var a = (long)Math.Floor(NumberArg(name, args, 0) + 0.5m);
        var b = (long)Math.Floor(NumberArg(name, args, 1) + 0.5m);
        return JsonValue.Create(a + b);
    }

    private static JsonNode StringSplit(string name, List<JsonNode?> args)
    {
        Arity(name, args, 2, 2);
        if (!JsonUtil.TryGetString(args[0], out var text) || !JsonUtil.TryGetString(args[1], out var delimiters))
        {
            throw Failure(name, "expects two string arguments");
        }
        var parts = delimiters.Length == 0 ? [text] : text.Split(delimiters.ToCharArray(), StringSplitOptions.RemoveEmptyEntries);
        return new JsonArray(parts.Select(p => (JsonNode?)JsonValue.Create(p)).ToArray());
    }

    private static JsonNode Uuid(string name, List<JsonNode?> args)
    {
        Arity(name, args, 0, 0);
        return JsonValue.Create(Guid.NewGuid().ToString());
    }

    private sealed class Parser(string text)
    {
        private int _pos;

        public IntrinsicCall ParseCall()
        {
            SkipSpaces();
            var start = _pos;
            while (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] == '.'))
            {
                _pos++;
            }
            var name = text[start.._pos];
            if (!Known.Contains(name))
            {
                throw new FormatException($"The function '{name}' is not a supported intrinsic function.");
            }
            SkipSpaces();
            Expect('(');
            var args = new List<IntrinsicArgument>();
            SkipSpaces();
            if (Peek() == ')')
            {
                _pos++;
                return new IntrinsicCall(name, args);
            }
            while (true)
            {
                args.Add(ParseArgument());
                SkipSpaces();
                if (Peek() == ',')
                {
                    _pos++;
                    continue;
                }
                Expect(')');
                return new IntrinsicCall(name, args);
            }
        }

        public void ExpectEnd()
        {
            SkipSpaces();
            if (_pos != text.Length)
            {
                throw new FormatException($"Unexpected text after the intrinsic function at position {_pos} in '{text}'.");
            }
        }

        private IntrinsicArgument ParseArgument()
        {
            SkipSpaces();
            var c = Peek();
            if (c == '\'')
            {
                return new LiteralArgument(JsonValue.Create(ReadString()));
            }
            if (c == '$')
            {
                return new PathArgument(JsonPath.Parse(ReadPath()));
            }
            if (text.AsSpan(_pos).StartsWith("States."))
            {
                return ParseCall();
            }
            var start = _pos;
            while (_pos < text.Length && text[_pos] is not (',' or ')' or ' '))
            {
                _pos++;
            }
            var token = text[start.._pos];
            return token switch
            {
                "true" => new LiteralArgument(JsonValue.Create(true)),
                "false" => new LiteralArgument(JsonValue.Create(false)),
                "null" => new LiteralArgument(null),
                _ when decimal.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) =>
                    new LiteralArgument(JsonUtil.Number(n)),
                _ => throw new FormatException($"Invalid intrinsic function argument '{token}' in '{text}'."),
            };
        }

        private string ReadString()
        {
            _pos++;
            var sb = new StringBuilder();
            while (_pos < text.Length && text[_pos] != '\'')
            {
                if (text[_pos] == '\\' && _pos + 1 < text.Length)
                {
                    _pos++;
                    // \{ and \} stay escaped for States.Format's placeholder rule; other escapes resolve.
                    if (text[_pos] is '{' or '}')
                    {
                        sb.Append('\\');
                    }
                }
                sb.Append(text[_pos++]);
            }
            Expect('\'');
            return sb.ToString();
        }

        private string ReadPath()
        {
            var start = _pos;
            var depth = 0;
            var quote = '\0';
            while (_pos < text.Length)
            {
                var c = text[_pos];
                if (quote != '\0')
                {
                    if (c == quote)
                    {
                        quote = '\0';
                    }
                }
                else if (c is '\'' or '"')
                {
                    quote = c;
                }
                else if (c is '[' or '(')
                {
                    depth++;
                }
                else if (c is ']' || (c == ')' && depth > 0))
                {
                    depth--;
                }
                else if (depth == 0 && c is ',' or ')' or ' ')
                {
                    break;
                }
                _pos++;
            }
            return text[start.._pos];
        }

        private char Peek() => _pos < text.Length ? text[_pos] : '\0';

        private void SkipSpaces()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos]))
            {
                _pos++;
            }
        }

        private void Expect(char c)
        {
            if (Peek() != c)
            {
                throw new FormatException($"Expected '{c}' at position {_pos} in '{text}'.");
            }
            _pos++;
        }
    }
}

/// <summary>An argument of an intrinsic function: literal, path or nested call.</summary>
public abstract record IntrinsicArgument;

public sealed record LiteralArgument(JsonNode? Value) : IntrinsicArgument;

public sealed record PathArgument(JsonPath Path) : IntrinsicArgument;

public sealed record IntrinsicCall(string Name, IReadOnlyList<IntrinsicArgument> Arguments) : IntrinsicArgument;
