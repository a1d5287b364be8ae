namespace Scenarios.Tests.Invariants;

/// <summary>
/// Runs of thousands of orders move their virtual clock only when every execution waits on it, so they run alone:
/// sharing the two cores with other tests slows them five-fold.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InvariantRunsCollection
{
    public const string Name = "Invariant runs";
}
