using StatesLanguage.Definition;

namespace StateMachineReplay;

/// <summary>
/// <c>replay &lt;history.json&gt; --state-machine &lt;definition.asl.json&gt; [--substitute Name=Value ...]
/// [--write-mock mocks.json] [--write-test ReplayTests.cs]</c>: replays an execution exported from AWS against the
/// current definition and says whether it takes the same path, and where it first diverges.
/// </summary>
public static class ReplayCommand
{
    /// <summary>Same path and same outcome.</summary>
    public const int ExitSame = 0;

    /// <summary>The local run diverged from the recording (path or outcome).</summary>
    public const int ExitDiverged = 1;

    /// <summary>Bad arguments or a file that could not be used.</summary>
    public const int ExitInvalidInput = 2;

    public const string Usage =
        "usage: replay <history.json> --state-machine <definition.asl.json> [--substitute Name=Value ...] [--write-mock mocks.json] [--write-test ReplayTests.cs]";

    /// <summary>Runs the command; <paramref name="args"/> may start with "replay". Returns <see cref="ExitSame"/>, <see cref="ExitDiverged"/> or <see cref="ExitInvalidInput"/>.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) =>
        RunAsync(args, stdout, stderr, CancellationToken.None).GetAwaiter().GetResult();

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (!ReplayArguments.TryParse(args, out var arguments, out var problem))
        {
            await stderr.WriteLineAsync(problem).ConfigureAwait(false);
            await stderr.WriteLineAsync(Usage).ConfigureAwait(false);
            return ExitInvalidInput;
        }

        try
        {
            var recorded = RecordedExecution.Load(arguments.HistoryPath);
            var definition = LoadDefinition(arguments.DefinitionPath, arguments.Substitutions);
            var machineName = MockCaseBuilder.PascalCase(DefinitionName(arguments.DefinitionPath));
            var testCase = MockCaseBuilder.PascalCase(Path.GetFileNameWithoutExtension(arguments.HistoryPath));
            var replayCase = MockCaseBuilder.Build(recorded, machineName, testCase);

            await stdout.WriteLineAsync(
                $"Replaying {arguments.HistoryPath} ({recorded.Events.Count} events, recorded {recorded.Status}{(recorded.Error is null ? "" : " " + recorded.Error)}) "
                + $"against {arguments.DefinitionPath} as {machineName}#{testCase}").ConfigureAwait(false);
            var comparison = await ReplayRunner.RunAsync(definition, recorded, replayCase, cancellationToken).ConfigureAwait(false);
            await stdout.WriteLineAsync(comparison.Describe()).ConfigureAwait(false);

            if (arguments.MockPath is { } mockPath)
            {
                await File.WriteAllTextAsync(mockPath, replayCase.ToJson() + "\n", cancellationToken).ConfigureAwait(false);
                await stdout.WriteLineAsync($"Wrote the mock test case {machineName}#{testCase} to {mockPath}").ConfigureAwait(false);
            }

            if (arguments.TestPath is { } testPath)
            {
                var className = MockCaseBuilder.PascalCase(Path.GetFileNameWithoutExtension(testPath));
                var skeleton = TestSkeletonWriter.Write(new TestSkeletonSpec(
                    className, arguments.DefinitionPath, arguments.Substitutions, replayCase, recorded, arguments.HistoryPath));
                await File.WriteAllTextAsync(testPath, skeleton, cancellationToken).ConfigureAwait(false);
                await stdout.WriteLineAsync($"Wrote the replay test {className} to {testPath}").ConfigureAwait(false);
            }

            return comparison.Matches ? ExitSame : ExitDiverged;
        }
        catch (ReplayInputException exception)
        {
            await stderr.WriteLineAsync(exception.Message).ConfigureAwait(false);
            return ExitInvalidInput;
        }
        catch (IOException exception)
        {
            await stderr.WriteLineAsync(exception.Message).ConfigureAwait(false);
            return ExitInvalidInput;
        }
    }

    /// <summary>Reads the definition, applies the ${Name} substitutions and validates it.</summary>
    /// <exception cref="ReplayInputException">Unreadable, not JSON (line and position given) or not a valid definition.</exception>
    public static string LoadDefinition(string path, IReadOnlyDictionary<string, string> substitutions)
    {
        ArgumentNullException.ThrowIfNull(substitutions);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ReplayInputException($"{path}: cannot read the state machine definition: {exception.Message}", exception);
        }

        foreach (var (name, value) in substitutions)
        {
            text = text.Replace("${" + name + "}", value, StringComparison.Ordinal);
        }

        if (text.TrimStart().StartsWith('{'))
        {
            JsonFiles.Parse(text, path, "state machine definition");
        }

        try
        {
            DefinitionParser.Parse(text);
        }
        catch (DefinitionValidationException exception)
        {
            throw new ReplayInputException($"{path}: {exception.Message}", exception);
        }

        return text;
    }

    // order-saga.asl.json → order-saga
    private static string DefinitionName(string path)
    {
        var name = Path.GetFileName(path);
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? name[..dot] : name;
    }
}

/// <summary>The replay command's parsed arguments.</summary>
public sealed record ReplayArguments(
    string HistoryPath,
    string DefinitionPath,
    IReadOnlyDictionary<string, string> Substitutions,
    string? MockPath,
    string? TestPath)
{
    public static bool TryParse(IReadOnlyList<string> args, out ReplayArguments arguments, out string problem)
    {
        ArgumentNullException.ThrowIfNull(args);
        arguments = null!;
        string? history = null, definition = null, mocks = null, test = null;
        var substitutions = new Dictionary<string, string>(StringComparer.Ordinal);
        var start = args.Count > 0 && args[0] == "replay" ? 1 : 0;
        for (var i = start; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "--state-machine" or "--write-mock" or "--write-test" when i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal):
                    problem = $"{arg} needs a file name.";
                    return false;
                case "--state-machine":
                    definition = args[++i];
                    break;
                case "--write-mock":
                    mocks = args[++i];
                    break;
                case "--write-test":
                    test = args[++i];
                    break;
                case "--substitute":
                    var taken = 0;
                    while (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) && args[i + 1].Contains('=', StringComparison.Ordinal))
                    {
                        var pair = args[++i];
                        var equals = pair.IndexOf('=', StringComparison.Ordinal);
                        if (equals <= 0)
                        {
                            problem = $"--substitute takes Name=Value, not '{pair}'.";
                            return false;
                        }

                        substitutions[pair[..equals]] = pair[(equals + 1)..];
                        taken++;
                    }

                    if (taken == 0)
                    {
                        problem = "--substitute needs at least one Name=Value.";
                        return false;
                    }

                    break;
                case "-h" or "--help":
                    problem = "Replays an execution history exported with 'aws stepfunctions get-execution-history --output json'.";
                    return false;
                default:
                    if (arg.StartsWith("--", StringComparison.Ordinal) || history is not null)
                    {
                        problem = $"Unexpected argument '{arg}'.";
                        return false;
                    }

                    history = arg;
                    break;
            }
        }

        if (history is null || definition is null)
        {
            problem = history is null ? "The execution history file is missing." : "--state-machine is missing.";
            return false;
        }

        arguments = new ReplayArguments(history, definition, substitutions, mocks, test);
        problem = "";
        return true;
    }
}
