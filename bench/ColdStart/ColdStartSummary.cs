using System.Globalization;
using System.Text;

namespace ECommerce.Bench.ColdStart;

/// <summary>One scenario's AOT and JIT runs reduced to medians and p90s.</summary>
internal sealed record ScenarioSummary(
    string Service,
    string Scenario,
    BuildSummary Aot,
    BuildSummary Jit)
{
    /// <summary>How many times faster the AOT first response is (JIT median ÷ AOT median).</summary>
    public double Speedup => Jit.FirstResponseMedianMs / Aot.FirstResponseMedianMs;
}

/// <summary>Medians over the runs of one build of one scenario.</summary>
internal sealed record BuildSummary(
    int Runs,
    double FirstResponseMedianMs,
    double FirstResponseP90Ms,
    double InitMedianMs,
    double? CpuMedianMs,
    double WarmMedianMs,
    double? PeakRssMedianMb,
    long SizeBytes)
{
    public static BuildSummary From(IReadOnlyCollection<ColdStartRun> runs, long sizeBytes)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var first = runs.Select(run => run.FirstResponseMs).ToList();
        var rss = runs.Where(run => run.PeakRssKb is not null).Select(run => run.PeakRssKb!.Value / 1024.0).ToList();
        var cpu = runs.Where(run => run.CpuMsToFirstResponse is not null).Select(run => run.CpuMsToFirstResponse!.Value).ToList();
        var warm = runs.Where(run => !double.IsNaN(run.WarmMedianMs)).Select(run => run.WarmMedianMs).ToList();
        return new BuildSummary(
            runs.Count,
            Statistics.Median(first),
            Statistics.P90(first),
            Statistics.Median(runs.Select(run => run.InitMs).ToList()),
            cpu.Count == 0 ? null : Statistics.Median(cpu),
            warm.Count == 0 ? double.NaN : Statistics.Median(warm),
            rss.Count == 0 ? null : Statistics.Median(rss),
            sizeBytes);
    }
}

/// <summary>Groups runs by scenario and renders the results table.</summary>
internal static class ColdStartSummary
{
    public static IReadOnlyList<ScenarioSummary> Summarise(
        IEnumerable<ColdStartRun> runs,
        Func<string, Build, long> sizeOf)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(sizeOf);
        return runs
            .GroupBy(run => (run.Service, run.Scenario))
            .Where(group => group.Any(run => run.Build == Build.Aot) && group.Any(run => run.Build == Build.Jit))
            .Select(group => new ScenarioSummary(
                group.Key.Service,
                group.Key.Scenario,
                BuildSummary.From(group.Where(run => run.Build == Build.Aot).ToList(), sizeOf(group.Key.Service, Build.Aot)),
                BuildSummary.From(group.Where(run => run.Build == Build.Jit).ToList(), sizeOf(group.Key.Service, Build.Jit))))
            .ToList();
    }

    public static string ToMarkdown(IEnumerable<ScenarioSummary> summaries)
    {
        ArgumentNullException.ThrowIfNull(summaries);
        var table = new StringBuilder();
        table.AppendLine("| service | invocation | runs | AOT first response median / p90 ms | JIT first response median / p90 ms | JIT ÷ AOT | AOT / JIT CPU ms to first response | AOT / JIT init (first /next) ms | AOT / JIT warm invoke ms | AOT bootstrap / JIT publish folder MB | AOT / JIT peak RSS MB |");
        table.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var s in summaries)
        {
            table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {s.Service} | {s.Scenario} | {s.Aot.Runs}+{s.Jit.Runs} | {s.Aot.FirstResponseMedianMs:F1} / {s.Aot.FirstResponseP90Ms:F1} | {s.Jit.FirstResponseMedianMs:F1} / {s.Jit.FirstResponseP90Ms:F1} | {s.Speedup:F1}× | {Mb(s.Aot.CpuMedianMs, "F0")} / {Mb(s.Jit.CpuMedianMs, "F0")} | {s.Aot.InitMedianMs:F1} / {s.Jit.InitMedianMs:F1} | {s.Aot.WarmMedianMs:F2} / {s.Jit.WarmMedianMs:F2} | {Megabytes(s.Aot.SizeBytes)} / {Megabytes(s.Jit.SizeBytes)} | {Mb(s.Aot.PeakRssMedianMb)} / {Mb(s.Jit.PeakRssMedianMb)} |"));
        }

        return table.ToString();
    }

    private static string Megabytes(long bytes) => (bytes / 1024.0 / 1024.0).ToString("F1", CultureInfo.InvariantCulture);

    private static string Mb(double? value, string format = "F1") => value?.ToString(format, CultureInfo.InvariantCulture) ?? "n/a";
}
