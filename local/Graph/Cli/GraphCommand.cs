using System.Text.Json;
using StateMachineGraph.Model;
using StateMachineGraph.Overlay;
using StateMachineGraph.Rendering;

namespace StateMachineGraph.Cli;

/// <summary>
/// The `graph` command: renders a definition (JSON or YAML) as SVG, Mermaid or DOT, optionally with an execution history.
/// Exit codes: 0 done, 1 a file could not be read or is invalid, 2 bad usage.
/// </summary>
public static class GraphCommand
{
    public const int Success = 0;
    public const int InvalidInput = 1;
    public const int UsageError = 2;

    public const string Usage = "usage: graph <definition.asl.json|yaml> [--format svg|mermaid|dot] [--history history.json] [--output file]";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        if (!TryParse(args, out var options, out var problem))
        {
            stderr.WriteLine($"graph: {problem}");
            stderr.WriteLine(Usage);
            return UsageError;
        }

        if (options.Help)
        {
            stdout.WriteLine(Usage);
            return Success;
        }

        StateGraph graph;
        try
        {
            graph = StateGraphBuilder.FromText(File.ReadAllText(options.Definition), options.Definition);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"graph: cannot read {options.Definition}: {ex.Message}");
            return InvalidInput;
        }
        catch (DefinitionException ex)
        {
            stderr.WriteLine($"graph: {options.Definition}: {ex.Message}");
            return InvalidInput;
        }

        ExecutionOverlay? overlay = null;
        if (options.History is not null)
        {
            try
            {
                overlay = ExecutionOverlay.Compute(graph, ExecutionHistory.Parse(File.ReadAllText(options.History)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"graph: cannot read {options.History}: {ex.Message}");
                return InvalidInput;
            }
            catch (JsonException ex)
            {
                var where = ex.LineNumber is { } line ? $" at line {line + 1}, position {(ex.BytePositionInLine ?? 0) + 1}" : string.Empty;
                stderr.WriteLine($"graph: {options.History}: invalid execution history{where}: {ex.Message}");
                return InvalidInput;
            }
        }

        var text = options.Format switch
        {
            "mermaid" => MermaidRenderer.Render(graph, overlay),
            "dot" => DotRenderer.Render(graph, overlay),
            _ => SvgRenderer.Render(graph, overlay),
        };

        if (options.Output is null)
        {
            stdout.Write(text);
            return Success;
        }

        try
        {
            File.WriteAllText(options.Output, text);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"graph: cannot write {options.Output}: {ex.Message}");
            return InvalidInput;
        }

        return Success;
    }

    private sealed record Options(string Definition, string Format, string? History, string? Output, bool Help);

    private static bool TryParse(string[] args, out Options options, out string problem)
    {
        options = new Options(string.Empty, "svg", null, null, false);
        problem = string.Empty;
        string? definition = null;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                options = options with { Help = true };
                return true;
            }

            if (arg is "--format" or "--history" or "--output")
            {
                if (i + 1 >= args.Length)
                {
                    problem = $"{arg} needs a value";
                    return false;
                }

                var value = args[++i];
                switch (arg)
                {
                    case "--format" when value is "svg" or "mermaid" or "dot":
                        options = options with { Format = value };
                        break;
                    case "--format":
                        problem = $"unknown format '{value}' (expected svg, mermaid or dot)";
                        return false;
                    case "--history":
                        options = options with { History = value };
                        break;
                    default:
                        options = options with { Output = value };
                        break;
                }

                continue;
            }

            if (arg.StartsWith('-'))
            {
                problem = $"unknown option '{arg}'";
                return false;
            }

            if (definition is not null)
            {
                problem = $"unexpected argument '{arg}'";
                return false;
            }

            definition = arg;
        }

        if (definition is null)
        {
            problem = "a definition file is required";
            return false;
        }

        options = options with { Definition = definition };
        return true;
    }
}
