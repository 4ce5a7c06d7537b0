using System.Diagnostics;
using System.Globalization;
using TaskFlow.Benchmarks.Writes;

namespace TaskFlow.Benchmarks;

/// <summary>
/// CPU time spent between <see cref="Start"/> and <see cref="Stop"/> by each part of the app, from /proc: the Api, the
/// Workers and Postgres (each with its descendants), and this process split in two: the dev broker (the AppHost runs
/// here, and the broker is librdkafka's mock cluster, whose threads are named "rdk:...") and the rest (the load
/// generator, the AppHost's orchestration, the runtime).
/// </summary>
public sealed class CpuByProcess
{
    public static readonly string[] Resources = ["api", "workers", "postgres"];
    public const string DevBroker = "dev broker";
    public const string LoadAndAppHost = "load + AppHost";

    private readonly BenchmarkApp _bench;
    private readonly Dictionary<string, TimeSpan?> _before;

    private CpuByProcess(BenchmarkApp bench)
    {
        _bench = bench;
        _before = Measure();
    }

    public static CpuByProcess Start(BenchmarkApp bench) => new(bench);

    /// <summary>What each part spent since the start, in a fixed order; null where a process was not found.</summary>
    public IReadOnlyList<(string Part, TimeSpan? Spent)> Stop()
    {
        var after = Measure();
        return [.. after.Select(part => (part.Key, part.Value - _before[part.Key]))];
    }

    /// <summary>Each part's milliseconds per unit of work ("api 1.23, workers ...").</summary>
    public static string PerUnit(IReadOnlyList<(string Part, TimeSpan? Spent)> spent, int units) =>
        string.Join(", ", spent.Select(part => $"{part.Part} {(part.Spent is { } time ? (time.TotalMilliseconds / units).ToString("F2", CultureInfo.InvariantCulture) : "n/a")}"));

    private Dictionary<string, TimeSpan?> Measure()
    {
        var parts = Resources.ToDictionary(resource => resource, resource => _bench.ProcessId(resource) is { } pid ? ServiceProcess.CpuTime(pid) : null);
        var broker = BrokerThreads();
        parts[DevBroker] = broker;
        parts[LoadAndAppHost] = Process.GetCurrentProcess().TotalProcessorTime - broker;
        return parts;
    }

    /// <summary>This process's librdkafka threads (the mock cluster's brokers and the clients that keep it up).</summary>
    private static TimeSpan BrokerThreads()
    {
        var ticks = 0L;
        foreach (var thread in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                if (!File.ReadAllText(Path.Combine(thread, "comm")).StartsWith("rdk:", StringComparison.Ordinal)) continue;
                ticks += ServiceProcess.CpuTicks(File.ReadAllText(Path.Combine(thread, "stat")), withReapedChildren: false);
            }
            catch (IOException)
            {
                // The thread ended while being read.
            }
        }
        return ServiceProcess.FromTicks(ticks);
    }
}
