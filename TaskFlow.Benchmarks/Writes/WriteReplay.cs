using System.Diagnostics;
using Npgsql;

namespace TaskFlow.Benchmarks.Writes;

/// <summary>
/// <see cref="ReplayedWriteSql"/> back to back on <c>connections</c> connections (one each, held for the run) for a
/// while: the rate Postgres alone allows the Api's write on this machine.
/// </summary>
public static class WriteReplay
{
    public sealed record Result(long Writes, TimeSpan Elapsed)
    {
        public double PerSecond => Writes / Elapsed.TotalSeconds;
    }

    public static async Task<Result> RunAsync(string tasksDbConnectionString, ReplayedWriteSql write, int connections, TimeSpan duration)
    {
        var builder = new NpgsqlConnectionStringBuilder(tasksDbConnectionString);
        builder.MaxPoolSize = Math.Max(builder.MaxPoolSize, connections);
        await using var tasksDb = NpgsqlDataSource.Create(builder.ConnectionString);
        var writes = 0L;
        var started = -1;
        var clock = Stopwatch.StartNew();

        async Task LoopAsync()
        {
            await using var connection = await tasksDb.OpenConnectionAsync();
            while (clock.Elapsed < duration)
            {
                await write.RunOnceAsync(connection, Interlocked.Increment(ref started));
                Interlocked.Increment(ref writes);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(LoopAsync)));
        return new Result(writes, clock.Elapsed);
    }
}
