using Microsoft.Extensions.Configuration;

namespace TaskFlow.AppHost;

public enum LocalRedisServerKind
{
    /// <summary><c>redis-server</c> from this machine's PATH.</summary>
    RedisServer,

    /// <summary>Microsoft Garnet, a Redis-compatible server from NuGet, built with the AppHost (TaskFlow.AppHost.Garnet).</summary>
    Garnet,
}

/// <summary>
/// Which Redis-compatible server the local profile runs, and why. Setting (AppHost configuration):
/// <c>Redis:Server</c> = auto|redis-server|garnet; auto (the default) means redis-server when it is on PATH, else
/// Garnet, so a machine without redis-server needs nothing installed.
/// </summary>
public sealed record LocalRedisServer(LocalRedisServerKind Kind, string Reason, string? RedisServerPath = null)
{
    public const string Setting = "Redis:Server";

    public static LocalRedisServer Choose(IConfiguration configuration)
    {
        var setting = configuration[Setting];
        return setting?.Trim().ToLowerInvariant() switch
        {
            null or "" or "auto" => Prerequisites.FindOnPath("redis-server") is { } found
                ? new(LocalRedisServerKind.RedisServer, $"auto: found on PATH at {found}", found)
                : new(LocalRedisServerKind.Garnet, "auto: redis-server is not on PATH"),
            "redis-server" => new(LocalRedisServerKind.RedisServer, $"{Setting}=redis-server is configured",
                Prerequisites.RequireOnPath("redis-server", $"sudo apt-get install -y redis-server (or leave {Setting} unset to run Garnet instead)")),
            "garnet" => new(LocalRedisServerKind.Garnet, $"{Setting}=garnet is configured"),
            _ => Prerequisites.Stop<LocalRedisServer>($"The {Setting} setting must be auto, redis-server or garnet, not '{setting}'."),
        };
    }
}
