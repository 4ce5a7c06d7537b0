using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using TaskFlow.Messaging.Dapr;

namespace TaskFlow.Tests.Deploy;

/// <summary>
/// deploy/ and dapr/ checked offline (no cluster here for kubectl): every YAML loads, field by field, into the
/// Kubernetes client library's typed models (or small models of Dapr's kinds), and the Deployments give each
/// service everything the published Aspire manifest says it needs.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly string Root = Repository.Root;

    private static readonly Dictionary<string, Type> DaprKinds = new()
    {
        ["dapr.io/v1alpha1/Component"] = typeof(DaprComponent),
        ["dapr.io/v1alpha1/Configuration"] = typeof(DaprConfiguration),
        ["dapr.io/v1alpha1/Resiliency"] = typeof(DaprResiliency),
    };

    [Fact]
    public void Every_yaml_under_deploy_and_dapr_is_a_known_kind_with_only_known_fields()
    {
        var files = YamlFiles().ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            if (Path.GetFileName(file) == "kustomization.yaml")
            {
                var kustomization = KubernetesYaml.Deserialize<Kustomization>(text, strict: true);
                foreach (var resource in kustomization.Resources ?? [])
                    Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(file)!, resource)) || Directory.Exists(Path.Combine(Path.GetDirectoryName(file)!, resource)),
                        $"{file} lists {resource}, which does not exist");
                continue;
            }
            var objects = KubernetesYaml.LoadAllFromString(text, DaprKinds, strict: true);
            Assert.NotEmpty(objects);
        }
    }

    [Theory]
    [InlineData("api")]
    [InlineData("workers")]
    public async Task Each_deployment_gives_its_service_every_setting_the_manifest_names_from_the_configmap_or_the_secret(string service)
    {
        var published = await PublishedManifestTests.PublishAsync();
        var needed = published[service]!["env"]!.AsObject().Select(e => e.Key).ToList();
        var deployment = Load<V1Deployment>("base", $"{service}.yaml").Single();
        var settings = Load<V1ConfigMap>("base", "settings.yaml").Single();
        var container = deployment.Spec.Template.Spec.Containers.Single();

        var provided = container.Env.Select(e => e.Name)
            .Concat(container.EnvFrom.Where(e => e.ConfigMapRef?.Name == settings.Metadata.Name).SelectMany(_ => settings.Data.Keys))
            .ToHashSet();
        var missing = needed.Where(name => !provided.Contains(name)).ToList();
        Assert.True(missing.Count == 0, $"{service} lacks {string.Join(", ", missing)}");

        var secretKeys = SecretExample().Keys;
        Assert.All(container.Env.Where(e => e.ValueFrom?.SecretKeyRef is not null), e => Assert.Contains(e.ValueFrom.SecretKeyRef.Key, secretKeys));
    }

    [Theory]
    [InlineData("api")]
    [InlineData("workers")]
    public void Each_deployment_runs_non_root_with_limits_split_probes_and_its_dapr_app_id_on_the_image_port(string service)
    {
        var deployment = Load<V1Deployment>("base", $"{service}.yaml").Single();
        var pod = deployment.Spec.Template;
        var container = pod.Spec.Containers.Single();

        Assert.True(pod.Spec.SecurityContext.RunAsNonRoot);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.NotNull(container.Resources.Requests["cpu"]);
        Assert.NotNull(container.Resources.Limits["memory"]);
        Assert.Equal("/health", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/alive", container.LivenessProbe.HttpGet.Path);
        Assert.Equal(8080, container.Ports.Single().ContainerPort);
        Assert.Equal($"taskflow-{service}", container.Image);
        Assert.Equal("true", pod.Metadata.Annotations["dapr.io/enabled"]);
        Assert.Equal(service, pod.Metadata.Annotations["dapr.io/app-id"]);
        Assert.Equal("8080", pod.Metadata.Annotations["dapr.io/app-port"]);
        Assert.Equal(Load<DaprConfiguration>("base", "dapr.yaml").Single().Metadata.Name, pod.Metadata.Annotations["dapr.io/config"]);
        Assert.Contains(Load<V1PodDisruptionBudget>("base", $"{service}.yaml"), budget => budget.Metadata.Name == service);
    }

    [Fact]
    public void The_dapr_components_are_the_ones_the_code_names_scoped_and_reading_secrets_from_kubernetes()
    {
        var components = Load<DaprComponent>("base", "dapr.yaml").ToDictionary(c => c.Metadata.Name);

        Assert.Equal(new[] { DaprSidecar.PubSubName, DaprSidecar.StateStoreName }.Order(), components.Keys.Order());
        Assert.All(components.Values, component =>
        {
            Assert.NotEmpty(component.Scopes!);
            Assert.Equal("kubernetes", component.Auth?.SecretStore);
        });
        Assert.Equal("kubernetes", Load<V1ConfigMap>("base", "settings.yaml").Single().Data[DaprSidecar.SecretStoreSetting.Replace(":", "__", StringComparison.Ordinal)]);
        Assert.Contains(Load<V2HorizontalPodAutoscaler>("base", "api.yaml"), hpa => hpa.Spec.ScaleTargetRef.Name == "api");
    }

    [Fact]
    public void The_in_cluster_overlay_serves_every_host_the_example_secret_names_and_reads_its_passwords_from_that_secret()
    {
        var secret = SecretExample();
        var services = Load<V1Service>("overlays", "dev-in-cluster", "infrastructure.yaml").ToList();
        string[] addresses =
        [
            secret["kafka-brokers"],
            secret["redis-host"],
            secret["redis"].Split(',')[0],
            new Uri(secret["schema-registry"]).Authority,
            .. new[] { "tasksdb", "workersdb" }.Select(database =>
            {
                var parts = secret[database].Split(';').Select(part => part.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
                return $"{parts["Host"]}:{parts["Port"]}";
            }),
        ];
        Assert.All(addresses, address =>
        {
            var (host, port) = (address.Split(':')[0], int.Parse(address.Split(':')[1]));
            Assert.Contains(services, service => service.Metadata.Name == host && service.Spec.Ports.Any(p => p.Port == port));
        });

        var statefulSets = Load<V1StatefulSet>("overlays", "dev-in-cluster", "infrastructure.yaml").ToList();
        Assert.Equal(services.Select(s => s.Metadata.Name).Order(), statefulSets.Select(s => s.Metadata.Name).Order());
        Assert.All(statefulSets.SelectMany(s => s.Spec.Template.Spec.Containers).SelectMany(c => c.Env ?? []).Where(e => e.ValueFrom is not null),
            e => Assert.Contains(e.ValueFrom.SecretKeyRef.Key, secret.Keys));
        Assert.All(statefulSets, s => Assert.True(s.Spec.Template.Spec.SecurityContext.RunAsNonRoot));
        Assert.Contains("../dev", KubernetesYaml.Deserialize<Kustomization>(File.ReadAllText(Path.Combine(Root, "deploy", "overlays", "dev-in-cluster", "kustomization.yaml")), strict: true).Resources!);
    }

    /// <summary>deploy/overlays/dev/secrets.env.example as key → value.</summary>
    private static Dictionary<string, string> SecretExample() =>
        File.ReadAllLines(Path.Combine(Root, "deploy", "overlays", "dev", "secrets.env.example"))
            .Where(line => line.Contains('=') && !line.StartsWith('#'))
            .ToDictionary(line => line[..line.IndexOf('=')], line => line[(line.IndexOf('=') + 1)..]);

    internal static IEnumerable<T> Load<T>(params string[] path) =>
        KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine([Root, "deploy", .. path])), DaprKinds, strict: true).OfType<T>();

    private static IEnumerable<string> YamlFiles() =>
        new[] { "deploy", "dapr" }.SelectMany(folder => Directory.EnumerateFiles(Path.Combine(Root, folder), "*.yaml", SearchOption.AllDirectories));

    // Kustomize's file and Dapr's kinds, as far as TaskFlow uses them: strict loading refuses any other field.
    public sealed class Kustomization
    {
        [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "";
        [JsonPropertyName("kind")] public string Kind { get; set; } = "";
        [JsonPropertyName("namespace")] public string? Namespace { get; set; }
        [JsonPropertyName("labels")] public List<KustomizeLabels>? Labels { get; set; }
        [JsonPropertyName("resources")] public List<string>? Resources { get; set; }
        [JsonPropertyName("images")] public List<KustomizeImage>? Images { get; set; }
        [JsonPropertyName("replicas")] public List<KustomizeReplicas>? Replicas { get; set; }
        [JsonPropertyName("secretGenerator")] public List<KustomizeSecret>? SecretGenerator { get; set; }
        [JsonPropertyName("generatorOptions")] public KustomizeGeneratorOptions? GeneratorOptions { get; set; }
    }

    public sealed class KustomizeLabels { [JsonPropertyName("pairs")] public Dictionary<string, string> Pairs { get; set; } = []; }

    public sealed class KustomizeImage
    {
        [JsonPropertyName("name")] public string Name { get; set; } = "";
        [JsonPropertyName("newName")] public string? NewName { get; set; }
        [JsonPropertyName("newTag")] public string? NewTag { get; set; }
    }

    public sealed class KustomizeReplicas
    {
        [JsonPropertyName("name")] public string Name { get; set; } = "";
        [JsonPropertyName("count")] public int Count { get; set; }
    }

    public sealed class KustomizeSecret
    {
        [JsonPropertyName("name")] public string Name { get; set; } = "";
        [JsonPropertyName("envs")] public List<string> Envs { get; set; } = [];
    }

    public sealed class KustomizeGeneratorOptions { [JsonPropertyName("disableNameSuffixHash")] public bool DisableNameSuffixHash { get; set; } }

    public abstract class DaprObject : IKubernetesObject<V1ObjectMeta>
    {
        [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "";
        [JsonPropertyName("kind")] public string Kind { get; set; } = "";
        [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
        [JsonPropertyName("scopes")] public List<string>? Scopes { get; set; }
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

    public sealed class ComponentMetadata
    {
        [JsonPropertyName("name")] public string Name { get; set; } = "";
        [JsonPropertyName("value")] public string? Value { get; set; }
        [JsonPropertyName("envRef")] public string? EnvRef { get; set; }
        [JsonPropertyName("secretKeyRef")] public SecretKeyRef? SecretKeyRef { get; set; }
    }

    public sealed class SecretKeyRef
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
}
