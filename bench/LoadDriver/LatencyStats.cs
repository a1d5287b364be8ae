namespace ECommerce.Bench.LoadDriver;

/// <summary>Percentiles of a set of latencies, in milliseconds (nearest-rank).</summary>
public sealed record LatencyStats(int Count, double P50, double P90, double P99, double Max)
{
    public static LatencyStats From(IReadOnlyCollection<double> milliseconds)
    {
        if (milliseconds.Count == 0)
        {
            return new LatencyStats(0, double.NaN, double.NaN, double.NaN, double.NaN);
        }
        var sorted = milliseconds.Order().ToArray();
        double Rank(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new LatencyStats(sorted.Length, Rank(0.50), Rank(0.90), Rank(0.99), sorted[^1]);
    }
}
