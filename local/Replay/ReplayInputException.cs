namespace StateMachineReplay;

/// <summary>A file given to the replay could not be used; the message names the file (and the line and position of a JSON error).</summary>
public sealed class ReplayInputException(string message, Exception? innerException = null) : Exception(message, innerException);
