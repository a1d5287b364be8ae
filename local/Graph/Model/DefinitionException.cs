namespace StateMachineGraph.Model;

/// <summary>
/// A definition that cannot be read or drawn. <see cref="Code"/> uses the names AWS reports from
/// ValidateStateMachineDefinition (for example MISSING_TRANSITION_TARGET, SCHEMA_VALIDATION_FAILED).
/// </summary>
public sealed class DefinitionException : Exception
{
    public DefinitionException(string code, string message, string? location = null, Exception? inner = null)
        : base(location is null ? $"{code}: {message}" : $"{code}: {message} at {location}", inner)
    {
        Code = code;
        Location = location;
    }

    public DefinitionException()
        : this("SCHEMA_VALIDATION_FAILED", "Invalid definition")
    {
    }

    public DefinitionException(string message)
        : this("SCHEMA_VALIDATION_FAILED", message)
    {
    }

    public DefinitionException(string message, Exception innerException)
        : this("SCHEMA_VALIDATION_FAILED", message, null, innerException)
    {
    }

    public string Code { get; }

    /// <summary>JSON pointer into the definition, or "line L, position P" for a syntax error.</summary>
    public string? Location { get; }
}
