using StateMachineGraph.Model;

namespace StateMachineGraph.Tests;

internal static class Fixtures
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static string Text(string name) => File.ReadAllText(PathOf(name));

    public static StateGraph Graph(string name) => StateGraphBuilder.FromText(Text(name), name);

    public static readonly string[] All = ["saga.asl.json", "parallel-map.asl.json", "fulfilment-20.asl.json"];

    /// <summary>The project's real state machine, when the lead has put it in place.</summary>
    public static string? RealSagaPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "statemachines", "order-saga.asl.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
