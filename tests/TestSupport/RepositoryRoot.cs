namespace ECommerce.TestSupport;

/// <summary>Finds the repository root (the folder holding ECommerce.sln) from wherever the tests run.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(() => FindFrom(AppContext.BaseDirectory));

    /// <summary>The absolute path of the repository root.</summary>
    public static string Path => Root.Value;

    /// <summary>A path inside the repository, e.g. <c>Combine("statemachines", "order-saga.asl.json")</c>.</summary>
    public static string Combine(params string[] relativeParts) => System.IO.Path.Combine([Root.Value, .. relativeParts]);

    /// <summary>Walks up from <paramref name="startDirectory"/> to the first folder that holds ECommerce.sln.</summary>
    public static string FindFrom(string startDirectory)
    {
        for (var directory = new DirectoryInfo(startDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "ECommerce.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No ECommerce.sln in '{startDirectory}' or any folder above it.");
    }
}
