namespace TaskFlow.AppHost.Publishing;

/// <summary>
/// What a deployment needs to know about an infrastructure image of the model that the model does not say: the user
/// it runs as (Kubernetes runs it as non-root), the command that says it is ready for clients (Kubernetes' readiness
/// probe, Compose's health check, which the services' depends_on wait for), and what a cluster reserves for it.
/// Keyed by the image's name in its registry, as the model gives it.
/// </summary>
internal sealed record InfrastructureImage(long? User, IReadOnlyList<string>? ReadyCommand, string CpuRequest, string MemoryRequest, string MemoryLimit)
{
    private static readonly Dictionary<string, InfrastructureImage> Known = new()
    {
        // Admin API on localhost: true once the node has joined and its listeners are up.
        ["redpandadata/redpanda"] = new(101, ["rpk", "cluster", "health", "--exit-when-healthy"], "250m", "1Gi", "1536Mi"),
        ["redpandadata/console"] = new(99, null, "100m", "128Mi", "256Mi"),
        // Over TCP: the image's first-start initialization runs a server on the Unix socket only.
        ["library/postgres"] = new(999, ["pg_isready", "--host", "localhost"], "250m", "256Mi", "1Gi"),
        ["library/redis"] = new(999, ["sh", "-c", "REDISCLI_AUTH=\"$REDIS_PASSWORD\" redis-cli ping | grep -q PONG"], "100m", "128Mi", "512Mi"),
    };

    public static InfrastructureImage For(ContainerImageAnnotation image) =>
        Known.TryGetValue(image.Image, out var known)
            ? known
            : throw new InvalidOperationException(
                $"`aspire publish` does not know the image {image.Image} yet: add its user, readiness command and size to {nameof(InfrastructureImage)}.");
}
