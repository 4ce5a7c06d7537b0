using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting.Testing;
using TaskFlow.Benchmarks.Writes;

namespace TaskFlow.Benchmarks.Updates;

/// <summary>
/// Many live-update streams on one Api instance: N streams spread over M users, then K rounds in which each user's task
/// changes once; every stream should receive each of its user's K changes once. Reports the time to open the streams,
/// delivery latency (the change's request sent → the stream's event read), missing and duplicated deliveries, and the
/// Api's memory and CPU. The client holds every stream on one SocketsHttpHandler (no thread per stream).
/// </summary>
public static class UpdatesBenchmark
{
    public const string Options = "[--streams 10000] [--users 100] [--changes 5] [--rate 50] [--path direct|proxy] [--open-parallel 100]";

    /// <summary>Lifted by configuration (Api code unchanged): every stream and change comes from this one address.</summary>
    private const string PermitsPerWindow = "1000000";

    public static async Task RunAsync(BenchmarkOptions options)
    {
        var streamCount = options.Int("streams", 10_000, min: 1, max: 15_000);
        var userCount = options.Int("users", 100, min: 1, max: 1_000);
        var rounds = options.Int("changes", 5, min: 1, max: 100);
        var rate = options.Int("rate", 50, min: 1, max: 1_000);
        var throughProxy = options.OneOf("path", "direct", "proxy") == "proxy";
        var openParallel = options.Int("open-parallel", 100, min: 1, max: 1_000);
        options.RejectUnknown();
        var perUser = (streamCount + userCount - 1) / userCount;

        var environment = new Dictionary<string, string>
        {
            ["RateLimiting__PermitsPerWindow"] = PermitsPerWindow,
            ["LiveUpdates__MaxStreamsPerUser"] = perUser.ToString(CultureInfo.InvariantCulture),
        };
        // Through the proxy the run-mode AppHost's own cap stays (below what the proxy can hold): the benchmark then
        // shows what the laptop setup holds. On the Api's own port, a deployment's default cap.
        if (!throughProxy) environment["LiveUpdates__MaxStreams"] = "15000";
        Console.WriteLine($"updates: {streamCount} streams over {userCount} users ({perUser} each at most), {rounds} changes per user at {rate}/s, "
            + $"{(throughProxy ? "through the orchestrator's proxy" : "on the Api's own port")}; {Environment.ProcessorCount} cores shared by the client, the services and Postgres");
        await using var bench = await BenchmarkApp.StartAsync(environment, apiBehindProxy: throughProxy);

        Console.WriteLine($"Signing up {userCount} users, each with one task ...");
        var users = new (string Token, int TaskId)[userCount];
        await Parallel.ForAsync(0, userCount, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var (http, _) = await bench.SignUpAsync("updates");
            using (http)
            {
                var created = await http.PostAsJsonAsync("/api/tasks", new { title = "change -1" });
                created.EnsureSuccessStatusCode();
                users[i] = (http.DefaultRequestHeaders.Authorization!.Parameter!, (await created.Content.ReadFromJsonAsync<JsonObject>())!["task_id"]!.GetValue<int>());
            }
        });

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { BaseAddress = bench.App.CreateHttpClient("api").BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var apiPid = bench.ProcessId("api");
        var rssBefore = apiPid is { } before ? ServiceProcess.ResidentBytes(before) : null;

        Console.WriteLine($"Opening {streamCount} streams, {openParallel} at a time ...");
        var sent = new long[userCount, rounds];
        var received = new int[streamCount, rounds];
        var latency = new Latency();
        var setup = new Latency();
        using var stop = new CancellationTokenSource();
        var streams = new List<Task>(streamCount);
        var refused = new Dictionary<string, int>();
        var open = 0;
        var opening = Stopwatch.StartNew();
        using (var gate = new SemaphoreSlim(openParallel))
        {
            var ready = new List<Task>(streamCount);
            for (var s = 0; s < streamCount; s++)
            {
                await gate.WaitAsync();
                var stream = s;
                var user = stream % userCount;
                var isReady = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var started = Stopwatch.GetTimestamp();
                streams.Add(LiveStream.ReadAsync(client, users[user].Token, isReady, change =>
                {
                    var at = Stopwatch.GetTimestamp();
                    if (change < 0 || change >= rounds) return;
                    if (Interlocked.Increment(ref received[stream, change]) == 1)
                        lock (latency) latency.Add(Stopwatch.GetElapsedTime(Volatile.Read(ref sent[user, change]), at));
                }, stop.Token));
                ready.Add(isReady.Task.ContinueWith(task =>
                {
                    gate.Release();
                    lock (setup)
                    {
                        if (task.IsCompletedSuccessfully)
                        {
                            setup.Add(Stopwatch.GetElapsedTime(started));
                            open++;
                        }
                        else
                        {
                            var reason = task.Exception?.InnerException is StreamRefusedException refusal ? $"{(int)refusal.Status}" : task.Exception?.InnerException?.GetType().Name ?? "cancelled";
                            refused[reason] = refused.GetValueOrDefault(reason) + 1;
                        }
                    }
                }, TaskScheduler.Default));
                if ((s + 1) % 1000 == 0) Console.WriteLine($"  requested {s + 1}/{streamCount} ({opening.Elapsed.TotalSeconds:F1} s)");
            }
            await Task.WhenAll(ready).WaitAsync(TimeSpan.FromMinutes(5));
        }
        var openedIn = opening.Elapsed;
        Console.WriteLine($"{open} streams open in {openedIn.TotalSeconds:F1} s; refused: {Describe(refused)}.");

        var cpu = CpuByProcess.Start(bench);
        var changes = userCount * rounds;
        Console.WriteLine($"Making {changes} changes ({rounds} per user) at {rate}/s ...");
        var interval = TimeSpan.FromSeconds(1.0 / rate);
        var pace = Stopwatch.StartNew();
        var failedChanges = 0;
        for (var round = 0; round < rounds; round++)
        {
            for (var user = 0; user < userCount; user++)
            {
                var due = interval * (round * userCount + user);
                if (pace.Elapsed < due) await Task.Delay(due - pace.Elapsed);
                Volatile.Write(ref sent[user, round], Stopwatch.GetTimestamp());
                using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/tasks/{users[user].TaskId}") { Content = JsonContent.Create(new { title = $"change {round}" }) };
                patch.Headers.Authorization = new AuthenticationHeaderValue("Bearer", users[user].Token);
                if (!(await client.SendAsync(patch)).IsSuccessStatusCode) failedChanges++;
            }
        }

        // Only the streams that opened can receive: each should see its user's every change once.
        var expected = (long)open * rounds;
        var wait = Stopwatch.StartNew();
        long delivered;
        while ((delivered = Delivered(received)) < expected && wait.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(200);
        var spent = cpu.Stop();
        var rssAfter = apiPid is { } after ? ServiceProcess.ResidentBytes(after) : null;
        var duplicated = Count(received, n => n > 1);
        await stop.CancelAsync();
        await Task.WhenAll(streams.Select(s => s.ContinueWith(_ => { }, TaskScheduler.Default)));

        Console.WriteLine();
        Console.WriteLine($"{open} of {streamCount} streams open over {userCount} users; {changes} changes ({failedChanges} refused): {expected} deliveries expected");
        Console.WriteLine(FormattableString.Invariant(
            $"stream setup ms (request sent -> ready event): p50 {setup.Percentile(50):F0}  p99 {setup.Percentile(99):F0}  max {setup.Max:F0}; all open in {openedIn.TotalSeconds:F1} s"));
        Console.WriteLine($"delivered: {delivered}  missing: {expected - delivered}  duplicated: {duplicated}");
        Console.WriteLine(FormattableString.Invariant(
            $"delivery latency ms (request sent -> event read): p50 {latency.Percentile(50):F0}  p99 {latency.Percentile(99):F0}  max {latency.Max:F0}"));
        Console.WriteLine(FormattableString.Invariant(
            $"api rss: {Mb(rssBefore)} MB before the streams, {Mb(rssAfter)} MB with them open"));
        Console.WriteLine($"CPU ms per change: {CpuByProcess.PerUnit(spent, changes)} (load: the streams' client)");
        WritesBenchmark.Target($"{streamCount} streams open", open == streamCount);
        WritesBenchmark.Target("0 missing, 0 duplicated", delivered == expected && duplicated == 0);
        WritesBenchmark.Target("delivery p99 <= 250 ms", latency.Percentile(99) <= 250);
        WritesBenchmark.Target("api rss <= 600 MB", rssAfter is <= 600L * 1024 * 1024);
    }

    private static long Delivered(int[,] received) => Count(received, n => n > 0);

    private static long Count(int[,] received, Func<int, bool> predicate)
    {
        var count = 0L;
        for (var stream = 0; stream < received.GetLength(0); stream++)
        for (var change = 0; change < received.GetLength(1); change++)
            if (predicate(Volatile.Read(ref received[stream, change]))) count++;
        return count;
    }

    private static string Mb(long? bytes) => bytes is { } b ? (b / (1024.0 * 1024)).ToString("F0", CultureInfo.InvariantCulture) : "n/a";

    private static string Describe(Dictionary<string, int> refused) =>
        refused.Count == 0 ? "none" : string.Join(", ", refused.Select(r => $"{r.Value} x {r.Key}"));
}
