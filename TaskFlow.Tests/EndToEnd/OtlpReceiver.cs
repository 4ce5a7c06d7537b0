using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace TaskFlow.Tests.EndToEnd;

/// <summary>
/// Where the services of the end-to-end app send their telemetry, in the dashboard's place (it is off in tests): an
/// OTLP/HTTP endpoint (protobuf, as <c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c> sends it) that keeps, per service,
/// the metrics it was sent with their kind, unit and attribute keys. Traces and logs are accepted and dropped.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Service, string Name), ExportedMetric> _metrics = [];

    private OtlpReceiver(WebApplication app) => _app = app;

    public string Address => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

    /// <summary>Every metric received so far, one per service and name, with every attribute key its points carried.</summary>
    public IReadOnlyList<ExportedMetric> Metrics
    {
        get { lock (_gate) return [.. _metrics.Values]; }
    }

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/metrics", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            receiver.Add(ExportedMetric.Read(body.ToArray()));
            return Results.Ok();
        });
        app.MapPost("/v1/traces", () => Results.Ok());
        app.MapPost("/v1/logs", () => Results.Ok());
        await app.StartAsync();
        return receiver;
    }

    private void Add(IEnumerable<ExportedMetric> metrics)
    {
        lock (_gate)
        {
            foreach (var metric in metrics)
            {
                var key = (metric.Service, metric.Name);
                _metrics[key] = _metrics.TryGetValue(key, out var known)
                    ? known with { AttributeKeys = known.AttributeKeys.Union(metric.AttributeKeys).ToHashSet() }
                    : metric;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public enum MetricKind { Gauge, Sum, MonotonicSum, Histogram, ExponentialHistogram, Summary }

/// <summary>One metric of an OTLP export: who sent it (the resource's service.name), what it is, which attribute keys its points carried.</summary>
public sealed record ExportedMetric(string Service, string Name, string Unit, MetricKind Kind, IReadOnlySet<string> AttributeKeys)
{
    /// <summary>
    /// The fields of opentelemetry/proto/collector/metrics/v1 ExportMetricsServiceRequest this needs, read with the
    /// protobuf wire format (no generated OTLP classes are served here): request.resource_metrics(1) →
    /// resource(1).attributes(1), scope_metrics(2).metrics(2) → name(1), unit(3), gauge(5)/sum(7)/histogram(9)/
    /// exponential_histogram(10)/summary(11) → data_points(1) → attributes (7 for number points, 9 for histogram
    /// points, 9 for summary points), sum.is_monotonic(3).
    /// </summary>
    public static IEnumerable<ExportedMetric> Read(byte[] request)
    {
        var metrics = new List<ExportedMetric>();
        foreach (var resourceMetrics in Fields(request).Where(f => f.Number == 1))
        {
            var service = Fields(resourceMetrics.Bytes).Where(f => f.Number == 1)
                .SelectMany(resource => Attributes(resource.Bytes, 1))
                .Where(attribute => attribute.Key == "service.name").Select(attribute => attribute.Value).FirstOrDefault() ?? "";
            foreach (var scopeMetrics in Fields(resourceMetrics.Bytes).Where(f => f.Number == 2))
            foreach (var metric in Fields(scopeMetrics.Bytes).Where(f => f.Number == 2))
                metrics.Add(ReadMetric(service, metric.Bytes));
        }
        return metrics;
    }

    private static ExportedMetric ReadMetric(string service, ByteString metric)
    {
        string name = "", unit = "";
        var kind = MetricKind.Gauge;
        var keys = new HashSet<string>();
        foreach (var field in Fields(metric))
        {
            switch (field.Number)
            {
                case 1: name = field.Bytes.ToStringUtf8(); break;
                case 3: unit = field.Bytes.ToStringUtf8(); break;
                case 5 or 7 or 9 or 10 or 11:
                    kind = field.Number switch
                    {
                        5 => MetricKind.Gauge,
                        7 => Fields(field.Bytes).Any(f => f.Number == 3 && f.Varint == 1) ? MetricKind.MonotonicSum : MetricKind.Sum,
                        9 => MetricKind.Histogram,
                        10 => MetricKind.ExponentialHistogram,
                        _ => MetricKind.Summary,
                    };
                    var attributesField = field.Number is 5 or 7 ? 7 : 9;
                    foreach (var point in Fields(field.Bytes).Where(f => f.Number == 1))
                        keys.UnionWith(Attributes(point.Bytes, attributesField).Select(attribute => attribute.Key));
                    break;
            }
        }
        return new ExportedMetric(service, name, unit, kind, keys);
    }

    /// <summary>KeyValue messages in field <paramref name="number"/>: key(1), value(2) → AnyValue.string_value(1) (other value kinds read as "").</summary>
    private static IEnumerable<(string Key, string Value)> Attributes(ByteString message, int number) =>
        Fields(message).Where(f => f.Number == number).Select(keyValue =>
        {
            var fields = Fields(keyValue.Bytes).ToList();
            var key = fields.Where(f => f.Number == 1).Select(f => f.Bytes.ToStringUtf8()).FirstOrDefault() ?? "";
            var value = fields.Where(f => f.Number == 2).SelectMany(f => Fields(f.Bytes)).Where(f => f.Number == 1).Select(f => f.Bytes.ToStringUtf8()).FirstOrDefault() ?? "";
            return (key, value);
        });

    private readonly record struct Field(int Number, ByteString Bytes, ulong Varint);

    private static IEnumerable<Field> Fields(ByteString message) => Fields(message.ToByteArray());

    private static List<Field> Fields(byte[] message)
    {
        var fields = new List<Field>();
        var input = new CodedInputStream(message);
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            var number = WireFormat.GetTagFieldNumber(tag);
            switch (WireFormat.GetTagWireType(tag))
            {
                case WireFormat.WireType.LengthDelimited: fields.Add(new Field(number, input.ReadBytes(), 0)); break;
                case WireFormat.WireType.Varint: fields.Add(new Field(number, ByteString.Empty, input.ReadUInt64())); break;
                default: input.SkipLastField(); break;
            }
        }
        return fields;
    }
}
