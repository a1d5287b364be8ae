using StateMachineGraph.Overlay;

namespace StateMachineGraph.Rendering;

/// <summary>Stroke and fill colours per status, shared by the SVG, Mermaid and DOT renderers.</summary>
public static class StatusPalette
{
    public const string TakenEdge = "#1b5e20";
    public const string CatchEdge = "#d84315";

    public static (string Stroke, string Fill) Colors(StateStatus status) => status switch
    {
        StateStatus.Succeeded => ("#2e7d32", "#e8f5e9"),
        StateStatus.Retried => ("#f9a825", "#fff8e1"),
        StateStatus.Compensating => ("#6a1b9a", "#f3e5f5"),
        StateStatus.Caught => ("#ef6c00", "#fff3e0"),
        StateStatus.Failed => ("#c62828", "#ffebee"),
        StateStatus.Running => ("#1565c0", "#e3f2fd"),
        _ => ("#9e9e9e", "#fafafa"),
    };

    public static IEnumerable<StateStatus> All => Enum.GetValues<StateStatus>();
}
