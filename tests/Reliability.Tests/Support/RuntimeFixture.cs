namespace Reliability.Tests.Support;

/// <summary>A <see cref="TestRuntime"/> with default options shared by the tests of one class.</summary>
public sealed class RuntimeFixture : IAsyncLifetime
{
    private TestRuntime? _runtime;

    public TestRuntime Runtime => _runtime ?? throw new InvalidOperationException("The runtime has not started.");

    public async ValueTask InitializeAsync() => _runtime = await TestRuntime.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }
    }
}
