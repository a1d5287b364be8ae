using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using StatesLanguage.Json;

namespace StatesLanguage.Tests.Conformance;

/// <summary>The C# twin of shared/conformance/tools/compare.py: same normalisation, wildcards and event rules.</summary>
public static partial class ConformanceComparer
{
    [GeneratedRegex(@"(?:[1-9]\d{3}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)|(?:[1-9]\d(?:0[48]|[2468][048]|[13579][26])|(?:[2468][048]|[13579][26])00)-02-29)T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?(?:Z|[+-][01]\d:?([0-5]\d)?)")]
    private static partial Regex Iso8601();

    [GeneratedRegex("^.*timestamp.*$", RegexOptions.IgnoreCase)]
    private static partial Regex TimestampKey();

    private const string AccountToken = "111111111111";

    /// <summary>What the engine produced for a case.</summary>
    public sealed record Actual(string Status, string? OutputText, string? Error, string? Cause, IReadOnlyList<(string Type, string? Name)>? Events);

    public static (bool Ok, List<string> Diffs) Compare(JsonObject testCase, Actual actual, bool checkEvents)
    {
        var expected = testCase["expected"]!.AsObject();
        var cmp = testCase["compare"] as JsonObject;
        var tokens = (cmp?["wildcard_tokens"] as JsonArray)?.Select(t => t!.GetValue<string>()).ToList() ?? [];
        var tokenRegex = TokenRegex(tokens);
        var diffs = new List<string>();
        var expectedStatus = expected["status"]!.GetValue<string>();
        var norm = Normalize(testCase, actual);
        if (actual.Status != expectedStatus)
        {
            diffs.Add($"status: expected {expectedStatus}, got {actual.Status}");
            if (expectedStatus == "FAILED")
            {
                diffs.Add($"  expected error={expected["error"]?.ToJsonString()} cause={Short(expected["cause"]?.ToJsonString())}");
            }
            else
            {
                diffs.Add($"  expected output={Short(expected["output"]?.ToJsonString())}");
            }
            if (actual.Status == "FAILED")
            {
                diffs.Add($"  actual error={actual.Error} cause={Short(actual.Cause)}");
            }
        }
        else if (expectedStatus == "SUCCEEDED")
        {
            if (norm.OutputNotJson)
            {
                diffs.Add($"output is not JSON: {Short(norm.Output?.ToJsonString())}");
            }
            else
            {
                MatchValue(expected["output"], norm.Output, tokenRegex, "$output", diffs);
            }
        }
        else
        {
            MatchValue(expected["error"], norm.Error, tokenRegex, "$error", diffs);
            MatchValue(expected["cause"], norm.Cause, tokenRegex, "$cause", diffs);
        }
        if (checkEvents && expected["events"] is JsonArray expectedEvents)
        {
            var e = expectedEvents.Select(ev => (ev!["type"]!.GetValue<string>(), ev["name"]?.GetValue<string>())).ToList();
            var a = actual.Events?.ToList() ?? [];
            var ordered = cmp?["events_ordered"]?.GetValue<bool>() ?? true;
            if (ordered)
            {
                if (!e.SequenceEqual(a))
                {
                    diffs.Add("events differ: expected [" + string.Join(", ", e.Select(Show)) + "] got [" + string.Join(", ", a.Select(Show)) + "]");
                }
            }
            else
            {
                var missing = Multiset(e);
                var extra = Multiset(a);
                foreach (var k in missing.Keys.ToList())
                {
                    var common = Math.Min(missing[k], extra.GetValueOrDefault(k));
                    missing[k] -= common;
                    if (extra.ContainsKey(k))
                    {
                        extra[k] -= common;
                    }
                }
                var m = missing.Where(p => p.Value > 0).Select(p => $"{Show(p.Key)} x{p.Value}").ToList();
                var x = extra.Where(p => p.Value > 0).Select(p => $"{Show(p.Key)} x{p.Value}").ToList();
                if (m.Count > 0 || x.Count > 0)
                {
                    diffs.Add($"events differ (as multiset): missing [{string.Join(", ", m)}] extra [{string.Join(", ", x)}]");
                }
            }
        }
        return (diffs.Count == 0, diffs);
    }

    private static Dictionary<(string, string?), int> Multiset(IEnumerable<(string, string?)> items)
    {
        var d = new Dictionary<(string, string?), int>();
        foreach (var i in items)
        {
            d[i] = d.GetValueOrDefault(i) + 1;
        }
        return d;
    }

    private static string Show((string Type, string? Name) e) => e.Name is null ? e.Type : $"{e.Type} {e.Name}";

    private static string? Short(string? s) => s is null ? null : s.Length > 300 ? s[..300] : s;

    private sealed record Normalized(JsonNode? Output, bool OutputNotJson, JsonNode? Error, JsonNode? Cause);

    private static Normalized Normalize(JsonObject testCase, Actual actual)
    {
        var cmp = testCase["compare"] as JsonObject;
        var kind = cmp?["recorded_from"]?.GetValue<string>() ?? "history";
        JsonObject wrapper;
        Func<JsonObject, JsonNode?> get;
        if (actual.Status == "SUCCEEDED")
        {
            var text = actual.OutputText ?? "null";
            JsonNode? val = text.StartsWith('{') ? JsonNode.Parse(text) : JsonValue.Create(text);
            (wrapper, get) = kind switch
            {
                "history" or "events" => (new JsonObject { ["events"] = new JsonArray(new JsonObject { ["executionSucceededEventDetails"] = new JsonObject { ["output"] = val }, ["type"] = "ExecutionSucceeded" }) },
                    (Func<JsonObject, JsonNode?>)(w => w["events"]![0]!["executionSucceededEventDetails"]!["output"])),
                "logevent" or "logevents" => (new JsonObject { ["details"] = new JsonObject { ["output"] = val }, ["type"] = "ExecutionSucceeded" }, w => w["details"]!["output"]),
                "output" => (new JsonObject { ["cases"] = new JsonArray(new JsonObject { ["output"] = val }) }, w => w["cases"]![0]!["output"]),
                _ => (new JsonObject { ["output"] = val, ["status"] = "SUCCEEDED" }, w => w["output"]),
            };
        }
        else
        {
            var det = new JsonObject { ["error"] = ParseIfObject(actual.Error), ["cause"] = ParseIfObject(actual.Cause) };
            (wrapper, get) = kind switch
            {
                "history" or "events" => (new JsonObject { ["events"] = new JsonArray(new JsonObject { ["executionFailedEventDetails"] = det, ["type"] = "ExecutionFailed" }) },
                    (Func<JsonObject, JsonNode?>)(w => w["events"]![0]!["executionFailedEventDetails"])),
                "logevent" or "logevents" => (new JsonObject { ["details"] = det, ["type"] = "ExecutionFailed" }, w => w["details"]),
                _ => (new JsonObject { ["error"] = det["error"]?.DeepClone(), ["cause"] = det["cause"]?.DeepClone(), ["status"] = "FAILED" }, w => w),
            };
        }
        foreach (var t in (cmp?["snapshot_transforms"] as JsonArray) ?? [])
        {
            var type = t!["type"]?.GetValue<string>();
            if (type == "jsonpath")
            {
                JsonPathUpdate(wrapper, ParsePath(t["path"]!.GetValue<string>()), 0, t["replacement"]);
            }
            else if (type == "key")
            {
                var key = t["key"]!.GetValue<string>();
                KeyValueTransform(wrapper, (k, v) => k == key ? Text(v) : null, t["replacement"]!.GetValue<string>());
            }
        }
        KeyValueTransform(wrapper, (k, v) => TimestampKey().IsMatch(k) && !Iso8601().IsMatch(Text(v)) ? Text(v) : null, "timestamp");
        var replaced = (JsonObject)ReplaceDates(wrapper)!;
        var got = get(replaced);
        if (actual.Status == "SUCCEEDED")
        {
            if (got is JsonValue sv && sv.GetValueKind() == JsonValueKind.String)
            {
                try
                {
                    return new Normalized(JsonNode.Parse(sv.GetValue<string>()), false, null, null);
                }
                catch (JsonException)
                {
                    return new Normalized(got, true, null, null);
                }
            }
            return new Normalized(got, false, null, null);
        }
        return new Normalized(null, false, got?["error"], got?["cause"]);
    }

    private static JsonNode? ParseIfObject(string? s)
    {
        if (s is not null && s.StartsWith('{'))
        {
            try
            {
                return JsonNode.Parse(s);
            }
            catch (JsonException)
            {
            }
        }
        return s is null ? null : JsonValue.Create(s);
    }

    // Python's str(v) for the replaced values compare.py matches on.
    private static string Text(JsonNode? v) => v switch
    {
        null => "None",
        JsonValue jv when jv.GetValueKind() == JsonValueKind.String => jv.GetValue<string>(),
        _ => v.ToJsonString(),
    };

    private static JsonNode? ReplaceDates(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(Iso8601().Replace(p.Key, "date"), ReplaceDates(p.Value)))),
        JsonArray a => new JsonArray(a.Select(ReplaceDates).ToArray()),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => JsonValue.Create(Iso8601().Replace(v.GetValue<string>(), "date")),
        _ => node?.DeepClone(),
    };

    private static void KeyValueTransform(JsonNode? node, Func<string, JsonNode?, string?> match, string replacement)
    {
        if (node is not JsonObject obj)
        {
            return;
        }
        foreach (var key in obj.Select(p => p.Key).ToList())
        {
            var v = obj[key];
            var m = match(key, v);
            if (m is not null)
            {
                obj[key] = v is JsonValue sv && sv.GetValueKind() == JsonValueKind.String ? sv.GetValue<string>().Replace(m, replacement, StringComparison.Ordinal) : replacement;
            }
            else if (v is JsonArray arr)
            {
                foreach (var item in arr)
                {
                    if (item is JsonObject)
                    {
                        KeyValueTransform(item, match, replacement);
                    }
                }
            }
            else if (v is JsonObject)
            {
                KeyValueTransform(v, match, replacement);
            }
        }
    }

    private static List<(bool Descendant, string Key)> ParsePath(string path)
    {
        var segs = new List<(bool, string)>();
        var i = 1;
        while (i < path.Length)
        {
            var desc = false;
            if (path.AsSpan(i).StartsWith(".."))
            {
                desc = true;
                i += 2;
            }
            else if (path[i] == '.')
            {
                i++;
            }
            if (i < path.Length && path[i] == '[')
            {
                var j = path.IndexOf(']', i);
                var tok = path[(i + 1)..j].Trim();
                i = j + 1;
                segs.Add((desc, tok == "*" ? "*" : tok.Trim('\'', '"')));
                continue;
            }
            var k = i;
            while (k < path.Length && path[k] != '.' && path[k] != '[')
            {
                k++;
            }
            segs.Add((desc, path[i..k]));
            i = k;
        }
        return segs;
    }

    private static void JsonPathUpdate(JsonNode? node, List<(bool Descendant, string Key)> segs, int k, JsonNode? replacement)
    {
        if (k == segs.Count || node is null)
        {
            return;
        }
        var (desc, key) = segs[k];
        var targets = new List<(JsonNode Parent, object Key)>();
        var stack = new Stack<JsonNode>();
        stack.Push(node);
        while (stack.Count > 0)
        {
            var cur = stack.Pop();
            foreach (var (ck, cv) in Children(cur))
            {
                if (key == "*" || (ck is string s && s == key))
                {
                    targets.Add((cur, ck));
                }
                if (desc && cv is not null)
                {
                    stack.Push(cv);
                }
            }
        }
        foreach (var (parent, ck) in targets)
        {
            if (k == segs.Count - 1)
            {
                if (parent is JsonObject o)
                {
                    o[(string)ck] = replacement?.DeepClone();
                }
                else if (parent is JsonArray a)
                {
                    a[(int)ck] = replacement?.DeepClone();
                }
            }
            else
            {
                var child = parent is JsonObject o ? o[(string)ck] : ((JsonArray)parent)[(int)ck];
                JsonPathUpdate(child, segs, k + 1, replacement);
            }
        }
    }

    private static List<(object Key, JsonNode? Value)> Children(JsonNode node) => node switch
    {
        JsonObject o => o.Select(p => ((object)p.Key, p.Value)).ToList(),
        JsonArray a => a.Select((v, i) => ((object)i, v)).ToList(),
        _ => [],
    };

    private static Regex TokenRegex(IEnumerable<string> tokens)
    {
        var parts = new List<string> { @"<[^<>\s][^<>]*>" };
        parts.AddRange(tokens.Where(t => t.Length > 0 && t != AccountToken).Distinct().OrderByDescending(t => t.Length).Select(Regex.Escape));
        parts.Add(Regex.Escape(AccountToken));
        return new Regex(string.Join("|", parts));
    }

    private static Regex? StringPattern(string expected, Regex tokens)
    {
        var pieces = new List<string>();
        var pos = 0;
        var found = false;
        foreach (Match m in tokens.Matches(expected))
        {
            found = true;
            pieces.Add(Regex.Escape(expected[pos..m.Index]));
            pieces.Add(m.Value == AccountToken ? @"\d{12}" : ".*?");
            pos = m.Index + m.Length;
        }
        if (!found)
        {
            return null;
        }
        pieces.Add(Regex.Escape(expected[pos..]));
        return new Regex("^(?:" + string.Concat(pieces) + ")$", RegexOptions.Singleline);
    }

    private static void MatchValue(JsonNode? expected, JsonNode? actual, Regex tokens, string path, List<string> diffs)
    {
        var ek = JsonUtil.Kind(expected);
        switch (ek)
        {
            case JsonValueKind.String:
                var es = expected!.GetValue<string>();
                var whole = tokens.Match(es);
                if (whole.Success && whole.Index == 0 && whole.Length == es.Length && whole.Value != AccountToken)
                {
                    return;
                }
                var pattern = StringPattern(es, tokens);
                if (pattern is not null)
                {
                    if (!JsonUtil.TryGetString(actual, out var a) || !pattern.IsMatch(a))
                    {
                        diffs.Add($"{path}: expected {expected.ToJsonString()} (with wildcards), got {actual?.ToJsonString() ?? "null"}");
                    }
                    return;
                }
                if (!JsonUtil.TryGetString(actual, out var s) || s != es)
                {
                    diffs.Add($"{path}: expected {expected.ToJsonString()}, got {actual?.ToJsonString() ?? "null"}");
                }
                return;
            case JsonValueKind.Number:
                if (!JsonUtil.TryGetDouble(actual, out var an) || !JsonUtil.TryGetDouble(expected, out var en) || an != en)
                {
                    diffs.Add($"{path}: expected {expected!.ToJsonString()}, got {actual?.ToJsonString() ?? "null"}");
                }
                return;
            case JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null:
                if (JsonUtil.Kind(actual) != ek)
                {
                    diffs.Add($"{path}: expected {expected?.ToJsonString() ?? "null"}, got {actual?.ToJsonString() ?? "null"}");
                }
                return;
            case JsonValueKind.Array:
                if (actual is not JsonArray aa)
                {
                    diffs.Add($"{path}: expected an array, got {Short(actual?.ToJsonString() ?? "null")}");
                    return;
                }
                var ea = (JsonArray)expected!;
                if (ea.Count != aa.Count)
                {
                    diffs.Add($"{path}: expected {ea.Count} elements, got {aa.Count}");
                }
                for (var i = 0; i < Math.Min(ea.Count, aa.Count); i++)
                {
                    MatchValue(ea[i], aa[i], tokens, $"{path}[{i}]", diffs);
                }
                return;
            case JsonValueKind.Object:
                if (actual is not JsonObject ao)
                {
                    diffs.Add($"{path}: expected an object, got {Short(actual?.ToJsonString() ?? "null")}");
                    return;
                }
                var eo = (JsonObject)expected!;
                var actKeys = new SortedSet<string>(ao.Select(p => p.Key), StringComparer.Ordinal);
                var pairs = new List<(string E, string A)>();
                foreach (var k in eo.Select(p => p.Key))
                {
                    if (actKeys.Remove(k))
                    {
                        pairs.Add((k, k));
                    }
                }
                foreach (var k in eo.Select(p => p.Key))
                {
                    if (pairs.Any(p => p.E == k))
                    {
                        continue;
                    }
                    var pat = StringPattern(k, tokens);
                    var cand = pat is null ? null : actKeys.FirstOrDefault(pat.IsMatch);
                    if (cand is not null)
                    {
                        pairs.Add((k, cand));
                        actKeys.Remove(cand);
                    }
                    else
                    {
                        diffs.Add($"{path}: missing key \"{k}\"");
                    }
                }
                foreach (var a in actKeys)
                {
                    diffs.Add($"{path}: unexpected key \"{a}\"");
                }
                foreach (var (e, a) in pairs)
                {
                    MatchValue(eo[e], ao[a], tokens, $"{path}.{e}", diffs);
                }
                return;
        }
    }
}
