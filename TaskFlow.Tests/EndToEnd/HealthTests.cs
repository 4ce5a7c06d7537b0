using System.Globalization;
using System.Net;
using Aspire.Hosting.Testing;

namespace TaskFlow.Tests.EndToEnd;

/// <summary>/health as orchestrators use it: asked every few seconds for as long as the service runs.</summary>
[Collection(TaskFlowAppCollection.Name)]
public sealed class HealthTests(TaskFlowApp app)
{
    [Fact]
    public async Task Asking_for_health_again_and_again_leaks_no_kafka_clients()
    {
        var (instance, snapshot) = (await app.InstancesAsync("workers")).Single();
        var pid = ServiceProcess(int.Parse($"{snapshot.Properties.Single(p => p.Name == "executable.pid").Value}", CultureInfo.InvariantCulture));
        using var workers = app.App.CreateHttpClient("workers", "http");

        // The first answers create what lives for the whole run (the check's admin client among it).
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await workers.GetAsync("/health")).StatusCode);
        var before = Threads(pid);
        for (var i = 0; i < 20; i++) Assert.Equal(HttpStatusCode.OK, (await workers.GetAsync("/health")).StatusCode);
        var after = Threads(pid);

        // A librdkafka client per check brings threads of its own (one per broker and more): 20 leaked ones, 100+.
        Assert.True(after - before < 15, $"{instance} had {before} threads before 20 health checks and {after} after");
    }

    /// <summary>Aspire starts a project as <c>dotnet run --no-build</c>: the service is that process's child.</summary>
    private static int ServiceProcess(int launcher)
    {
        var children = File.ReadAllText($"/proc/{launcher}/task/{launcher}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return children.Length == 1 ? int.Parse(children[0], CultureInfo.InvariantCulture) : launcher;
    }

    private static int Threads(int pid) => Directory.GetDirectories($"/proc/{pid}/task").Length;
}
