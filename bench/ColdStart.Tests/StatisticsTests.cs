using ECommerce.Bench.ColdStart;

namespace ECommerce.Bench.ColdStart.Tests;

public sealed class StatisticsTests
{
    [Fact]
    public void Median_OddCount_IsTheMiddleValue() =>
        Assert.Equal(7, Statistics.Median([9, 1, 7, 30, 2]));

    [Fact]
    public void Median_EvenCount_IsTheMeanOfTheTwoMiddleValues() =>
        Assert.Equal(5, Statistics.Median([8, 2, 4, 6]));

    [Fact]
    public void P90_TenSamples_InterpolatesBetweenTheTopTwo() =>
        Assert.Equal(9.1, Statistics.P90([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), precision: 10);

    [Fact]
    public void Quantile_SingleSample_IsThatSample() =>
        Assert.Equal(42, Statistics.Quantile([42], 0.9));

    [Fact]
    public void Quantile_NoSamples_Throws() =>
        Assert.Throws<ArgumentException>(() => Statistics.Median([]));
}

public sealed class ProcStatusTests
{
    [Fact]
    public void ParsePeakRssKb_StatusText_ReadsVmHwm()
    {
        const string status = "Name:\tbootstrap\nVmPeak:\t  300000 kB\nVmHWM:\t   18488 kB\nVmRSS:\t   17000 kB\n";
        Assert.Equal(18488, ProcStatus.ParsePeakRssKb(status));
    }

    [Fact]
    public void ParsePeakRssKb_NoVmHwmLine_IsNull() =>
        Assert.Null(ProcStatus.ParsePeakRssKb("Name:\tkthreadd\nState:\tS (sleeping)\n"));

    [Fact]
    public void ParseCpuMs_StatLineWithSpacesInTheName_AddsUserAndSystemTicks()
    {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        const string stat = "4242 (my boot strap) S 1 4242 4242 0 -1 4194560 900 0 3 0 7 5 0 0 20 0 9 0";
        Assert.Equal(120, ProcStatus.ParseCpuMs(stat));
    }

    [Fact]
    public void ReadCpuMs_ThisProcess_IsPositive() =>
        Assert.True(ProcStatus.ReadCpuMs(Environment.ProcessId) > 0);

    [Fact]
    public void ReadPeakRssKb_ThisProcess_IsPositive() =>
        Assert.True(ProcStatus.ReadPeakRssKb(Environment.ProcessId) > 0);
}

public sealed class ColdStartSummaryTests
{
    private static ColdStartRun Run(Build build, double firstResponseMs, long rssKb = 10240) =>
        new("Orders", "GetOrder", build, 1, InitMs: firstResponseMs / 2, firstResponseMs, rssKb, CpuMsToFirstResponse: firstResponseMs / 4,
            WarmMedianMs: 1, WarmInvocations: 5, "{}");

    [Fact]
    public void Summarise_AotAndJitRuns_GivesMediansAndTheSpeedup()
    {
        var runs = new[] { Run(Build.Aot, 10), Run(Build.Aot, 30), Run(Build.Aot, 20), Run(Build.Jit, 100), Run(Build.Jit, 140) };

        var summary = Assert.Single(ColdStartSummary.Summarise(runs, (_, build) => build == Build.Aot ? 1 : 2));

        Assert.Equal(20, summary.Aot.FirstResponseMedianMs);
        Assert.Equal(120, summary.Jit.FirstResponseMedianMs);
        Assert.Equal(6, summary.Speedup);
        Assert.Equal(10, summary.Aot.PeakRssMedianMb);
        Assert.Equal(2, summary.Jit.SizeBytes);
        Assert.Contains("| Orders | GetOrder | 3+2 | 20.0 / 28.0 | 120.0 / 136.0 | 6.0× | 5 / 30 |", ColdStartSummary.ToMarkdown([summary]), StringComparison.Ordinal);
    }

    [Fact]
    public void Summarise_ScenarioWithOnlyOneBuild_IsLeftOut() =>
        Assert.Empty(ColdStartSummary.Summarise([Run(Build.Aot, 10)], (_, _) => 0));
}

public sealed class ScenarioTests
{
    [Fact]
    public void Payload_ReplacesEveryOrderIdPlaceholder_AndKeepsTheRouteTemplate()
    {
        var scenario = ColdStartScenario.All.Single(s => s.Service == "Orders" && s.CallsDynamoDb);

        var payload = scenario.Payload("cs-1");

        Assert.DoesNotContain("$ORDER_ID", payload, StringComparison.Ordinal);
        Assert.Contains("\"orderId\":\"cs-1\"", payload, StringComparison.Ordinal);
        Assert.Contains("\"resource\":\"/orders/{orderId}\"", payload, StringComparison.Ordinal);
    }

    [Fact]
    public void All_EveryServiceHasAScenarioAndATableVariable()
    {
        foreach (var service in new[] { "Orders", "Inventory", "Payments", "Shipping" })
        {
            Assert.Contains(ColdStartScenario.All, scenario => scenario.Service == service);
            Assert.True(ColdStartScenario.TableVariables.ContainsKey(service));
        }
    }
}
