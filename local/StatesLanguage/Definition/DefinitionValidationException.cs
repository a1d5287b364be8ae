namespace StatesLanguage.Definition;

/// <summary>One problem found in a definition: where (a JSON pointer such as /States/Charge/Next) and what, AWS-style.</summary>
public sealed record ValidationProblem(string Path, string Message)
{
    /// <summary>The AWS diagnostic code the message starts with, e.g. MISSING_TRANSITION_TARGET.</summary>
    public string Code => Message.Split(':', 2)[0];

    public override string ToString() => $"{Message} at {Path}";
}

/// <summary>Thrown when a definition is invalid; lists every problem found, not just the first.</summary>
public sealed class DefinitionValidationException(IReadOnlyList<ValidationProblem> problems)
    : Exception("Invalid State Machine Definition: " + string.Join(", ", problems.Select(p => $"'{p}'")))
{
    public IReadOnlyList<ValidationProblem> Problems { get; } = problems;
}
