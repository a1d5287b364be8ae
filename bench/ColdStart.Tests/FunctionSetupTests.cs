using ECommerce.Bench.ColdStart;

namespace ECommerce.Bench.ColdStart.Tests;

public sealed class FunctionEnvironmentTests
{
    private static readonly ColdStartScenario NoAws = ColdStartScenario.All.First(s => !s.CallsDynamoDb);
    private static readonly ColdStartScenario Shipping = ColdStartScenario.All.Single(s => s.Service == "Shipping");

    [Fact]
    public void For_ScenarioWithoutAwsCalls_PointsTheSdkAtAClosedPort()
    {
        var variables = new FunctionEnvironment(new Uri("http://127.0.0.1:5000/"), "/usr/share/dotnet").For(NoAws, "127.0.0.1:9001");

        Assert.Equal("http://127.0.0.1:9", variables["AWS_ENDPOINT_URL"]);
        Assert.Equal("127.0.0.1:9001", variables["AWS_LAMBDA_RUNTIME_API"]);
        Assert.Equal(NoAws.Handler, variables["_HANDLER"]);
    }

    [Fact]
    public void For_DynamoDbScenario_UsesMotoAndTheServicesTableVariable()
    {
        var variables = new FunctionEnvironment(new Uri("http://127.0.0.1:5000/"), "/usr/share/dotnet").For(Shipping, "127.0.0.1:9001");

        Assert.Equal("http://127.0.0.1:5000", variables["AWS_ENDPOINT_URL"]);
        Assert.Equal("cold-start-shipping", variables["SHIPPING_TABLE"]);
        Assert.Equal("us-east-1", variables["AWS_REGION"]);
        Assert.Equal("/usr/share/dotnet", variables["DOTNET_ROOT"]);
    }
}

public sealed class FunctionArtifactTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cold-start-artifacts-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Find_AotBootstrap_SizeIsTheBinary()
    {
        Write(Path.Combine("Orders", "aot", "bootstrap"), 1000);

        var artifact = FunctionArtifact.Find(_root, "Orders", Build.Aot);

        Assert.NotNull(artifact);
        Assert.EndsWith(Path.Combine("aot", "bootstrap"), artifact.Executable, StringComparison.Ordinal);
        Assert.Equal(1000, artifact.SizeBytes);
    }

    [Fact]
    public void Find_JitPublish_SizeIsTheWholeFolder()
    {
        Write(Path.Combine("Orders", "jit", "Orders"), 70);
        Write(Path.Combine("Orders", "jit", "Orders.dll"), 300);
        Write(Path.Combine("Orders", "jit", "runtimes", "native.so"), 30);

        var artifact = FunctionArtifact.Find(_root, "Orders", Build.Jit);

        Assert.NotNull(artifact);
        Assert.Equal(400, artifact.SizeBytes);
    }

    [Fact]
    public void Find_NotPublished_IsNull() =>
        Assert.Null(FunctionArtifact.Find(_root, "Payments", Build.Aot));

    private void Write(string relativePath, int bytes)
    {
        var path = Path.Combine(_root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, new byte[bytes]);
    }
}
