using System.Text.Json.Nodes;
using StatesLanguage.Json;

namespace StatesLanguage.Mocks;

/// <summary>
/// AWS Step Functions Local's MockConfigFile: test cases map state names to mocked responses; each invocation of a
/// mocked state (retries included) consumes the next response entry ("0", "1-2", ...). When the entries run out the
/// last one repeats. States not named in the test case call the real integration.
/// </summary>
public sealed class MockConfig
{
    private readonly Dictionary<string, Dictionary<string, Dictionary<string, string>>> _testCases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(int From, int To, MockedResponse Response)>> _responses = new(StringComparer.Ordinal);

    /// <summary>Parses the MockConfigFile JSON; throws <see cref="FormatException"/> naming the bad entry.</summary>
    public static MockConfig Parse(string json)
    {
        var config = new MockConfig();
        var root = JsonUtil.Parse(json) as JsonObject ?? throw new FormatException("The mock config must be a JSON object.");
        if (root["StateMachines"] is JsonObject machines)
        {
            foreach (var (machine, node) in machines)
            {
                var cases = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
                if (node?["TestCases"] is JsonObject testCases)
                {
                    foreach (var (caseName, mapping) in testCases)
                    {
                        cases[caseName] = (mapping as JsonObject ?? throw new FormatException($"Test case '{caseName}' must be an object."))
                            .ToDictionary(p => p.Key, p => JsonUtil.TryGetString(p.Value, out var s) ? s
                                : throw new FormatException($"Test case '{caseName}' state '{p.Key}' must name a mocked response."), StringComparer.Ordinal);
                    }
                }
                config._testCases[machine] = cases;
            }
        }
        if (root["MockedResponses"] is JsonObject responses)
        {
            foreach (var (name, node) in responses)
            {
                var entries = new List<(int, int, MockedResponse)>();
                foreach (var (range, entry) in node as JsonObject ?? throw new FormatException($"Mocked response '{name}' must be an object."))
                {
                    var parts = range.Split('-');
                    if (!int.TryParse(parts[0], out var from) || (parts.Length == 2 && !int.TryParse(parts[1], out _)) || parts.Length > 2)
                    {
                        throw new FormatException($"Mocked response '{name}' has an invalid invocation range '{range}'.");
                    }
                    var to = parts.Length == 2 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : from;
                    entries.Add((from, to, ParseResponse(name, range, entry as JsonObject)));
                }
                config._responses[name] = entries.OrderBy(e => e.Item1).ToList();
            }
        }
        foreach (var mapping in config._testCases.Values.SelectMany(c => c.Values).SelectMany(m => m.Values))
        {
            if (!config._responses.ContainsKey(mapping))
            {
                throw new FormatException($"The mocked response '{mapping}' is used by a test case but not defined.");
            }
        }
        return config;
    }

    private static MockedResponse ParseResponse(string name, string range, JsonObject? entry)
    {
        if (entry?["Return"] is { } ret || (entry is not null && entry.ContainsKey("Return")))
        {
            return new MockedResponse(JsonUtil.Clone(entry!["Return"]), null, null);
        }
        if (entry?["Throw"] is JsonObject thrown)
        {
            return new MockedResponse(null, thrown["Error"]?.GetValue<string>() ?? "States.TaskFailed", thrown["Cause"]?.GetValue<string>());
        }
        throw new FormatException($"Mocked response '{name}' entry '{range}' needs 'Return' or 'Throw'.");
    }

    /// <summary>
    /// Resolves a test case: <paramref name="testCase"/> may be "stateMachineArn#Case", "name#Case" or just "Case"
    /// (then <paramref name="stateMachineName"/> picks the machine).
    /// </summary>
    public MockTestCase? Resolve(string stateMachineName, string? testCase)
    {
        if (string.IsNullOrEmpty(testCase))
        {
            return null;
        }
        var machine = stateMachineName;
        var caseName = testCase;
        var hash = testCase.LastIndexOf('#');
        if (hash >= 0)
        {
            var left = testCase[..hash];
            machine = left.Contains(':', StringComparison.Ordinal) ? left.Split(':')[^1] : left;
            caseName = testCase[(hash + 1)..];
        }
        if (!_testCases.TryGetValue(machine, out var cases) || !cases.TryGetValue(caseName, out var mapping))
        {
            throw new KeyNotFoundException($"No mock test case '{caseName}' for state machine '{machine}'.");
        }
        return new MockTestCase(this, mapping);
    }

    internal MockedResponse ResponseFor(string responseName, int invocation)
    {
        var entries = _responses[responseName];
        foreach (var (from, to, response) in entries)
        {
            if (invocation >= from && invocation <= to)
            {
                return response;
            }
        }
        return entries[^1].Response;
    }
}

/// <summary>One mocked outcome: a value to return, or an error to throw.</summary>
public sealed record MockedResponse(JsonNode? Return, string? Error, string? Cause);

/// <summary>The mocks active for one execution; counts invocations per state.</summary>
public sealed class MockTestCase(MockConfig config, IReadOnlyDictionary<string, string> states)
{
    private readonly Dictionary<string, int> _invocations = new(StringComparer.Ordinal);

    public bool IsMocked(string stateName) => states.ContainsKey(stateName);

    /// <summary>The next response for a mocked state (each call consumes one invocation).</summary>
    public MockedResponse Next(string stateName)
    {
        int index;
        lock (_invocations)
        {
            index = _invocations.GetValueOrDefault(stateName);
            _invocations[stateName] = index + 1;
        }
        return config.ResponseFor(states[stateName], index);
    }
}
