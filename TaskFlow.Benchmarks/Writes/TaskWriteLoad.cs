using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace TaskFlow.Benchmarks.Writes;

/// <summary>
/// Closed-loop write load: <c>connections</c> loops, each sending <c>POST /api/tasks</c> as soon as its previous one
/// was answered, for the signed-up users in turn (each request carries its user's bearer token; one HttpClient, whose
/// handler opens as many connections as there are loops).
/// </summary>
public sealed class TaskWriteLoad(HttpClient api, IReadOnlyList<string> accessTokens)
{
    private static readonly string[] Priorities = ["low", "medium", "high"];
    private static readonly string[] Tags = ["home", "work", "errand", "phone", "later"];

    /// <summary>Each window of the load is this long in <see cref="Result.LatencyPerWindow"/>.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <paramref name="Latency"/> is of the accepted writes: from sending the request to reading the answer;
    /// <paramref name="LatencyPerWindow"/> the same by <see cref="Window"/> of the load in which the request was sent
    /// (the first shows a cold start).
    /// </summary>
    public sealed record Result(IReadOnlyList<int> AcceptedTaskIds, Latency Latency, IReadOnlyList<Latency> LatencyPerWindow,
        IReadOnlyDictionary<string, int> Failures, TimeSpan Elapsed)
    {
        public double AcceptedPerSecond => AcceptedTaskIds.Count / Elapsed.TotalSeconds;
    }

    public async Task<Result> RunAsync(int connections, TimeSpan duration)
    {
        var accepted = new ConcurrentBag<int>();
        var failures = new ConcurrentDictionary<string, int>();
        var latency = new Latency();
        var perWindow = Enumerable.Range(0, (int)Math.Ceiling(duration / Window)).Select(_ => new Latency()).ToArray();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var sent = -1;
        var clock = Stopwatch.StartNew();

        async Task LoopAsync()
        {
            while (clock.Elapsed < duration)
            {
                var n = Interlocked.Increment(ref sent);
                var started = clock.Elapsed;
                var (taskId, failure) = await WriteAsync(n, today);
                var elapsed = clock.Elapsed - started;
                if (taskId is { } id)
                {
                    accepted.Add(id);
                    lock (latency)
                    {
                        latency.Add(elapsed);
                        perWindow[(int)(started / Window)].Add(elapsed);
                    }
                }
                else
                {
                    failures.AddOrUpdate(failure!, 1, (_, count) => count + 1);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(LoopAsync)));
        return new Result([.. accepted], latency, perWindow, failures, clock.Elapsed);
    }

    /// <summary>The new task's id when the Api answered 201, else what went wrong (a status code or an exception type).</summary>
    private async Task<(int? TaskId, string? Failure)> WriteAsync(int n, DateOnly today)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tasks")
        {
            Content = JsonContent.Create(new
            {
                title = $"Benchmark write {n}",
                priority = Priorities[n % Priorities.Length],
                due_date = today.AddDays(1 + n % 30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                tags = n % 2 == 0 ? [Tags[n % Tags.Length]] : new[] { Tags[n % Tags.Length], "bench" },
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessTokens[n % accessTokens.Count]);
        try
        {
            using var response = await api.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Created) return (null, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
            using var body = await response.Content.ReadFromJsonAsync<JsonDocument>();
            return (body!.RootElement.GetProperty("task_id").GetInt32(), null);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or JsonException)
        {
            return (null, exception.GetType().Name);
        }
    }
}
