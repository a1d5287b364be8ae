using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace StateMachineGraph.Model;

/// <summary>Reads an ASL definition written as JSON or YAML into a JSON tree.</summary>
public static class DefinitionReader
{
    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>Parses JSON, or YAML when <paramref name="fileName"/> ends in .yaml/.yml or the text does not start with '{'.</summary>
    public static JsonObject Parse(string text, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var looksYaml = fileName is not null
            && (fileName.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || fileName.EndsWith(".yml", StringComparison.OrdinalIgnoreCase));
        if (!looksYaml && !text.TrimStart().StartsWith('{'))
        {
            looksYaml = text.TrimStart().Length > 0 && !text.TrimStart().StartsWith('[');
        }

        var node = looksYaml ? ParseYaml(text) : ParseJson(text);
        return node as JsonObject
            ?? throw new DefinitionException("SCHEMA_VALIDATION_FAILED", "The definition must be a JSON object", "/");
    }

    private static JsonNode? ParseJson(string text)
    {
        try
        {
            var utf8 = Encoding.UTF8.GetBytes(text);
            RejectDuplicateProperties(utf8);
            return JsonNode.Parse(utf8, documentOptions: JsonOptions);
        }
        catch (JsonException ex)
        {
            // Syntax errors carry a line and position; the few that do not still carry a JSON path.
            var location = ex.LineNumber is { } line
                ? string.Create(CultureInfo.InvariantCulture, $"line {line + 1}, position {(ex.BytePositionInLine ?? 0) + 1}")
                : PointerFromPath(ex.Path);
            throw new DefinitionException("SCHEMA_VALIDATION_FAILED", "Invalid JSON: " + FirstSentence(ex.Message), location, ex);
        }
    }

    private static JsonNode? ParseYaml(string text)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            return stream.Documents.Count == 0 ? null : ToJson(stream.Documents[0].RootNode);
        }
        catch (YamlException ex)
        {
            throw new DefinitionException(
                "SCHEMA_VALIDATION_FAILED",
                "Invalid YAML: " + FirstSentence(ex.Message),
                string.Create(CultureInfo.InvariantCulture, $"line {ex.Start.Line}, position {ex.Start.Column}"),
                ex);
        }
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv =>
            KeyValuePair.Create(kv.Key is YamlScalarNode key ? key.Value ?? string.Empty : kv.Key.ToString(), ToJson(kv.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => ScalarToJson(scalar),
        _ => null,
    };

    private static JsonNode? ScalarToJson(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? string.Empty;
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(value);
        }

        // Plain scalars follow the YAML 1.2 core schema, so End: true is a boolean as the ASL expects.
        return value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
            _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
            _ => JsonValue.Create(value),
        };
    }

    /// <summary>AWS rejects a definition with a repeated key; System.Text.Json would only fail later, without a position.</summary>
    private static void RejectDuplicateProperties(byte[] utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var objects = new Stack<HashSet<string>?>();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    objects.Push(new HashSet<string>(StringComparer.Ordinal));
                    break;
                case JsonTokenType.StartArray:
                    objects.Push(null);
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    objects.Pop();
                    break;
                case JsonTokenType.PropertyName:
                    var name = reader.GetString() ?? string.Empty;
                    if (objects.Peek()?.Add(name) == false)
                    {
                        var offset = (int)reader.TokenStartIndex;
                        var before = utf8.AsSpan(0, offset);
                        var lastNewline = before.LastIndexOf((byte)'\n');
                        var line = before.Count((byte)'\n') + 1;
                        var position = Encoding.UTF8.GetCharCount(before[(lastNewline + 1)..]) + 1;
                        throw new DefinitionException(
                            "SCHEMA_VALIDATION_FAILED",
                            $"Duplicate property '{name}'",
                            string.Create(CultureInfo.InvariantCulture, $"line {line}, position {position}"));
                    }

                    break;
            }
        }
    }

    private static string PointerFromPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "/";
        }

        var pointer = path.TrimStart('$').Replace("['", "/", StringComparison.Ordinal).Replace("']", string.Empty, StringComparison.Ordinal);
        return pointer.Replace('.', '/');
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
