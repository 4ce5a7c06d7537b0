using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace TaskFlow.AppHost.Publishing;

/// <summary>
/// A Docker Compose file, as far as TaskFlow's uses the Compose Specification: the properties are the
/// specification's, in snake_case. Loading is strict: a property these classes lack is an error.
/// </summary>
public sealed class ComposeFile
{
    public Dictionary<string, ComposeService> Services { get; set; } = [];
    public Dictionary<string, ComposeVolume>? Volumes { get; set; }

    public string ToYaml() => new SerializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull)
        .WithQuotingNecessaryStrings()
        .DisableAliases()
        .Build()
        .Serialize(this);

    public static ComposeFile Load(string yaml) => new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build()
        .Deserialize<ComposeFile>(yaml);
}

public sealed class ComposeService
{
    public string Image { get; set; } = "";
    public List<string>? Entrypoint { get; set; }
    public List<string>? Command { get; set; }
    public string? WorkingDir { get; set; }
    /// <summary><c>service:NAME</c> runs the container in NAME's network namespace (a sidecar's localhost is its app's).</summary>
    public string? NetworkMode { get; set; }
    public Dictionary<string, string>? Environment { get; set; }
    public List<ComposePort>? Ports { get; set; }
    public List<string>? Volumes { get; set; }
    public Dictionary<string, ComposeDependency>? DependsOn { get; set; }
    public ComposeHealthcheck? Healthcheck { get; set; }
    public string? Restart { get; set; }
}

public sealed class ComposePort
{
    public int Target { get; set; }
    public int Published { get; set; }
    public string? HostIp { get; set; }
}

public sealed class ComposeDependency
{
    public const string Started = "service_started";
    public const string Healthy = "service_healthy";

    public string Condition { get; set; } = Started;
}

public sealed class ComposeHealthcheck
{
    public List<string> Test { get; set; } = [];
    public string? Interval { get; set; }
    public string? Timeout { get; set; }
    public int? Retries { get; set; }
    public string? StartPeriod { get; set; }
}

/// <summary>A named volume with Docker's defaults.</summary>
public sealed class ComposeVolume;
