using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using YamlDotNet.Serialization;

namespace TaskFlow.AppHost.Publishing;

/// <summary>
/// Dapr's resource kinds as far as TaskFlow uses them (dapr/ holds the laptop's, which the published ones are made
/// from). Loaded strictly, a field these classes lack is an error, so a typo in dapr/ does not pass silently.
/// </summary>
public static class DaprKinds
{
    public const string ApiVersion = "dapr.io/v1alpha1";

    /// <summary>apiVersion/kind → type, for <see cref="KubernetesYaml.LoadAllFromString(string, IDictionary{string, Type}, bool)"/>.</summary>
    public static readonly Dictionary<string, Type> Types = new()
    {
        [$"{ApiVersion}/Component"] = typeof(DaprComponent),
        [$"{ApiVersion}/Configuration"] = typeof(DaprConfiguration),
        [$"{ApiVersion}/Resiliency"] = typeof(DaprResiliency),
    };

    /// <summary>Every object in the YAML file at <paramref name="path"/>: Kubernetes' kinds and Dapr's.</summary>
    public static List<object> LoadFile(string path) => KubernetesYaml.LoadAllFromString(File.ReadAllText(path), Types, strict: true);
}

/// <summary>The fields every Dapr kind has, written in the usual order (YAML would list a derived class's own first).</summary>
public abstract class DaprObject : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion"), YamlMember(Order = -4)] public string ApiVersion { get; set; } = DaprKinds.ApiVersion;
    [JsonPropertyName("kind"), YamlMember(Order = -3)] public string Kind { get; set; } = "";
    [JsonPropertyName("metadata"), YamlMember(Order = -2)] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("scopes"), YamlMember(Order = 1)] public List<string>? Scopes { get; set; }
}

public sealed class DaprComponent : DaprObject
{
    [JsonPropertyName("spec")] public ComponentSpec Spec { get; set; } = new();
    [JsonPropertyName("auth")] public ComponentAuth? Auth { get; set; }
}

public sealed class ComponentSpec
{
    [JsonPropertyName("type")] public string Type { get; set; } = "";
    [JsonPropertyName("version")] public string Version { get; set; } = "";
    [JsonPropertyName("metadata")] public List<ComponentMetadata> Metadata { get; set; } = [];
}

/// <summary>One setting of a component: a value, an environment variable of the sidecar (envRef), or a secret.</summary>
public sealed class ComponentMetadata
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("value")] public string? Value { get; set; }
    [JsonPropertyName("envRef")] public string? EnvRef { get; set; }
    [JsonPropertyName("secretKeyRef")] public ComponentSecretKeyRef? SecretKeyRef { get; set; }
}

public sealed class ComponentSecretKeyRef
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("key")] public string Key { get; set; } = "";
}

public sealed class ComponentAuth { [JsonPropertyName("secretStore")] public string SecretStore { get; set; } = ""; }

public sealed class DaprConfiguration : DaprObject
{
    [JsonPropertyName("spec")] public ConfigurationSpec Spec { get; set; } = new();
}

public sealed class ConfigurationSpec { [JsonPropertyName("tracing")] public Tracing? Tracing { get; set; } }

public sealed class Tracing
{
    [JsonPropertyName("samplingRate")] public string SamplingRate { get; set; } = "";
    [JsonPropertyName("otel")] public OtelTracing? Otel { get; set; }
}

public sealed class OtelTracing
{
    [JsonPropertyName("endpointAddress")] public string EndpointAddress { get; set; } = "";
    [JsonPropertyName("isSecure")] public bool IsSecure { get; set; }
    [JsonPropertyName("protocol")] public string Protocol { get; set; } = "";
}

public sealed class DaprResiliency : DaprObject
{
    [JsonPropertyName("spec")] public ResiliencySpec Spec { get; set; } = new();
}

public sealed class ResiliencySpec
{
    [JsonPropertyName("policies")] public ResiliencyPolicies Policies { get; set; } = new();
    [JsonPropertyName("targets")] public ResiliencyTargets Targets { get; set; } = new();
}

public sealed class ResiliencyPolicies { [JsonPropertyName("retries")] public Dictionary<string, RetryPolicy> Retries { get; set; } = []; }

/// <summary>Dapr's retry fields: policy, duration (constant), maxInterval (exponential), maxRetries.</summary>
public sealed class RetryPolicy
{
    [JsonPropertyName("policy")] public string Policy { get; set; } = "";
    [JsonPropertyName("duration")] public string? Duration { get; set; }
    [JsonPropertyName("maxInterval")] public string? MaxInterval { get; set; }
    [JsonPropertyName("maxRetries")] public int MaxRetries { get; set; }
}

public sealed class ResiliencyTargets { [JsonPropertyName("components")] public Dictionary<string, ComponentTarget> Components { get; set; } = []; }

public sealed class ComponentTarget
{
    [JsonPropertyName("inbound")] public TargetPolicies? Inbound { get; set; }
    [JsonPropertyName("outbound")] public TargetPolicies? Outbound { get; set; }
}

public sealed class TargetPolicies { [JsonPropertyName("retry")] public string? Retry { get; set; } }
