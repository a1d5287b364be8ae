namespace Deployment.Tests;

/// <summary>Paths of the repository under test, found by walking up to ECommerce.sln.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ECommerce.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("ECommerce.sln not found above " + AppContext.BaseDirectory);
    }
}
