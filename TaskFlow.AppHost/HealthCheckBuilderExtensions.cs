using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TaskFlow.AppHost;

public static class HealthCheckBuilderExtensions
{
    /// <summary>Registers <paramref name="check"/> under <paramref name="key"/> and makes it the resource's health check (what WaitFor waits on).</summary>
    public static IResourceBuilder<T> WithHealthCheck<T>(this IResourceBuilder<T> builder, string key, IHealthCheck check)
        where T : IResource
    {
        builder.ApplicationBuilder.Services.AddHealthChecks().AddCheck(key, check);
        return builder.WithHealthCheck(key);
    }
}
