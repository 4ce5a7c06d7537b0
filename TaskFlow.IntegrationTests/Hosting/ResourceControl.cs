using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TaskFlow.IntegrationTests.Hosting;

/// <summary>
/// Stops, starts and asks after the resources of a started app as the dashboard's buttons would (an outage of
/// Postgres, Redis or the broker; the dev broker's own commands), and reads their logs for failure messages. Both test
/// tiers use it: the middle tier on its infrastructure, the end-to-end tier on the whole AppHost.
/// </summary>
public sealed class ResourceControl(DistributedApplication app)
{
    /// <summary>Stops a resource (as an outage would) and waits until it no longer runs.</summary>
    public async Task StopAsync(string resource)
    {
        await ExecuteAsync(resource, KnownResourceCommands.StopCommand);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline && (await InstancesAsync(resource)).Values.Any(s => s.State?.Text == KnownResourceStates.Running))
            await Task.Delay(100);
    }

    /// <summary>Starts a stopped resource and waits until it is healthy.</summary>
    public async Task StartAsync(string resource)
    {
        await ExecuteAsync(resource, KnownResourceCommands.StartCommand);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (DateTime.UtcNow < deadline && !(await InstancesAsync(resource)).Values.Any(s => s.State?.Text == KnownResourceStates.Running && s.HealthStatus == HealthStatus.Healthy))
            await Task.Delay(250);
    }

    /// <summary>Runs one of a resource's commands (start, stop, or its own, such as the dev broker's outage commands).</summary>
    public async Task ExecuteAsync(string resource, string command)
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var result = await app.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(resource, command, cancellation.Token);
        if (!result.Success) throw new InvalidOperationException($"could not {command} {resource}: {result.Message}");
    }

    /// <summary>
    /// The current state of each instance of the resource (replicas each have their own id, e.g. workers-abc123).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, CustomResourceSnapshot>> InstancesAsync(string resourceName) =>
        new SortedDictionary<string, CustomResourceSnapshot>((await CurrentStatesAsync())
            .Where(instance => instance.Value.Resource == resourceName)
            .ToDictionary(instance => instance.Key, instance => instance.Value.Snapshot));

    /// <summary>The current state of every instance of every resource, by instance id.</summary>
    public async Task<Dictionary<string, (string Resource, CustomResourceSnapshot Snapshot)>> CurrentStatesAsync()
    {
        // WatchAsync begins with the current state of every instance, then waits for changes: a second is plenty.
        var instances = new Dictionary<string, (string, CustomResourceSnapshot)>();
        using var listed = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await foreach (var update in app.ResourceNotifications.WatchAsync(listed.Token))
                instances[update.ResourceId] = (update.Resource.Name, update.Snapshot);
        }
        catch (OperationCanceledException)
        {
        }
        return instances;
    }

    /// <summary>
    /// The resource's console output so far (the last lines of each instance, as replicas each have their own), for
    /// failure messages.
    /// </summary>
    public async Task<string> RecentLogsAsync(string resourceName, int lines = 40)
    {
        var instances = (await InstancesAsync(resourceName)).Keys;
        var sections = new List<string>();
        foreach (var instance in instances)
        {
            var collected = new List<string>();
            using var enough = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await foreach (var batch in app.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(instance).WithCancellation(enough.Token))
                    collected.AddRange(batch.Select(line => line.Content));
            }
            catch (OperationCanceledException)
            {
            }
            sections.Add($"--- {instance} ---\n{string.Join("\n", collected.TakeLast(lines))}");
        }
        return string.Join("\n", sections);
    }
}
