using System.Text;
using System.Text.Json.Nodes;
using StatesLanguage.Runtime;

namespace StatesLanguage.Tests.Conformance;

/// <summary>Runs the AWS-recorded conformance corpus (shared/conformance/cases) through the engine.</summary>
public sealed class ConformanceTests(ITestOutputHelper output)
{
    private const double RequiredPassRate = 0.99;

    /// <summary>For the JSONata and variables cases, and for the whole corpus.</summary>
    private const double RequiredOptionalPassRate = 0.98;

    internal static string? CasesDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ECommerce.sln")))
        {
            dir = dir.Parent;
        }
        if (dir is null)
        {
            return null;
        }
        var cases = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "conformance", "cases"));
        return Directory.Exists(cases) ? cases : null;
    }

    internal static async Task<ConformanceComparer.Actual> RunCaseAsync(JsonObject testCase)
    {
        var engine = new StepFunctionsEngine(new EngineOptions { Clock = new VirtualClock() });
        var definition = testCase["definition"]!.ToJsonString();
        var type = testCase["state_machine_type"]?.GetValue<string>() ?? "STANDARD";
        StateMachine machine;
        try
        {
            machine = engine.CreateStateMachine("conformance-sm", definition, type: type);
        }
        catch (Definition.DefinitionValidationException ex)
        {
            return new ConformanceComparer.Actual("INVALID_DEFINITION", null, "ValidationException", ex.Message, null);
        }
        var execution = await engine.StartExecutionAsync(machine, testCase["input"]!.GetValue<string>(), name: "conformance-exec");
        var result = await execution.WaitForCompletionAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        var events = result.History.Select(e => (e.Type, e.StateName)).ToList();
        return new ConformanceComparer.Actual(result.Status.ToString(), result.Output, result.Error, result.Cause, events);
    }

    [Fact]
    public async Task Corpus_RecordedAgainstAws_PassesAtLeast99PercentWithoutJsonata()
    {
        var directory = CasesDirectory();
        if (directory is null)
        {
            Assert.Skip("The conformance corpus (../shared/conformance/cases next to the repository) is not present.");
        }
        var groups = new SortedDictionary<string, (int Pass, int Fail)>(StringComparer.Ordinal);
        var failures = new StringBuilder();
        var optionalFailures = new StringBuilder();
        int corePass = 0, coreTotal = 0, extraPass = 0, extraTotal = 0;
        foreach (var file in Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var testCase = JsonNode.Parse(await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken))!.AsObject();
            var id = testCase["id"]!.GetValue<string>();
            var features = (testCase["features"] as JsonArray)?.Select(f => f!.GetValue<string>()).ToList() ?? [];
            var jsonata = features.Contains("JSONata");
            var optional = jsonata || features.Contains("variables");
            bool ok;
            List<string> diffs;
            try
            {
                var actual = await RunCaseAsync(testCase);
                (ok, diffs) = ConformanceComparer.Compare(testCase, actual, checkEvents: true);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                (ok, diffs) = (false, [$"engine threw {ex.GetType().Name}: {ex.Message}"]);
            }
            var group = (jsonata ? "jsonata/" : optional ? "variables/" : "core/") + id.Split('/')[0];
            var (p, f) = groups.GetValueOrDefault(group);
            groups[group] = ok ? (p + 1, f) : (p, f + 1);
            if (optional)
            {
                extraTotal++;
                extraPass += ok ? 1 : 0;
                if (!ok)
                {
                    optionalFailures.AppendLine($"FAIL {id}");
                    foreach (var d in diffs.Take(3))
                    {
                        optionalFailures.AppendLine("    " + (d.Length > 400 ? d[..400] + "..." : d));
                    }
                }
            }
            else
            {
                coreTotal++;
                corePass += ok ? 1 : 0;
                if (!ok)
                {
                    failures.AppendLine($"FAIL {id}");
                    foreach (var d in diffs.Take(6))
                    {
                        failures.AppendLine("    " + d);
                    }
                }
            }
        }
        foreach (var (group, (p, f)) in groups)
        {
            output.WriteLine($"{group,-45} pass {p,4}  fail {f,4}");
        }
        output.WriteLine($"core (no JSONata/variables): {corePass}/{coreTotal} = {100.0 * corePass / Math.Max(1, coreTotal):F1}%");
        output.WriteLine($"JSONata/variables: {extraPass}/{extraTotal}; whole corpus: {corePass + extraPass}/{coreTotal + extraTotal}");
        output.WriteLine(failures.ToString());
        var summaryPath = Path.Combine(AppContext.BaseDirectory, "conformance-report.txt");
        await File.WriteAllTextAsync(summaryPath,
            string.Join('\n', groups.Select(g => $"{g.Key} pass {g.Value.Pass} fail {g.Value.Fail}"))
            + $"\ncore {corePass}/{coreTotal}\nextra {extraPass}/{extraTotal}\n" + failures + "\nJSONata/variables failures:\n" + optionalFailures, TestContext.Current.CancellationToken);
        Assert.True(coreTotal > 0, "no core cases found");
        Assert.True(corePass >= RequiredPassRate * coreTotal,
            $"Only {corePass}/{coreTotal} core conformance cases pass; need {RequiredPassRate:P0}. See {summaryPath}.");
        Assert.True(extraPass >= RequiredOptionalPassRate * extraTotal,
            $"Only {extraPass}/{extraTotal} JSONata/variables cases pass; need {RequiredOptionalPassRate:P0}. See {summaryPath}.");
        Assert.True(corePass + extraPass >= RequiredOptionalPassRate * (coreTotal + extraTotal),
            $"Only {corePass + extraPass}/{coreTotal + extraTotal} cases pass; need {RequiredOptionalPassRate:P0}. See {summaryPath}.");
    }
}
