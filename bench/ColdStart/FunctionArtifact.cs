namespace ECommerce.Bench.ColdStart;

/// <summary>A published function: the executable to start and what it weighs on disk.</summary>
/// <param name="SizeBytes">The AOT bootstrap file, or the whole framework-dependent publish folder.</param>
internal sealed record FunctionArtifact(string Service, Build Build, string Executable, long SizeBytes)
{
    /// <summary>Where run.sh publishes: <c>{root}/{Service}/aot/bootstrap</c> and <c>{root}/{Service}/jit/{Service}</c> (apphost).</summary>
    public static FunctionArtifact? Find(string artifactsRoot, string service, Build build)
    {
        if (build == Build.Aot)
        {
            var bootstrap = Path.Combine(artifactsRoot, service, "aot", "bootstrap");
            return File.Exists(bootstrap) ? new FunctionArtifact(service, build, bootstrap, new FileInfo(bootstrap).Length) : null;
        }

        var folder = Path.Combine(artifactsRoot, service, "jit");
        var apphost = Path.Combine(folder, service);
        if (!File.Exists(apphost))
        {
            return null;
        }

        var size = new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(file => file.Length);
        return new FunctionArtifact(service, build, apphost, size);
    }
}
