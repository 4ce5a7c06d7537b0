using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every TaskFlow service gets: OpenTelemetry (exported by OTLP when Aspire gives an endpoint),
/// health endpoints, service discovery and standard HttpClient resilience.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>ActivitySource and Meter names TaskFlow code emits on; registered here so they are exported.</summary>
    public const string TelemetrySourceName = "TaskFlow";

    private const string OtlpTimeoutKey = "OTEL_EXPORTER_OTLP_TIMEOUT";
    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        // Used by the app's UseExceptionHandler(). Binding failures reach it as exceptions (in every environment,
        // not only Development) so the answer can say which parameter was wrong.
        builder.Services.AddExceptionHandler<ClientErrorHandler>();
        builder.Services.AddExceptionHandler<DependencyUnavailableHandler>();
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);

        // Each Kafka consumer leaves its group as it stops (about a second each with the dev broker): one after the
        // other, the Workers took 6 s to stop; side by side, a third of a second. Nothing here depends on another
        // hosted service stopping first (what they share, such as the Kafka producer, is disposed after them all).
        builder.Services.Configure<HostOptions>(options => options.ServicesStopConcurrently = true);

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // The outbox relay, the reminder loop and webhook delivery poll every few hundred milliseconds, and EF logs
        // every command at Information: that would bury everything else. Configuration can still turn it back on.
        const string efCommands = "Microsoft.EntityFrameworkCore.Database.Command";
        if (builder.Configuration[$"Logging:LogLevel:{efCommands}"] is null)
            builder.Logging.AddFilter(efCommands, LogLevel.Warning);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(TelemetrySourceName))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(TelemetrySourceName)
                .AddAspNetCoreInstrumentation(options =>
                    // Health probes would drown the traces that matter.
                    options.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                        && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            // Each signal flushes at shutdown and retries an unreachable collector until this timeout (10 s by
            // default, so 30 s for the three): a stop would outlast the orchestrator's patience (Aspire's is ~12 s).
            builder.Configuration[OtlpTimeoutKey] ??= "2000";
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>/health: every check must pass (ready for traffic). /alive: only the liveness checks.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath);
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains("live"),
        });
        return app;
    }
}
