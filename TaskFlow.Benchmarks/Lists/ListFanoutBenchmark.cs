using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TaskFlow.Benchmarks.Updates;

namespace TaskFlow.Benchmarks.Lists;

/// <summary>
/// One shared list, many members, each with several open live streams: changes to one of its tasks, made at a steady
/// rate, and when each stream received each change (delivery latency: the change's request sent → the stream's event
/// read), with missing and duplicated deliveries, and the CPU each process spent per change (from /proc).
/// </summary>
public static class ListFanoutBenchmark
{
    public const string Options = "[--members 50] [--streams-per-member 2] [--changes 200] [--rate 20]";

    public static async Task RunAsync(BenchmarkOptions options)
    {
        var memberCount = options.Int("members", 50, min: 2, max: 200);
        var streamsPerMember = options.Int("streams-per-member", 2, min: 1, max: 20);
        var changes = options.Int("changes", 200, min: 1, max: 10_000);
        var rate = options.Int("rate", 20, min: 1, max: 200);
        options.RejectUnknown();

        await using var bench = await BenchmarkApp.StartAsync(new Dictionary<string, string>());
        Console.WriteLine($"Signing up {memberCount} members and sharing one list with them ...");
        var members = new (HttpClient Client, string Email)[memberCount];
        await Parallel.ForAsync(0, memberCount, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) => members[i] = await bench.SignUpAsync("fanout"));
        var owner = members[0].Client;
        var list = await ReadAsync(await owner.PostAsJsonAsync("/api/lists", new { name = "Fan-out" }), "create the list");
        var listId = list["list_id"]!.GetValue<int>();
        foreach (var (client, email) in members.Skip(1))
        {
            var invitation = await ReadAsync(await owner.PostAsJsonAsync($"/api/lists/{listId}/invitations", new { email, role = "viewer" }), "invite");
            await ReadAsync(await client.PostAsync($"/api/invitations/{invitation["invitation_id"]}/accept", null), "accept");
        }
        var taskId = (await ReadAsync(await owner.PostAsJsonAsync("/api/tasks", new { title = "change -1", list_id = listId }), "create the task"))["task_id"]!.GetValue<int>();

        Console.WriteLine($"Opening {memberCount * streamsPerMember} streams ({streamsPerMember} per member) ...");
        var sent = new long[changes];
        var received = new ConcurrentDictionary<(int Stream, int Change), int>();
        var latency = new Latency();
        using var stop = new CancellationTokenSource();
        var streams = new List<Task>();
        var ready = new List<Task>();
        var connect = Stopwatch.StartNew();
        for (var m = 0; m < memberCount; m++)
        {
            for (var s = 0; s < streamsPerMember; s++)
            {
                var streamId = m * streamsPerMember + s;
                var isReady = new TaskCompletionSource();
                ready.Add(isReady.Task);
                streams.Add(LiveStream.ReadAsync(members[m].Client, null, isReady, change =>
                {
                    var at = Stopwatch.GetTimestamp();
                    if (change < 0 || change >= changes) return;
                    if (received.AddOrUpdate((streamId, change), 1, (_, n) => n + 1) == 1)
                        lock (latency) latency.Add(Stopwatch.GetElapsedTime(Volatile.Read(ref sent[change]), at));
                }, stop.Token));
            }
        }
        await Task.WhenAll(ready).WaitAsync(TimeSpan.FromMinutes(2));
        Console.WriteLine($"All streams ready in {connect.Elapsed.TotalSeconds:F1} s.");

        var cpu = CpuByProcess.Start(bench);
        Console.WriteLine($"Making {changes} changes at {rate}/s ...");
        var interval = TimeSpan.FromSeconds(1.0 / rate);
        var pace = Stopwatch.StartNew();
        for (var i = 0; i < changes; i++)
        {
            var due = interval * i;
            if (pace.Elapsed < due) await Task.Delay(due - pace.Elapsed);
            Volatile.Write(ref sent[i], Stopwatch.GetTimestamp());
            using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/tasks/{taskId}") { Content = JsonContent.Create(new { title = $"change {i}" }) };
            (await owner.SendAsync(patch)).EnsureSuccessStatusCode();
        }
        var expected = changes * memberCount * streamsPerMember;
        var wait = Stopwatch.StartNew();
        while (received.Count < expected && wait.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(100);
        var spent = cpu.Stop();
        await stop.CancelAsync();
        await Task.WhenAll(streams.Select(s => s.ContinueWith(_ => { }, TaskScheduler.Default)));

        Console.WriteLine();
        Console.WriteLine($"{memberCount} members x {streamsPerMember} streams, {changes} changes at {rate}/s: {expected} deliveries expected");
        Console.WriteLine($"delivered: {received.Count}  missing: {expected - received.Count}  duplicated: {received.Values.Count(n => n > 1)}");
        Console.WriteLine($"delivery latency ms (request sent -> event read): p50 {latency.Percentile(50):F0}  p99 {latency.Percentile(99):F0}  max {latency.Max:F0}");
        Console.WriteLine($"CPU ms per change: {CpuByProcess.PerUnit(spent, changes)} (load: the streams' clients)");
    }

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}
