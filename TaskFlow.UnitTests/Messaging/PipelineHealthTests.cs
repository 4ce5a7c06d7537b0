using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TaskFlow.Messaging.Telemetry;

namespace TaskFlow.UnitTests.Messaging;

/// <summary>A part of the pipeline held up shows in the event-pipeline health check (with why) and in its gauge, until it works again.</summary>
public sealed class PipelineHealthTests
{
    [Fact]
    public async Task A_part_held_up_degrades_the_check_and_zeroes_its_gauge_until_it_works_again()
    {
        var component = PipelineHealth.Consumer($"tests-{Guid.NewGuid():N}");
        PipelineHealth.Working(component);
        Assert.Equal(1, Gauge(component));

        PipelineHealth.HeldUpBy(component, "waits for a dependency: Redis is down");
        var heldUp = await new PipelineHealth().CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Degraded, heldUp.Status);
        Assert.Equal("waits for a dependency: Redis is down", heldUp.Data[component]);
        Assert.Equal(0, Gauge(component));

        PipelineHealth.Working(component);
        var working = await new PipelineHealth().CheckHealthAsync(new HealthCheckContext());
        Assert.False(working.Data.ContainsKey(component));
        Assert.Equal(1, Gauge(component));
    }

    private static int? Gauge(string component)
    {
        int? value = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == MessagingMetrics.Meter && instrument.Name == "taskflow.pipeline.component.up") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((_, measurement, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == PipelineHealth.ComponentTag && Equals(tag.Value, component)) value = measurement;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return value;
    }
}
