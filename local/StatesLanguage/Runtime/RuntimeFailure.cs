namespace StatesLanguage.Runtime;

/// <summary>A States.Runtime problem inside a state; the interpreter prefixes the state name and entered event id.</summary>
internal sealed class RuntimeFailure(string reason) : Exception(reason);
