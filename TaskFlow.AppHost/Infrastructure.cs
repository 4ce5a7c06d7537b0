using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TaskFlow.AppHost;

public enum InfrastructureProfile
{
    /// <summary>Redpanda, Redis and Postgres in containers (needs a container runtime).</summary>
    Containers,

    /// <summary>An in-process dev Kafka broker plus Redis (redis-server, else Garnet) and postgres from this machine.</summary>
    Local,
}

/// <summary>
/// Which infrastructure profile this run uses, why, and where the local profile keeps its data.
/// Settings (AppHost configuration): <c>Infrastructure</c> = auto|containers|local (default auto),
/// <c>LocalData:Path</c> (default: the per-user data folder, e.g. ~/.local/share/taskflow).
/// </summary>
public sealed class Infrastructure
{
    public const string ProfileSetting = "Infrastructure";
    public const string LocalDataPathSetting = "LocalData:Path";

    private static readonly TimeSpan ContainerRuntimeProbeTimeout = TimeSpan.FromSeconds(5);

    private readonly List<string> _notes = [];

    private Infrastructure(InfrastructureProfile profile, string reason, string localDataPath, bool localDataPathIsDefault)
    {
        Profile = profile;
        Reason = reason;
        LocalDataPath = localDataPath;
        LocalDataPathIsDefault = localDataPathIsDefault;
    }

    public InfrastructureProfile Profile { get; }

    public string Reason { get; }

    /// <summary>Root of the local profile's Redis and Postgres data; survives restarts.</summary>
    public string LocalDataPath { get; }

    public bool LocalDataPathIsDefault { get; }

    /// <summary>Records a line for the AppHost log, written once the application starts.</summary>
    public void Note(string line) => _notes.Add(line);

    internal static Infrastructure Choose(IDistributedApplicationBuilder builder)
    {
        var configuredPath = builder.Configuration[LocalDataPathSetting];
        var localDataPath = string.IsNullOrWhiteSpace(configuredPath)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "taskflow")
            : Path.GetFullPath(configuredPath, builder.AppHostDirectory);

        var setting = builder.Configuration[ProfileSetting];
        var (profile, reason) = setting?.Trim().ToLowerInvariant() switch
        {
            // The local profile's programs and paths are this machine's: a deployment cannot use them.
            _ when builder.ExecutionContext.IsPublishMode =>
                (InfrastructureProfile.Containers, "a published application runs its infrastructure in containers (or uses the connection strings it is given)"),
            null or "" or "auto" => ChooseAutomatically(builder),
            "containers" => (InfrastructureProfile.Containers, $"{ProfileSetting}=containers is configured"),
            "local" => (InfrastructureProfile.Local, $"{ProfileSetting}=local is configured"),
            _ => Prerequisites.Stop<(InfrastructureProfile, string)>(
                $"The {ProfileSetting} setting must be auto, containers or local, not '{setting}'."),
        };

        return new Infrastructure(profile, reason, localDataPath, string.IsNullOrWhiteSpace(configuredPath));
    }

    private static (InfrastructureProfile, string) ChooseAutomatically(IDistributedApplicationBuilder builder)
    {
        // Aspire reads the same variable to pick docker or podman.
        var runtime = builder.Configuration["ASPIRE_CONTAINER_RUNTIME"] ?? "docker";
        return ProbeContainerRuntime(runtime) is { } failure
            ? (InfrastructureProfile.Local, $"auto: `{runtime} info` {failure}")
            : (InfrastructureProfile.Containers, $"auto: `{runtime} info` answered");
    }

    /// <returns>null when the runtime answers, else what went wrong.</returns>
    private static string? ProbeContainerRuntime(string runtime)
    {
        if (Prerequisites.FindOnPath(runtime) is not { } program)
        {
            return $"failed: {runtime} is not on PATH";
        }

        var start = new ProcessStartInfo(program, ["info"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();

        if (!process.WaitForExit(ContainerRuntimeProbeTimeout))
        {
            process.Kill(entireProcessTree: true);
            return $"did not answer within {ContainerRuntimeProbeTimeout.TotalSeconds:0} s";
        }

        if (process.ExitCode == 0)
        {
            return null;
        }

        var firstError = stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return $"exited with {process.ExitCode}{(firstError is null ? "" : $" ({firstError})")}";
    }

    internal void LogOnStart(IDistributedApplicationBuilder builder)
    {
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TaskFlow.AppHost.Infrastructure");
            logger.LogInformation("Infrastructure profile: {Profile} ({Reason})", Profile.ToString().ToLowerInvariant(), Reason);
            foreach (var note in _notes)
            {
                logger.LogInformation("{Note}", note);
            }

            return Task.CompletedTask;
        });
    }
}

public static class InfrastructureBuilderExtensions
{
    /// <summary>
    /// Picks the infrastructure profile from the <c>Infrastructure</c> setting (auto|containers|local);
    /// auto means containers when the container runtime answers <c>docker info</c> within a few seconds, else local.
    /// The choice and its reason are logged when the application starts.
    /// </summary>
    public static Infrastructure ChooseInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var infrastructure = Infrastructure.Choose(builder);
        infrastructure.LogOnStart(builder);
        return infrastructure;
    }
}
