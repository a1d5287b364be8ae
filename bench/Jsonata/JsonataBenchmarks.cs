using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Jsonata;

namespace ECommerce.Bench.Jsonata;

/// <summary>One evaluation of a parsed expression against the order document (parse cost excluded, as on the Node side).</summary>
[MemoryDiagnoser]
[Config(typeof(InProcessShortRun))]
public class JsonataBenchmarks
{
    private static readonly BenchCases Cases = BenchCases.Load();
    private JsonataExpression _expression = null!;

    public static IEnumerable<string> Names => Cases.Expressions.Select(e => e.Name);

    [ParamsSource(nameof(Names))]
    public string Name { get; set; } = "";

    [GlobalSetup]
    public void Setup() => _expression = Cases.Parse(Name);

    [Benchmark]
    public JsonNode? Evaluate() => _expression.Evaluate(Cases.Document);

    /// <summary>ShortRun in this process: building BenchmarkDotNet's generated project times out on a loaded machine.</summary>
    public sealed class InProcessShortRun : ManualConfig
    {
        public InProcessShortRun() => AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
    }
}
