using System.Net;

namespace TaskFlow.IntegrationTests.LiveUpdates;

/// <summary><c>GET /api/updates</c> as a plain HTTP client sees it.</summary>
public sealed class UpdateStreamTests(TaskFlowServices app)
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Reconnecting_with_Last_Event_ID_delivers_exactly_the_updates_missed_meanwhile()
    {
        // Straight to the replicas: the resumed stream is served by the other replica than the one whose id it resumes from.
        var replicas = app.ApiAddresses;
        var user = await app.SignUpAsync();
        var (watcher, _) = await SseStream.OpenAsync(user.SecondClient(app), baseAddress: replicas[0]);
        var (first, _) = await SseStream.OpenAsync(user.Http, baseAddress: replicas[0]);
        await using var _w = watcher;

        var kept = (await user.CreateTaskAsync(new { title = "Seen live" }))["task_id"]!.GetValue<int>();
        var seen = await first.NextEnvelopeAsync(Soon);
        Assert.Equal(("task.changed", kept), (seen.EventType, seen.TaskId));
        await watcher.NextEnvelopeAsync(Soon);
        await first.DisposeAsync();

        // Three changes while the first connection is gone; the watcher shows when they are all on the broker.
        var missed = (await user.CreateTaskAsync(new { title = "Made while away" }))["task_id"]!.GetValue<int>();
        await user.PatchAsync($"/api/tasks/{missed}", """{"priority":"high"}""");
        Assert.Equal(HttpStatusCode.NoContent, (await user.Http.DeleteAsync($"/api/tasks/{kept}")).StatusCode);
        for (var i = 0; i < 3; i++) await watcher.NextEnvelopeAsync(Soon);

        var (resumed, replayed) = await SseStream.OpenAsync(user.Http, lastEventId: seen.Id, baseAddress: replicas[1]);
        await using var _r = resumed;
        Assert.Equal(
            [("task.changed", missed), ("task.changed", missed), ("task.removed", kept)],
            replayed.Select(SseStream.Describe).Select(e => (e.EventType, e.TaskId)));
        Assert.Equal("high", replayed[1].Json["data"]!["task"]!["priority"]!.GetValue<string>());

        // Live again right after the replay: the next change is the next event, nothing replayed twice.
        var later = (await user.CreateTaskAsync(new { title = "After the reconnect" }))["task_id"]!.GetValue<int>();
        var next = await resumed.NextEnvelopeAsync(Soon);
        Assert.Equal(("task.changed", later), (next.EventType, next.TaskId));
    }

    [Fact]
    public async Task A_last_event_id_the_broker_no_longer_holds_gets_a_resync_event()
    {
        var user = await app.SignUpAsync();
        var (stream, beforeReady) = await SseStream.OpenAsync(user.Http, lastEventId: "0:999999999,1:0,2:0,3:0");
        await using var _ = stream;
        Assert.Equal(["resync"], beforeReady.Select(e => e.Type));
    }

    [Fact]
    public async Task Updates_reach_only_their_own_user_and_need_a_sign_in()
    {
        var anonymous = app.CreateApiClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/updates")).StatusCode);

        var owner = await app.SignUpAsync();
        var stranger = await app.SignUpAsync();
        var (strangers, _) = await SseStream.OpenAsync(stranger.Http);
        var (owners, _) = await SseStream.OpenAsync(owner.Http);
        await using var _s = strangers;
        await using var _o = owners;

        var taskId = (await owner.CreateTaskAsync(new { title = "Private" }))["task_id"]!.GetValue<int>();
        Assert.Equal(taskId, (await owners.NextEnvelopeAsync(Soon)).TaskId);
        var strangerTask = (await stranger.CreateTaskAsync(new { title = "Stranger's own" }))["task_id"]!.GetValue<int>();
        // The stranger's first event is their own task: the owner's never reached them.
        Assert.Equal(strangerTask, (await strangers.NextEnvelopeAsync(Soon)).TaskId);
    }

    [Fact]
    public async Task Each_Api_replica_delivers_updates_to_its_own_clients()
    {
        var replicas = app.ApiAddresses;
        Assert.Equal(2, replicas.Count);
        var user = await app.SignUpAsync();

        var streams = new List<SseStream>();
        foreach (var replica in replicas) streams.Add((await SseStream.OpenAsync(user.Http, baseAddress: replica)).Stream);
        try
        {
            var taskId = (await user.CreateTaskAsync(new { title = "Everywhere" }))["task_id"]!.GetValue<int>();
            foreach (var stream in streams) Assert.Equal(taskId, (await stream.NextEnvelopeAsync(Soon)).TaskId);
        }
        finally
        {
            foreach (var stream in streams) await stream.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_quiet_stream_gets_a_heartbeat_comment()
    {
        // Every 15 s, so proxies and browsers keep an idle stream open and notice a dead one.
        var user = await app.SignUpAsync();
        var (stream, _) = await SseStream.OpenAsync(user.Http);
        await using var _s = stream;
        Assert.Equal("heartbeat", await stream.NextCommentAsync(TimeSpan.FromSeconds(25)));
    }

    [Fact]
    public async Task A_browser_signs_in_to_the_stream_with_the_session_cookie_not_the_url()
    {
        var user = await app.SignUpAsync();
        var session = await user.Http.PostAsync("/api/updates/session", null);
        Assert.Equal(HttpStatusCode.NoContent, session.StatusCode);
        var cookie = Assert.Single(session.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/api/updates", cookie, StringComparison.OrdinalIgnoreCase);

        var browserLike = app.CreateApiClient();
        browserLike.DefaultRequestHeaders.Add("Cookie", cookie.Split(';')[0]);
        var (stream, _) = await SseStream.OpenAsync(browserLike);
        await using var _ = stream;
        var taskId = (await user.CreateTaskAsync(new { title = "Via cookie" }))["task_id"]!.GetValue<int>();
        Assert.Equal(taskId, (await stream.NextEnvelopeAsync(Soon)).TaskId);
        // Good for the stream only.
        Assert.Equal(HttpStatusCode.Unauthorized, (await browserLike.GetAsync("/api/tasks")).StatusCode);
    }
}
