namespace TaskFlow.Benchmarks.Writes;

/// <summary>
/// <c>writes</c>: the write path end to end (<c>load</c>: POST /api/tasks → outbox → relay → Kafka → audit), or one
/// stage of it alone (<c>relay</c>: the outbox relay; <c>audit</c>: the audit consumer).
/// </summary>
public static class WritesBenchmark
{
    public const string Options = "[--mode load|relay|audit] load: [--users 200] [--connections 32] [--seconds 60]; relay|audit: [--events 50000|20000]";

    public static Task RunAsync(BenchmarkOptions options) =>
        options.OneOf("mode", "load", "relay", "audit") switch
        {
            "relay" => OutboxRelayBenchmark.RunAsync(options),
            "audit" => AuditConsumerBenchmark.RunAsync(options),
            _ => WriteLoadBenchmark.RunAsync(options),
        };

    /// <summary>One verdict line; every mode ends with these.</summary>
    public static void Target(string target, bool met) => Console.WriteLine($"target: {target} -> {(met ? "met" : "NOT met")}");
}
