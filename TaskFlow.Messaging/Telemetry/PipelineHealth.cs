using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TaskFlow.Messaging.Telemetry;

/// <summary>
/// Whether each working part of the event pipeline in this process (each outbox relay, each consumer group) is doing
/// its work or is held up (a dependency it waits for, a publish the broker refuses), and why: reported as the gauge
/// <c>taskflow.pipeline.component.up</c> (1 or 0, per <c>taskflow.component</c>) and by the <c>event-pipeline</c> health
/// check, which is Degraded (still ready for traffic: the pipeline catches up by itself) while any part is held up.
/// </summary>
public sealed class PipelineHealth : IHealthCheck
{
    public const string ComponentTag = "taskflow.component";

    private static readonly ConcurrentDictionary<string, string?> HeldUp = new();
    private static readonly ConcurrentDictionary<string, bool> Components = new();

    static PipelineHealth()
    {
        MessagingMetrics.Meter.CreateObservableGauge("taskflow.pipeline.component.up", () => Components.Keys.Select(component =>
            new Measurement<int>(HeldUp.ContainsKey(component) ? 0 : 1, new KeyValuePair<string, object?>(ComponentTag, component))),
            "{component}", "1 while a part of the event pipeline (an outbox relay, a consumer group) does its work, 0 while it is held up.");
    }

    public static string Relay(string outbox) => $"outbox-relay {outbox}";

    public static string Consumer(string group) => $"consumer {group}";

    /// <summary>Called on every consumed batch: the usual case (known, not held up) only reads, taking no lock.</summary>
    public static void Working(string component)
    {
        if (!Components.ContainsKey(component)) Components[component] = true;
        if (HeldUp.ContainsKey(component)) HeldUp.TryRemove(component, out _);
    }

    public static void HeldUpBy(string component, string reason)
    {
        Components[component] = true;
        HeldUp[component] = reason;
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HeldUp.IsEmpty
            ? HealthCheckResult.Healthy($"{Components.Count} part(s) of the event pipeline at work.")
            : HealthCheckResult.Degraded(string.Join("; ", HeldUp.Select(entry => $"{entry.Key}: {entry.Value}")),
                data: HeldUp.ToDictionary(entry => entry.Key, entry => (object)(entry.Value ?? ""))));
}
