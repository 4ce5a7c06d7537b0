using Npgsql;

namespace TaskFlow.Benchmarks.Writes;

/// <summary>
/// Every 250 ms until stopped: the outbox backlog on tasksdb (unpublished rows, and how long the oldest has waited)
/// and the resident memory of the api and workers processes. Keeps the largest value of each.
/// </summary>
public sealed class BacklogAndMemorySampler(NpgsqlDataSource tasksDb, Func<string, int?> processIdOf)
{
    public static readonly string[] Services = ["api", "workers"];
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private const string Backlog = """
        SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8
        FROM outbox_messages WHERE published_at IS NULL
        """;

    public long MaxBacklogRows { get; private set; }
    public TimeSpan MaxOldestUnpublishedAge { get; private set; }
    public int Samples { get; private set; }
    private readonly Dictionary<string, long> _maxResidentBytes = Services.ToDictionary(s => s, _ => 0L);

    /// <summary>The largest resident set seen per service, in bytes (0 when its process was never found).</summary>
    public IReadOnlyDictionary<string, long> MaxResidentBytes => _maxResidentBytes;

    /// <summary>Samples until <paramref name="stop"/> is cancelled, then returns normally.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                await SampleAsync(stop);
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        await using (var command = tasksDb.CreateCommand(Backlog))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            MaxBacklogRows = Math.Max(MaxBacklogRows, reader.GetInt64(0));
            var oldest = TimeSpan.FromSeconds(reader.GetDouble(1));
            if (oldest > MaxOldestUnpublishedAge) MaxOldestUnpublishedAge = oldest;
        }
        foreach (var service in Services)
        {
            if (processIdOf(service) is { } pid && ServiceProcess.ResidentBytes(pid) is { } bytes)
                _maxResidentBytes[service] = Math.Max(_maxResidentBytes[service], bytes);
        }
        Samples++;
    }
}
