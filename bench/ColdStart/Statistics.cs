using System.Globalization;

namespace ECommerce.Bench.ColdStart;

/// <summary>Order statistics over a handful of samples (nearest-rank on the sorted values, linear interpolation).</summary>
internal static class Statistics
{
    /// <summary>The <paramref name="fraction"/> quantile (0-1), interpolated between the two nearest ranks.</summary>
    public static double Quantile(IReadOnlyCollection<double> samples, double fraction)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
        {
            throw new ArgumentException("No samples.", nameof(samples));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(fraction, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fraction, 1);
        var sorted = samples.Order().ToArray();
        var position = fraction * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = (int)Math.Ceiling(position);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (position - lower));
    }

    public static double Median(IReadOnlyCollection<double> samples) => Quantile(samples, 0.5);

    public static double P90(IReadOnlyCollection<double> samples) => Quantile(samples, 0.9);
}

/// <summary>What the kernel reports about a function process at one moment.</summary>
/// <param name="PeakRssKb">VmHWM: the resident-set high-water mark.</param>
/// <param name="CpuMs">User + system CPU time of the whole process so far (utime + stime, 10 ms ticks).</param>
internal sealed record ProcessSample(long? PeakRssKb, double? CpuMs)
{
    public static ProcessSample None { get; } = new(null, null);
}

/// <summary>Reads a process's memory high-water mark and CPU time the way the kernel reports them.</summary>
internal static class ProcStatus
{
    /// <summary>Clock ticks per second of /proc/&lt;pid&gt;/stat times (USER_HZ, 100 on Linux x86-64).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>A live process's peak RSS and CPU time; nulls where it has exited or /proc is unavailable.</summary>
    public static ProcessSample Sample(int pid) => new(ReadPeakRssKb(pid), ReadCpuMs(pid));

    /// <summary>utime + stime in ms from the text of <c>/proc/&lt;pid&gt;/stat</c> (fields 14 and 15), or null.</summary>
    public static double? ParseCpuMs(string stat)
    {
        ArgumentNullException.ThrowIfNull(stat);
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
        var afterName = stat.LastIndexOf(')');
        if (afterName < 0)
        {
            return null;
        }

        var fields = stat[(afterName + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is field 3 (state), so utime (14) and stime (15) are fields[11] and fields[12].
        if (fields.Length < 13
            || !long.TryParse(fields[11], NumberStyles.Integer, CultureInfo.InvariantCulture, out var utime)
            || !long.TryParse(fields[12], NumberStyles.Integer, CultureInfo.InvariantCulture, out var stime))
        {
            return null;
        }

        return (utime + stime) * 1000 / TicksPerSecond;
    }

    public static double? ReadCpuMs(int pid)
    {
        try
        {
            return ParseCpuMs(File.ReadAllText($"/proc/{pid}/stat"));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>VmHWM (peak resident set) in kB from the text of <c>/proc/&lt;pid&gt;/status</c>, or null.</summary>
    public static long? ParsePeakRssKb(string status)
    {
        ArgumentNullException.ThrowIfNull(status);
        foreach (var line in status.Split('\n'))
        {
            if (!line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                continue;
            }

            var value = line["VmHWM:".Length..].Trim();
            var space = value.IndexOf(' ', StringComparison.Ordinal);
            var number = space < 0 ? value : value[..space];
            return long.TryParse(number, NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb) ? kb : null;
        }

        return null;
    }

    /// <summary>The live process's VmHWM in kB, or null when it has exited or /proc is unavailable.</summary>
    public static long? ReadPeakRssKb(int pid)
    {
        try
        {
            return ParsePeakRssKb(File.ReadAllText($"/proc/{pid}/status"));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
