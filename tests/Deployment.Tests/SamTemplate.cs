using ECommerce.TestSupport;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Deployment.Tests;

/// <summary>
/// template.yaml as CloudFormation, translated offline by aws-sam-translator (the same library `sam deploy` uses),
/// so tests can check what would really be deployed: roles, policies, event source mappings.
/// </summary>
public sealed class SamTemplate
{
    private static readonly Lazy<(SamTemplate? Template, string? SkipReason)> Translated = new(Translate);

    private SamTemplate(JsonObject cloudFormation) => CloudFormation = cloudFormation;

    public JsonObject CloudFormation { get; }

    public JsonObject Resources => CloudFormation["Resources"]!.AsObject();

    public static SamTemplate Load()
    {
        var (template, skipReason) = Translated.Value;
        if (template is null)
        {
            Assert.Skip(skipReason!);
        }

        return template;
    }

    public IEnumerable<(string Name, JsonObject Resource)> ResourcesOfType(string type) =>
        Resources.Where(r => (string?)r.Value!["Type"] == type).Select(r => (r.Key, r.Value!.AsObject()));

    private static (SamTemplate?, string?) Translate()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "tools", "sam_translate.py");
        var start = new ProcessStartInfo("python3")
        {
            ArgumentList = { script, RepositoryRoot.Combine("template.yaml") },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (null, "python3 not found: the template checks need python3 with aws-sam-translator 1.110 (CI has it)");
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            if (process.ExitCode != 0 && stderr.Result.Contains("No module named 'samtranslator'", StringComparison.Ordinal))
            {
                return (null, "aws-sam-translator is not installed: the template checks need it (CI has it)");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException("aws-sam-translator rejected template.yaml:\n" + stderr.Result);
            }

            return (new SamTemplate(JsonNode.Parse(stdout.Result)!.AsObject()), null);
        }
    }
}
