using StateMachineGraph.Model;

namespace StateMachineGraph.Layout;

/// <summary>Sizes of shapes and text, shared by the layout and the SVG renderer so that labels fit their boxes.</summary>
public static class NodeMetrics
{
    public const double FontSize = 13;
    public const double LabelFontSize = 11;
    public const double GroupHeader = 30;
    public const double GroupPadding = 14;
    public const double ScopeGap = 20;
    public const double Margin = 20;

    /// <summary>An estimate of the rendered width of text in the SVG's sans-serif font, without measuring glyphs.</summary>
    public static double TextWidth(string text, double fontSize) => text.Length * fontSize * 0.56;

    public static (double Width, double Height) SizeOf(GraphNode node) => node.Kind switch
    {
        NodeKind.Start or NodeKind.End => (44, 44),
        NodeKind.Task => (Math.Max(150, TextWidth(node.Name, FontSize) + (node.HasRetry ? 64 : 36)), 44),
        NodeKind.Choice => (Math.Max(150, TextWidth(node.Name, FontSize) + 60), 52),
        NodeKind.Wait => (Math.Max(120, TextWidth(node.Name, FontSize) + 56), 40),
        _ => (Math.Max(120, TextWidth(node.Name, FontSize) + 36), 40),
    };

    public static (double Width, double Height) LabelSize(string? label) =>
        string.IsNullOrEmpty(label) ? (0, 0) : (TextWidth(label, LabelFontSize) + 12, LabelFontSize + 8);
}
