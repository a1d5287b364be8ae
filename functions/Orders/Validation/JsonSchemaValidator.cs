using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ECommerce.Orders.Validation;

/// <summary>One problem found in a document: where (a JSON Pointer, RFC 6901) and why.</summary>
public sealed record ValidationProblem(string Pointer, string Reason)
{
    public override string ToString() => $"{(Pointer.Length == 0 ? "/" : Pointer)}: {Reason}";
}

/// <summary>
/// A JSON Schema draft-04 validator for the keywords the order contract uses. It refuses, when built, any schema
/// keyword it does not implement, so a rule added to the contract can never be silently ignored.
/// </summary>
public sealed class JsonSchemaValidator
{
    /// <summary>Keywords that only annotate and never constrain.</summary>
    private static readonly HashSet<string> Annotations = ["$schema", "id", "title", "description", "default", "example"];

    private readonly SchemaNode _root;

    public JsonSchemaValidator(JsonElement schema)
    {
        _root = SchemaNode.Compile(schema, "#");
    }

    /// <summary>Every problem in <paramref name="instance"/>, in document order; empty when it is valid.</summary>
    public IReadOnlyList<ValidationProblem> Validate(JsonElement instance)
    {
        var problems = new List<ValidationProblem>();
        _root.Validate(instance, string.Empty, problems);
        return problems;
    }

    internal static string AppendPointer(string pointer, string token) =>
        $"{pointer}/{token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)}";

    private sealed class SchemaNode
    {
        private string[]? _types;
        private string[] _required = [];
        private Dictionary<string, SchemaNode>? _properties;
        private bool _additionalPropertiesAllowed = true;
        private SchemaNode? _additionalPropertiesSchema;
        private SchemaNode? _items;
        private Regex? _pattern;
        private string? _patternText;
        private int? _minLength;
        private int? _maxLength;
        private int? _minItems;
        private int? _maxItems;
        private bool _uniqueItems;
        private decimal? _minimum;
        private decimal? _maximum;
        private JsonElement[]? _enum;

        public static SchemaNode Compile(JsonElement schema, string path)
        {
            if (schema.ValueKind != JsonValueKind.Object)
            {
                throw new NotSupportedException($"Schema at '{path}' must be an object.");
            }

            var node = new SchemaNode();
            foreach (var keyword in schema.EnumerateObject())
            {
                var value = keyword.Value;
                var at = $"{path}/{keyword.Name}";
                switch (keyword.Name)
                {
                    case "type":
                        node._types = value.ValueKind == JsonValueKind.Array
                            ? [.. value.EnumerateArray().Select(t => t.GetString()!)]
                            : [value.GetString()!];
                        break;
                    case "required":
                        node._required = [.. value.EnumerateArray().Select(r => r.GetString()!)];
                        break;
                    case "properties":
                        node._properties = value.EnumerateObject()
                            .ToDictionary(p => p.Name, p => Compile(p.Value, $"{at}/{p.Name}"), StringComparer.Ordinal);
                        break;
                    case "additionalProperties":
                        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                        {
                            node._additionalPropertiesAllowed = value.GetBoolean();
                        }
                        else
                        {
                            node._additionalPropertiesSchema = Compile(value, at);
                        }

                        break;
                    case "items":
                        if (value.ValueKind != JsonValueKind.Object)
                        {
                            throw new NotSupportedException($"Schema keyword 'items' at '{at}' as an array (tuple form) is not implemented.");
                        }

                        node._items = Compile(value, at);
                        break;
                    case "pattern":
                        node._patternText = value.GetString()!;
                        node._pattern = new Regex(
                            ToDotNetPattern(value.GetString()!),
                            RegexOptions.CultureInvariant,
                            TimeSpan.FromSeconds(1));
                        break;
                    case "minLength": node._minLength = value.GetInt32(); break;
                    case "maxLength": node._maxLength = value.GetInt32(); break;
                    case "minItems": node._minItems = value.GetInt32(); break;
                    case "maxItems": node._maxItems = value.GetInt32(); break;
                    case "uniqueItems": node._uniqueItems = value.GetBoolean(); break;
                    case "minimum": node._minimum = value.GetDecimal(); break;
                    case "maximum": node._maximum = value.GetDecimal(); break;
                    case "enum": node._enum = [.. value.EnumerateArray().Select(e => e.Clone())]; break;
                    default:
                        if (!Annotations.Contains(keyword.Name))
                        {
                            throw new NotSupportedException(
                                $"Schema keyword '{keyword.Name}' at '{at}' is not implemented by {nameof(JsonSchemaValidator)}; "
                                + "implement it before adding it to the contract.");
                        }

                        break;
                }
            }

            return node;
        }

        public void Validate(JsonElement instance, string pointer, List<ValidationProblem> problems)
        {
            if (_types is not null && !_types.Any(type => IsOfType(instance, type)))
            {
                problems.Add(new ValidationProblem(pointer, $"must be of type {string.Join(" or ", _types)}"));
                return;
            }

            if (_enum is not null && !_enum.Any(allowed => JsonElement.DeepEquals(allowed, instance)))
            {
                problems.Add(new ValidationProblem(pointer, $"must be one of {string.Join(", ", _enum.Select(e => e.GetRawText()))}"));
            }

            switch (instance.ValueKind)
            {
                case JsonValueKind.Object:
                    ValidateObject(instance, pointer, problems);
                    break;
                case JsonValueKind.Array:
                    ValidateArray(instance, pointer, problems);
                    break;
                case JsonValueKind.String:
                    ValidateString(instance.GetString()!, pointer, problems);
                    break;
                case JsonValueKind.Number:
                    ValidateNumber(instance, pointer, problems);
                    break;
            }
        }

        private void ValidateObject(JsonElement instance, string pointer, List<ValidationProblem> problems)
        {
            foreach (var name in _required)
            {
                if (!instance.TryGetProperty(name, out _))
                {
                    problems.Add(new ValidationProblem(AppendPointer(pointer, name), "is required"));
                }
            }

            foreach (var property in instance.EnumerateObject())
            {
                var at = AppendPointer(pointer, property.Name);
                if (_properties is not null && _properties.TryGetValue(property.Name, out var propertySchema))
                {
                    propertySchema.Validate(property.Value, at, problems);
                }
                else if (_additionalPropertiesSchema is not null)
                {
                    _additionalPropertiesSchema.Validate(property.Value, at, problems);
                }
                else if (!_additionalPropertiesAllowed)
                {
                    // The value is never echoed: an unknown field may carry card data.
                    problems.Add(new ValidationProblem(at, "is not an allowed field"));
                }
            }
        }

        private void ValidateArray(JsonElement instance, string pointer, List<ValidationProblem> problems)
        {
            var count = instance.GetArrayLength();
            if (_minItems is { } minItems && count < minItems)
            {
                problems.Add(new ValidationProblem(pointer, $"must have at least {minItems} item(s)"));
            }

            if (_maxItems is { } maxItems && count > maxItems)
            {
                problems.Add(new ValidationProblem(pointer, $"must have at most {maxItems} item(s)"));
            }

            var items = instance.EnumerateArray().ToArray();
            if (_uniqueItems)
            {
                for (var i = 1; i < items.Length; i++)
                {
                    var duplicateOf = Array.FindIndex(items, 0, i, earlier => JsonElement.DeepEquals(earlier, items[i]));
                    if (duplicateOf >= 0)
                    {
                        problems.Add(new ValidationProblem(
                            AppendPointer(pointer, i.ToString(CultureInfo.InvariantCulture)),
                            $"duplicates item {duplicateOf} (items must be unique)"));
                    }
                }
            }

            if (_items is not null)
            {
                for (var i = 0; i < items.Length; i++)
                {
                    _items.Validate(items[i], AppendPointer(pointer, i.ToString(CultureInfo.InvariantCulture)), problems);
                }
            }
        }

        private void ValidateString(string value, string pointer, List<ValidationProblem> problems)
        {
            // JSON Schema counts characters as code points, not UTF-16 units.
            var length = value.EnumerateRunes().Count();
            if (_minLength is { } minLength && length < minLength)
            {
                problems.Add(new ValidationProblem(pointer, $"must be at least {minLength} character(s) long"));
            }

            if (_maxLength is { } maxLength && length > maxLength)
            {
                problems.Add(new ValidationProblem(pointer, $"must be at most {maxLength} character(s) long"));
            }

            if (_pattern is not null && !MatchesPattern(value))
            {
                problems.Add(new ValidationProblem(pointer, $"must match the pattern {_patternText}"));
            }
        }

        private bool MatchesPattern(string value)
        {
            try
            {
                return _pattern!.IsMatch(value);
            }
            catch (RegexMatchTimeoutException)
            {
                return false;
            }
        }

        private void ValidateNumber(JsonElement instance, string pointer, List<ValidationProblem> problems)
        {
            if (_minimum is { } minimum && Compare(instance, minimum) < 0)
            {
                problems.Add(new ValidationProblem(pointer, $"must be at least {minimum.ToString(CultureInfo.InvariantCulture)}"));
            }

            if (_maximum is { } maximum && Compare(instance, maximum) > 0)
            {
                problems.Add(new ValidationProblem(pointer, $"must be at most {maximum.ToString(CultureInfo.InvariantCulture)}"));
            }
        }

        // Exact for numbers decimal can hold; beyond its range (e.g. 1e400) the double comparison is exact enough.
        private static int Compare(JsonElement number, decimal bound) =>
            number.TryGetDecimal(out var exact) ? exact.CompareTo(bound) : number.GetDouble().CompareTo((double)bound);

        private static bool IsOfType(JsonElement instance, string type) => type switch
        {
            "object" => instance.ValueKind == JsonValueKind.Object,
            "array" => instance.ValueKind == JsonValueKind.Array,
            "string" => instance.ValueKind == JsonValueKind.String,
            "number" => instance.ValueKind == JsonValueKind.Number,
            "integer" => instance.ValueKind == JsonValueKind.Number && IsInteger(instance),
            "boolean" => instance.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "null" => instance.ValueKind == JsonValueKind.Null,
            _ => throw new NotSupportedException($"Schema type '{type}' is not a draft-04 type."),
        };

        // Draft-04: an integer is a number with no fraction or exponent part.
        private static bool IsInteger(JsonElement number) => number.GetRawText().AsSpan().IndexOfAny(".eE") < 0;

        /// <summary>
        /// ECMA-262 '$' matches only at the end of input, while .NET's also matches before a final newline:
        /// rewrite every unescaped '$' outside a character class as '\z'.
        /// </summary>
        private static string ToDotNetPattern(string ecmaPattern)
        {
            var result = new StringBuilder(ecmaPattern.Length + 4);
            var inClass = false;
            for (var i = 0; i < ecmaPattern.Length; i++)
            {
                var c = ecmaPattern[i];
                if (c == '\\' && i + 1 < ecmaPattern.Length)
                {
                    result.Append(c).Append(ecmaPattern[++i]);
                    continue;
                }

                if (c == '[')
                {
                    inClass = true;
                }
                else if (c == ']')
                {
                    inClass = false;
                }

                result.Append(c == '$' && !inClass ? "\\z" : c);
            }

            return result.ToString();
        }
    }
}
