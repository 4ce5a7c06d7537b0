using System.Diagnostics;
using Aspire.Hosting.Testing;
using Npgsql;
using static TaskFlow.Benchmarks.Writes.WritesBenchmark;

namespace TaskFlow.Benchmarks.Writes;

/// <summary>
/// <c>writes --mode load</c>: many users create tasks through the API for a while; meanwhile the outbox backlog and
/// the services' memory are sampled; afterwards, how soon and how completely the audit recorded every write, and how
/// the write rate compares with the same SQL sent straight to Postgres.
/// </summary>
public static class WriteLoadBenchmark
{
    /// <summary>Each create puts a task-events and a task-updates message in the outbox.</summary>
    private const int OutboxRowsPerWrite = 2;
    private const int SignUpParallelism = 4;
    /// <summary>
    /// Lifted by configuration (Api code unchanged): sign-ups all come from this one address, which may make 300
    /// requests per 10 s (200 users register and log in: 400), and a fast load may exceed a user's 30 writes/s.
    /// </summary>
    private const string PermitsPerWindow = "1000000";
    private const string ReplayUserId = "bench-replay";
    private static readonly TimeSpan AuditTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan AuditPollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxReplay = TimeSpan.FromSeconds(20);

    public static async Task RunAsync(BenchmarkOptions options)
    {
        var userCount = options.Int("users", 200, min: 1, max: 10_000);
        var connections = options.Int("connections", 32, min: 1, max: 200);
        var duration = TimeSpan.FromSeconds(options.Int("seconds", 60, min: 1, max: 3600));
        options.RejectUnknown();

        Console.WriteLine($"writes (load): {userCount} users, {connections} concurrent POST /api/tasks loops for {duration.TotalSeconds:F0} s; "
            + $"{Environment.ProcessorCount} cores shared by the load, the services and Postgres");
        Console.WriteLine($"Api rate limit lifted for the run: RateLimiting__PermitsPerWindow={PermitsPerWindow} (configuration only, Api code unchanged)");
        await using var bench = await BenchmarkApp.StartAsync(new Dictionary<string, string> { ["RateLimiting__PermitsPerWindow"] = PermitsPerWindow });
        var tasksDbConnection = await bench.ConnectionStringAsync("tasksdb");
        await using var tasksDb = NpgsqlDataSource.Create(tasksDbConnection);
        await using var auditDb = NpgsqlDataSource.Create(await bench.ConnectionStringAsync("workersdb"));

        var tokens = await SignUpAsync(bench, userCount);
        using var api = bench.App.CreateHttpClient("api");

        Console.WriteLine($"Writing for {duration.TotalSeconds:F0} s ...");
        var sampler = new BacklogAndMemorySampler(tasksDb, bench.ProcessId);
        using var stopSampling = new CancellationTokenSource();
        var sampling = sampler.RunAsync(stopSampling.Token);
        var cpu = CpuByProcess.Start(bench);
        var load = await new TaskWriteLoad(api, tokens).RunAsync(connections, duration);
        var sinceLoad = Stopwatch.StartNew();
        Console.WriteLine($"Load done: {load.AcceptedTaskIds.Count} accepted, failures {Failures(load)}. Waiting for the audit (at most {AuditTimeout.TotalSeconds:F0} s) ...");

        var audit = new CreatedTasksAudit(auditDb, [.. load.AcceptedTaskIds]);
        var audited = await audit.AuditedTasksAsync();
        while (audited < load.AcceptedTaskIds.Count && sinceLoad.Elapsed < AuditTimeout)
        {
            await Task.Delay(AuditPollInterval);
            audited = await audit.AuditedTasksAsync();
        }
        var auditCatchUp = sinceLoad.Elapsed;
        // From the first write until the audit has them all: the relay's and the consumers' share included.
        var cpuSpent = cpu.Stop();
        await stopSampling.CancelAsync();
        await sampling;
        var summary = await audit.SummarizeAsync();
        Console.WriteLine($"api answer per {TaskWriteLoad.Window.TotalSeconds:F0} s of the load (from second: p50, p99 ms): "
            + string.Join("; ", load.LatencyPerWindow.Select((window, i) => FormattableString.Invariant(
                $"{i * TaskWriteLoad.Window.TotalSeconds:F0}: {window.Percentile(50):F0}, {window.Percentile(99):F0}"))));
        var auditPerWindow = await audit.PerWindowAsync((int)TaskWriteLoad.Window.TotalSeconds);
        Console.WriteLine($"write -> audit per {TaskWriteLoad.Window.TotalSeconds:F0} s of the load (from second: rows, p99 ms, max ms): "
            + string.Join("; ", auditPerWindow.Select(w => $"{w.FromSecond}: {w.Rows}, {w.P99Ms:F0}, {w.MaxMs:F0}")));

        var payloads = await CapturedOutboxPayloads.CaptureAsync(tasksDb);
        // The replay gets Postgres and the CPUs without the services competing, and no relay publishes its outbox rows
        // (the replay marks them published itself, as the relay would).
        Console.WriteLine("Stopping api and workers for the replay ...");
        await bench.StopResourceAsync("api");
        await bench.StopResourceAsync("workers");
        var replayFor = duration < MaxReplay ? duration : MaxReplay;
        Console.WriteLine($"Replaying the write's SQL straight against tasksdb on {connections} connections for {replayFor.TotalSeconds:F0} s "
            + $"(user_id '{ReplayUserId}'; its rows stay, the data folder is deleted at the end) ...");
        // The replay's tasks go into a list of their own, as every task is in one (the Api's writes: the user's Inbox).
        await using var createList = tasksDb.CreateCommand(
            "INSERT INTO task_lists (name, color, owner_id, is_inbox, created_at) VALUES ('Inbox', '#4f46e5', @owner, true, now()) RETURNING id");
        createList.Parameters.AddWithValue("owner", ReplayUserId);
        var replayListId = (int)(await createList.ExecuteScalarAsync())!;
        var replay = await WriteReplay.RunAsync(tasksDbConnection, new ReplayedWriteSql(ReplayUserId, replayListId, payloads), connections, replayFor);

        PrintReport(load, sampler, audited, auditCatchUp, summary, replay, connections, cpuSpent);
        // A service that has just started (a new replica, a restart) answers as fast as one that has run a while.
        var steady = Latency.Of(load.LatencyPerWindow.Skip(1));
        Target($"api p99 in the first {TaskWriteLoad.Window.TotalSeconds:F0} s <= 2x the rest's",
            load.LatencyPerWindow.Count > 1 && load.LatencyPerWindow[0].Percentile(99) <= 2 * steady.Percentile(99));
        Target($"write -> audit p99 in the first {TaskWriteLoad.Window.TotalSeconds:F0} s <= 400 ms", auditPerWindow is [var first, ..] && first.P99Ms <= 400);
    }

    /// <summary>Registers the users, a few at a time: each sign-up hashes a password twice, which takes the CPU a while.</summary>
    private static async Task<string[]> SignUpAsync(BenchmarkApp bench, int count)
    {
        var clock = Stopwatch.StartNew();
        var tokens = new string[count];
        var done = 0;
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = SignUpParallelism }, async (i, _) =>
        {
            tokens[i] = (await bench.SignUpForTokenAsync("writes")).AccessToken;
            if (Interlocked.Increment(ref done) % 50 == 0) Console.WriteLine($"  signed up {done}/{count}");
        });
        Console.WriteLine($"Signed up {count} users through the API in {clock.Elapsed.TotalSeconds:F1} s.");
        return tokens;
    }

    private static string Failures(TaskWriteLoad.Result load) =>
        load.Failures.Count == 0 ? "none" : string.Join(", ", load.Failures.OrderBy(f => f.Key).Select(f => $"{f.Key}: {f.Value}"));

    private static void PrintReport(TaskWriteLoad.Result load, BacklogAndMemorySampler sampler, long audited, TimeSpan auditCatchUp,
        CreatedTasksAudit.Summary audit, WriteReplay.Result replay, int connections, IReadOnlyList<(string Part, TimeSpan? Spent)> cpu)
    {
        var accepted = load.AcceptedTaskIds.Count;
        var writesPerSecond = load.AcceptedPerSecond;
        var backlogSeconds = sampler.MaxBacklogRows / (double)OutboxRowsPerWrite / writesPerSecond;
        var auditComplete = audited == accepted;
        var ratio = writesPerSecond / replay.PerSecond;
        var rssMb = sampler.MaxResidentBytes.ToDictionary(r => r.Key, r => r.Value / (1024.0 * 1024));

        Console.WriteLine();
        Console.WriteLine(FormattableString.Invariant(
            $"writes: accepted {accepted} in {load.Elapsed.TotalSeconds:F1} s = {writesPerSecond:F0}/s, p50 {load.Latency.Percentile(50):F1} ms, p99 {load.Latency.Percentile(99):F1} ms, failures {{{Failures(load)}}}"));
        Console.WriteLine(FormattableString.Invariant(
            $"write -> audit ms (recorded_at - occurred_at of the {audit.Rows} entries): p50 {audit.P50Ms:F0} / p99 {audit.P99Ms:F0} / max {audit.MaxMs:F0}"));
        Console.WriteLine(FormattableString.Invariant(
            $"largest outbox backlog: {sampler.MaxBacklogRows} rows (= {backlogSeconds:F2} s of writes at {OutboxRowsPerWrite} rows each), oldest unpublished age max {sampler.MaxOldestUnpublishedAge.TotalMilliseconds:F0} ms ({sampler.Samples} samples every 250 ms, during the load and until the audit caught up)"));
        Console.WriteLine(auditComplete
            ? FormattableString.Invariant($"audit complete after load: {auditCatchUp.TotalMilliseconds:F0} ms")
            : FormattableString.Invariant($"audit not complete after {auditCatchUp.TotalSeconds:F0} s: {audited} of {accepted}"));
        Console.WriteLine($"audit entries (task.created of the accepted tasks): {audit.Rows} rows for {audit.Tasks} of {accepted} tasks; tasks recorded more than once: {audit.TasksRecordedMoreThanOnce}");
        Console.WriteLine(FormattableString.Invariant($"rss max: api {rssMb["api"]:F0} MB, workers {rssMb["workers"]:F0} MB"));
        Console.WriteLine($"CPU ms per accepted write, from the first write until the audit had them all: {CpuByProcess.PerUnit(cpu, accepted)}");
        var spent = cpu.ToDictionary(part => part.Part, part => part.Spent);
        Console.WriteLine(FormattableString.Invariant(
            $"replayed write SQL at {connections} connections: {replay.PerSecond:F0} tps ({replay.Writes} in {replay.Elapsed.TotalSeconds:F1} s, api and workers stopped); writes/replay = {ratio * 100:F0} %"));

        Target("write -> audit p99 <= 250 ms", audit.P99Ms <= 250);
        Target("largest outbox backlog < 1 s of writes", backlogSeconds < 1);
        Target("audit complete <= 1 s after the load", auditComplete && auditCatchUp <= TimeSpan.FromSeconds(1));
        Target("audit == accepted (every task once)", audit.Tasks == accepted && audit.Rows == accepted);
        Target("rss <= 250 MB each (api, workers)", rssMb.Values.All(mb => mb is > 0 and <= 250));
        Target("api + workers CPU per write <= postgres CPU per write", spent["api"] + spent["workers"] <= spent["postgres"]);
    }
}
