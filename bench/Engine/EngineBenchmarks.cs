using BenchmarkDotNet.Attributes;

namespace ECommerce.Bench.Engine;

/// <summary>BenchmarkDotNet view of one execution per operation, with allocations (run with <c>--bdn</c>).</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class EngineBenchmarks
{
    private EngineRunner _runner = null!;

    [Params(BenchFixtures.Saga, BenchFixtures.Pass)]
    public string Machine { get; set; } = BenchFixtures.Saga;

    [GlobalSetup]
    public void Setup() => _runner = new EngineRunner(Machine);

    [Benchmark]
    public Task OneExecution() => _runner.RunOneAsync();
}
