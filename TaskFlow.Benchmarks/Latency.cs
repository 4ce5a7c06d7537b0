namespace TaskFlow.Benchmarks;

/// <summary>Timings of one kind of request, in milliseconds; percentiles by nearest rank.</summary>
public sealed class Latency
{
    private readonly List<double> _milliseconds = [];

    public int Count => _milliseconds.Count;

    public void Add(TimeSpan elapsed) => _milliseconds.Add(elapsed.TotalMilliseconds);

    /// <summary>The timings of all <paramref name="parts"/> together.</summary>
    public static Latency Of(IEnumerable<Latency> parts)
    {
        var all = new Latency();
        foreach (var part in parts) all._milliseconds.AddRange(part._milliseconds);
        return all;
    }

    public double Percentile(double percent)
    {
        if (_milliseconds.Count == 0) return double.NaN;
        var sorted = _milliseconds.Order().ToList();
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    public double Max => _milliseconds.Count == 0 ? double.NaN : _milliseconds.Max();
}
