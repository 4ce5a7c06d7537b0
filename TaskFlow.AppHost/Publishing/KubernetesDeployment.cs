using System.Globalization;
using System.Text;
using k8s;
using k8s.Models;

namespace TaskFlow.AppHost.Publishing;

/// <summary>
/// kubernetes/: a kustomize base (each service's Deployment, Service, settings, disruption budget; the Api's autoscaler;
/// Dapr's components, Configuration and Resiliency) and two overlays: dev (a namespace, one replica each, images from
/// the publish settings, the Secret from secrets.env) and dev-in-cluster (dev plus the containers the services wait
/// for, as StatefulSets). The base expects that infrastructure outside the cluster: every value that names it
/// (connection strings, addresses, passwords) or is a parameter comes from the <see cref="SecretName"/> Secret.
/// </summary>
public static class KubernetesDeployment
{
    public const string SecretName = "taskflow-secrets";

    /// <summary>What the dev overlay's secretGenerator reads; the user's own copy of secrets.env.example, never written.</summary>
    public const string SecretsFile = "secrets.env";

    private const string Namespace = "taskflow-dev";

    /// <summary>Dapr's dapr.io/app-token-secret annotation reads the token under this key of the Secret it names.</summary>
    private const string DaprTokenKey = "token";

    /// <summary>Where the cluster's OpenTelemetry collector takes OTLP/gRPC: the services' and the sidecars' telemetry.</summary>
    private const string CollectorAddress = "otel-collector.observability.svc.cluster.local:4317";

    /// <summary>Two of each service, so a node can be drained without an outage.</summary>
    private const int Replicas = 2;

    private const string NameLabel = "app.kubernetes.io/name";

    /// <summary>The service whose dead-letter command the dead-letters overlay runs as a Job.</summary>
    private const string WorkersName = "workers";

    internal static IEnumerable<(string Path, string Text)> Files(Deployment deployment)
    {
        var secrets = new ClusterSecrets(deployment);
        var values = new ClusterValues(deployment, parameter => throw new InvalidOperationException(
            $"The parameter {parameter.Name} is a secret on a cluster, so it cannot be part of a setting."));

        // Made before any file is written, so the Secret's example lists the services' keys first.
        var secretSettings = deployment.Services.ToDictionary(service => service, service => SecretSettings(service, secrets));
        var serviceObjects = deployment.Services.ToDictionary(service => service, service => ServiceObjects(service, secrets, secretSettings[service]).ToList());
        var sidecarResources = Dapr(deployment, secrets).ToList();
        var infrastructure = deployment.Infrastructure.ToList();
        var inCluster = infrastructure.SelectMany(container => InClusterObjects(container, deployment, secrets)).ToList();

        var baseResources = new List<string>(["settings.yaml"]);
        yield return ("base/settings.yaml", Yaml(
            """
            Each service's settings from the app model that name no infrastructure and no secret (`:` is `__` in an
            environment variable), plus where the cluster takes telemetry. Messaging__Transport: kafka, the services talk
            to the brokers; dapr, they publish and subscribe through their sidecars.
            """,
            deployment.Services.Select(service => Settings(service, values))));
        foreach (var service in deployment.Services)
        {
            baseResources.Add($"{service.Name}.yaml");
            yield return ($"base/{service.Name}.yaml", Yaml(ServiceComment(service), serviceObjects[service]));
        }
        if (sidecarResources.Count > 0)
        {
            baseResources.Add("dapr.yaml");
            yield return ("base/dapr.yaml", Yaml(
                """
                Dapr on the cluster: the components the sidecars load (dapr/components/ of the repository, with every
                address and password from the Secret through Dapr's built-in Kubernetes secret store), their
                Configuration (traces to the cluster's collector) and Resiliency.
                """,
                sidecarResources));
        }
        yield return ("base/kustomization.yaml", Yaml(
            $"""
            TaskFlow's services on Kubernetes, with Dapr's control plane injecting their sidecars. The infrastructure
            ({Names(infrastructure)}) is outside the cluster: its addresses and passwords are in the {SecretName}
            Secret, which this base expects (overlays/dev makes it from {SecretsFile}; overlays/dev-in-cluster adds the
            infrastructure too).
            """,
            [new Kustomization
            {
                Labels = [new KustomizeLabels { Pairs = new() { ["app.kubernetes.io/part-of"] = "taskflow" } }],
                Resources = baseResources,
            }]));

        yield return ("overlays/dev/kustomization.yaml", Yaml(
            $"""
            A dev cluster: `kubectl apply -k overlays/dev`. Its own namespace, one replica of each service, the images
            from the publish settings, and the {SecretName} Secret made from {SecretsFile} (copy {SecretsFile}.example
            and fill it in; it is never written by `aspire publish` nor committed).
            """,
            [new Kustomization
            {
                Namespace = Namespace,
                Resources = ["../../base"],
                Images = [.. deployment.Services.Select(service => DevImage(deployment, service))],
                Replicas = [.. deployment.Services.Select(service => new KustomizeReplicas { Name = service.Name, Count = 1 })],
                SecretGenerator = [new KustomizeSecret { Name = SecretName, Envs = [SecretsFile] }],
                GeneratorOptions = new KustomizeGeneratorOptions { DisableNameSuffixHash = true },
            }]));

        yield return ("overlays/dev-in-cluster/infrastructure.yaml", Yaml(
            $"""
            The containers the services wait for, as the app model runs them (images, arguments, settings, ports,
            volumes), one pod each under the resource's name, which the example secrets use as host names. Passwords
            come from the {SecretName} Secret.
            """,
            inCluster));
        yield return ("overlays/dev-in-cluster/kustomization.yaml", Yaml(
            $"""
            The dev overlay plus the infrastructure ({Names(infrastructure)}) inside the namespace, for a cluster that
            has none of it yet: `kubectl apply -k overlays/dev-in-cluster`. Single replicas, no backups, no TLS: for
            trying TaskFlow out, not for data you keep.
            """,
            [new Kustomization { Namespace = Namespace, Resources = ["../dev", "infrastructure.yaml"] }]));

        if (deployment.Services.SingleOrDefault(service => service.Name == WorkersName) is { } workers)
        {
            yield return ("overlays/dead-letters/job.yaml", Yaml(
                """
                The Workers' dead-letter command as a Job (docs/RUNBOOK.md, "Dead letters"): it lists the dead letters in
                its log (`kubectl logs job/workers-dlq`). For another verb, change `args` (`dlq redrive ID --operator
                NAME`, ...) and apply again after `kubectl delete job workers-dlq`; one-off commands are quicker with
                `kubectl exec deploy/workers -- dotnet TaskFlow.Workers.dll dlq ...`.
                """,
                [DeadLetterJob(workers, secretSettings[workers])]));
            yield return ("overlays/dead-letters/kustomization.yaml", Yaml(
                """
                The dead-letter Job in the dev overlay's namespace with its images, beside what overlays/dev applied:
                `kubectl apply -k overlays/dead-letters`.
                """,
                [new Kustomization
                {
                    Namespace = Namespace,
                    Resources = ["job.yaml"],
                    Images = [DevImage(deployment, workers)],
                }]));
        }

        yield return ($"overlays/dev/{SecretsFile}.example", secrets.Example(infrastructure));
    }

    private static KustomizeImage DevImage(Deployment deployment, ServiceDeployment service) => new()
    {
        Name = service.Repository,
        NewName = deployment.Images.Registry is null ? null : deployment.Images.Name(service.Repository),
        NewTag = deployment.Images.Tag,
    };

    private static string Names(IEnumerable<ContainerDeployment> containers) => string.Join(", ", containers.Select(container => container.Name));

    private static V1ConfigMap Settings(ServiceDeployment service, ClusterValues values)
    {
        var data = service.Environment.Where(setting => !ClusterSecrets.IsSecret(setting.Value))
            .ToDictionary(setting => setting.Name, setting => values.Write(setting.Value));
        data["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://{CollectorAddress}";
        if (service.Sidecar is not null)
        {
            // TaskFlow.Messaging's Dapr:SecretStore: Dapr's built-in Kubernetes store, instead of the laptop's local file.
            data["Dapr__SecretStore"] = "kubernetes";
        }
        return new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = SettingsName(service) }, Data = data };
    }

    private static string SettingsName(ServiceDeployment service) => $"{service.Name}-settings";

    private static string ServiceComment(ServiceDeployment service) => service.Http.IsExternal
        ? $"""
          {service.Name}: the service users reach (its endpoint is external in the app model). Stateless: any number of
          replicas behind its Service, scaled on CPU by the autoscaler.
          """
        : $"""
          {service.Name}: reached inside the cluster only. Consumer groups share each topic's partitions, so replicas
          beyond the partition count stay idle: scale it by consumer lag (by hand, or with KEDA), not by CPU.
          """;

    /// <summary>The service's settings that are secrets, each read from the Secret.</summary>
    private static List<V1EnvVar> SecretSettings(ServiceDeployment service, ClusterSecrets secrets) =>
        [.. service.Environment.Where(setting => ClusterSecrets.IsSecret(setting.Value))
            .Select(setting => secrets.Reference(setting.Name, setting.Value, service.Name))];

    private static IEnumerable<object> ServiceObjects(ServiceDeployment service, ClusterSecrets secrets, List<V1EnvVar> secretSettings)
    {
        var labels = new Dictionary<string, string> { [NameLabel] = service.Name };
        var container = Container(service, secretSettings);
        container.Ports = [new V1ContainerPort { Name = service.Http.Name, ContainerPort = service.ContainerPort }];
        // ServiceDefaults' endpoints: /health is migrated and connected (ready for traffic), /alive the process answers.
        container.ReadinessProbe = HttpProbe(service, "/health", periodSeconds: 5);
        container.LivenessProbe = HttpProbe(service, "/alive", periodSeconds: 10, failureThreshold: 6);
        container.StartupProbe = HttpProbe(service, "/alive", periodSeconds: 2, failureThreshold: 60);
        yield return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = service.Name, Labels = labels },
            Spec = new V1DeploymentSpec
            {
                Replicas = Replicas,
                Selector = new V1LabelSelector { MatchLabels = labels },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels, Annotations = DaprAnnotations(service, secrets) },
                    Spec = PodSpec(container),
                },
            },
        };
        yield return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta { Name = service.Name },
            Spec = new V1ServiceSpec
            {
                Selector = labels,
                Ports = [new V1ServicePort { Name = service.Http.Name, Port = service.ContainerPort, TargetPort = service.Http.Name }],
            },
        };
        yield return new V1PodDisruptionBudget
        {
            ApiVersion = "policy/v1",
            Kind = "PodDisruptionBudget",
            Metadata = new V1ObjectMeta { Name = service.Name },
            Spec = service.Http.IsExternal
                ? new V1PodDisruptionBudgetSpec { MinAvailable = 1, Selector = new V1LabelSelector { MatchLabels = labels } }
                : new V1PodDisruptionBudgetSpec { MaxUnavailable = 1, Selector = new V1LabelSelector { MatchLabels = labels } },
        };
        if (service.Http.IsExternal)
        {
            yield return new V2HorizontalPodAutoscaler
            {
                ApiVersion = "autoscaling/v2",
                Kind = "HorizontalPodAutoscaler",
                Metadata = new V1ObjectMeta { Name = service.Name },
                Spec = new V2HorizontalPodAutoscalerSpec
                {
                    ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = service.Name },
                    MinReplicas = Replicas,
                    MaxReplicas = 3 * Replicas,
                    Metrics =
                    [
                        new V2MetricSpec
                        {
                            Type = "Resource",
                            Resource = new V2ResourceMetricSource { Name = "cpu", Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = 70 } },
                        },
                    ],
                },
            };
        }
    }

    /// <summary>
    /// The Workers' dead-letter command (<c>dlq list</c>) as a Job, with the Workers' image, settings and secrets; no Dapr
    /// sidecar, so for transport kafka (with transport dapr, `kubectl exec` into a Workers pod instead).
    /// </summary>
    private static V1Job DeadLetterJob(ServiceDeployment workers, List<V1EnvVar> secretSettings)
    {
        var container = Container(workers, secretSettings);
        container.Name = "dlq";
        container.Args = ["dlq", "list"];
        var pod = PodSpec(container);
        pod.RestartPolicy = "Never";
        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta { Name = $"{workers.Name}-dlq" },
            Spec = new V1JobSpec
            {
                BackoffLimit = 0,
                TtlSecondsAfterFinished = 24 * 60 * 60,
                Template = new V1PodTemplateSpec { Spec = pod },
            },
        };
    }

    /// <summary>A service's container: its image, settings and secrets, limits, and a read-only root with a writable /tmp.</summary>
    private static V1Container Container(ServiceDeployment service, List<V1EnvVar> secretSettings) => new()
    {
        Name = service.Name,
        Image = service.Repository,
        EnvFrom = [new V1EnvFromSource { ConfigMapRef = new V1ConfigMapEnvSource { Name = SettingsName(service) } }],
        Env = secretSettings,
        Resources = new V1ResourceRequirements
        {
            Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("250m"), ["memory"] = new("256Mi") },
            Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("512Mi") },
        },
        SecurityContext = new V1SecurityContext
        {
            AllowPrivilegeEscalation = false,
            ReadOnlyRootFilesystem = true,
            Capabilities = new V1Capabilities { Drop = ["ALL"] },
        },
        VolumeMounts = [new V1VolumeMount { Name = "tmp", MountPath = "/tmp" }],
    };

    private static V1PodSpec PodSpec(V1Container container) => new()
    {
        SecurityContext = new V1PodSecurityContext { RunAsNonRoot = true, SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" } },
        Containers = [container],
        Volumes = [new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() }],
    };

    private static V1Probe HttpProbe(ServiceDeployment service, string path, int periodSeconds, int? failureThreshold = null) =>
        new() { HttpGet = new V1HTTPGetAction { Path = path, Port = service.Http.Name }, PeriodSeconds = periodSeconds, FailureThreshold = failureThreshold };

    private static Dictionary<string, string>? DaprAnnotations(ServiceDeployment service, ClusterSecrets secrets)
    {
        if (service.Sidecar is not { } sidecar) return null;
        var annotations = new Dictionary<string, string>
        {
            ["dapr.io/enabled"] = "true",
            ["dapr.io/app-id"] = sidecar.AppId,
            ["dapr.io/app-port"] = service.ContainerPort.ToString(CultureInfo.InvariantCulture),
            ["dapr.io/config"] = DaprSidecarDescription.ConfigurationName,
        };
        if (sidecar.Environment.FirstOrDefault(setting => setting.Name == DaprSidecarDescription.AppTokenVariable) is { } token)
        {
            // The injector hands the token to daprd, which sends it to the app on every call (the app's Internal:ApiKey).
            secrets.Key(token.Value, "dapr.io/app-token-secret", service.Name);
            annotations["dapr.io/app-token-secret"] = SecretName;
        }
        return annotations;
    }

    /// <summary>
    /// The components the sidecars name, from dapr/components/, each envRef (a sidecar variable) turned into the
    /// Secret key that holds the variable's value; the Configuration from dapr/config.yaml, tracing to the cluster's
    /// collector; the Resiliency from dapr/resiliency.yaml, scoped to the apps.
    /// </summary>
    private static IEnumerable<object> Dapr(Deployment deployment, ClusterSecrets secrets)
    {
        var sidecars = deployment.Sidecars.ToList();
        if (sidecars.Count == 0) yield break;

        var laptop = DaprResources.Load(deployment.DaprResources);
        foreach (var name in sidecars.SelectMany(sidecar => DaprSidecarDescription.Components).Distinct())
        {
            var component = laptop.Component(name);
            foreach (var item in component.Spec.Metadata.Where(item => item.EnvRef is not null))
            {
                var variable = sidecars.SelectMany(sidecar => sidecar.Environment).FirstOrDefault(setting => setting.Name == item.EnvRef)
                    ?? throw new InvalidOperationException($"The Dapr component {name} reads {item.EnvRef}, which the app model does not give the sidecars.");
                item.SecretKeyRef = new ComponentSecretKeyRef { Name = SecretName, Key = secrets.Key(variable.Value, item.Name, $"the Dapr component {name}") };
                item.EnvRef = null;
            }
            component.Auth = new ComponentAuth { SecretStore = "kubernetes" };
            yield return component;
        }

        var configuration = laptop.Configuration;
        if (configuration.Spec.Tracing?.Otel is { } otel)
        {
            otel.EndpointAddress = CollectorAddress;
        }
        yield return configuration;

        var resiliency = laptop.Resiliency;
        resiliency.Scopes = [.. sidecars.Select(sidecar => sidecar.AppId)];
        yield return resiliency;
    }

    private static IEnumerable<object> InClusterObjects(ContainerDeployment container, Deployment deployment, ClusterSecrets secrets)
    {
        var labels = new Dictionary<string, string> { [NameLabel] = container.Name };
        var known = container.KnownImage;
        var literals = new ClusterValues(deployment, parameter => throw new InvalidOperationException(
            $"{container.Name}'s arguments name the parameter {parameter.Name}, which a cluster keeps in a Secret."));
        yield return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta { Name = container.Name },
            Spec = new V1ServiceSpec
            {
                ClusterIP = "None",
                Selector = labels,
                Ports = [.. container.Endpoints.Select(endpoint => new V1ServicePort { Name = endpoint.Name, Port = endpoint.TargetPort!.Value })],
            },
        };
        yield return new V1StatefulSet
        {
            ApiVersion = "apps/v1",
            Kind = "StatefulSet",
            Metadata = new V1ObjectMeta { Name = container.Name },
            Spec = new V1StatefulSetSpec
            {
                ServiceName = container.Name,
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = labels },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec
                    {
                        SecurityContext = new V1PodSecurityContext { RunAsNonRoot = true, RunAsUser = known.User, FsGroup = known.User },
                        Containers =
                        [
                            new V1Container
                            {
                                Name = container.Name,
                                Image = container.ImageReference,
                                Command = container.Entrypoint is null ? null : [container.Entrypoint],
                                Args = container.Args.Count == 0 ? null : [.. container.Args.Select(arg => literals.Write(arg))],
                                Env = container.Environment.Count == 0 ? null : [.. container.Environment.Select(setting => ClusterSecrets.IsSecret(setting.Value)
                                    ? secrets.Reference(setting.Name, setting.Value, $"the in-cluster {container.Name}")
                                    : new V1EnvVar { Name = setting.Name, Value = literals.Write(setting.Value) })],
                                Ports = [.. container.Endpoints.Select(endpoint => new V1ContainerPort { Name = endpoint.Name, ContainerPort = endpoint.TargetPort!.Value })],
                                ReadinessProbe = known.ReadyCommand is null ? null
                                    : new V1Probe { Exec = new V1ExecAction { Command = [.. known.ReadyCommand] }, PeriodSeconds = 5 },
                                Resources = new V1ResourceRequirements
                                {
                                    Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(known.CpuRequest), ["memory"] = new(known.MemoryRequest) },
                                    Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new(known.MemoryLimit) },
                                },
                                SecurityContext = new V1SecurityContext { AllowPrivilegeEscalation = false },
                                VolumeMounts = container.VolumeTargets.Count == 0 ? null
                                    : [.. container.VolumeTargets.Select((target, index) => new V1VolumeMount { Name = VolumeName(index), MountPath = target })],
                            },
                        ],
                    },
                },
                VolumeClaimTemplates = container.VolumeTargets.Count == 0 ? null
                    : [.. container.VolumeTargets.Select((_, index) => new V1PersistentVolumeClaim
                    {
                        Metadata = new V1ObjectMeta { Name = VolumeName(index) },
                        Spec = new V1PersistentVolumeClaimSpec
                        {
                            AccessModes = ["ReadWriteOnce"],
                            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("5Gi") } },
                        },
                    })],
            },
        };
    }

    private static string VolumeName(int index) => index == 0 ? "data" : $"data-{index}";

    /// <summary>The objects as one YAML file of documents, after a comment saying what it is and where it comes from.</summary>
    private static string Yaml(string comment, IEnumerable<object> objects)
    {
        var text = new StringBuilder(Header.Comment(comment));
        var first = true;
        foreach (var item in objects)
        {
            if (!first) text.Append("---\n");
            text.Append(KubernetesYaml.Serialize(item).TrimEnd('\n')).Append('\n');
            first = false;
        }
        return text.ToString();
    }

    /// <summary>Values written for the cluster: a resource is reached under its name, on the port it listens on.</summary>
    private sealed class ClusterValues(Deployment deployment, Func<ParameterResource, string> parameter) : ValueWriter(deployment)
    {
        protected override string Literal(string text) => text;

        protected override string Parameter(ParameterResource resource) => parameter(resource);
    }

    /// <summary>
    /// The keys of the Secret, each with the value it stands for: a connection string under its resource's name, a
    /// parameter under its own (the Dapr app token under <see cref="DaprTokenKey"/>, which Dapr asks for), a resource's
    /// address under <c>{resource}-host</c>. Writes the example file a user fills in.
    /// </summary>
    private sealed class ClusterSecrets(Deployment deployment)
    {
        private readonly Dictionary<string, (object Value, List<(string Name, string Owner)> UsedBy)> _keys = [];

        private readonly ParameterResource? _appToken = deployment.Sidecars.SelectMany(sidecar => sidecar.Environment)
            .FirstOrDefault(setting => setting.Name == DaprSidecarDescription.AppTokenVariable)?.Value as ParameterResource;

        /// <summary>Whether a cluster keeps <paramref name="value"/> in the Secret: it is or names a parameter or infrastructure.</summary>
        public static bool IsSecret(object value) => ValueWriter.ParametersIn(value).Any() || ValueWriter.InfrastructureIn(value).Any();

        public V1EnvVar Reference(string variable, object value, string owner) => new()
        {
            Name = variable,
            ValueFrom = new V1EnvVarSource
            {
                SecretKeyRef = new V1SecretKeySelector
                {
                    Name = SecretName,
                    Key = Key(value, variable, owner),
                    Optional = value is ConnectionStringReference { Optional: true } ? true : null,
                },
            },
        };

        /// <param name="name">What reads the value (a variable, a component's setting), for the example's comments.</param>
        /// <param name="owner">Whose it is: a service, a component, a container.</param>
        public string Key(object value, string name, string owner)
        {
            var key = value switch
            {
                ConnectionStringReference reference => reference.Resource.Name,
                IResourceWithConnectionString resource => resource.Name,
                ParameterResource parameter => parameter == _appToken ? DaprTokenKey : parameter.Name,
                _ when ValueWriter.ParametersIn(value).Any() => throw new NotSupportedException(
                    $"{name} of {owner} mixes a parameter into a value, which a cluster cannot take from its Secret."),
                _ when ValueWriter.InfrastructureIn(value).Distinct().ToList() is [var resource] => $"{resource.Name}-host",
                _ => throw new NotSupportedException($"{name} of {owner} names more than one resource's address in one value."),
            };
            if (!_keys.TryGetValue(key, out var entry)) _keys[key] = entry = (value, []);
            entry.UsedBy.Add((name, owner));
            return key;
        }

        /// <summary>
        /// secrets.env.example: every key, with the value it takes against overlays/dev-in-cluster (the resources under
        /// their names) and a placeholder for each parameter, which is the same wherever it appears.
        /// </summary>
        public string Example(IEnumerable<ContainerDeployment> infrastructure)
        {
            var example = new ClusterValues(deployment, parameter => $"change-me-{parameter.Name}");
            var text = new StringBuilder(Header.Comment(
                $"""
                The keys of the {SecretName} Secret: copy to {SecretsFile} next to this file and fill it in. The values
                below fit overlays/dev-in-cluster ({Names(infrastructure)} in the namespace, under these names); against
                your own, put their addresses here instead. Each change-me-NAME is one secret of your choosing: the same
                value wherever the same NAME appears.
                """));
            foreach (var (key, (value, usedBy)) in _keys)
            {
                var readers = usedBy.GroupBy(use => use.Name).Select(use => $"{use.Key} of {string.Join(", ", use.Select(u => u.Owner).Distinct())}");
                var optional = value is ConnectionStringReference { Optional: true } ? " (optional: without the key, the services go without it)" : "";
                text.Append(CultureInfo.InvariantCulture, $"# {string.Join("; ", readers)}{Generated(value)}{optional}\n");
                text.Append(CultureInfo.InvariantCulture, $"{key}={example.Write(value)}\n");
            }
            return text.ToString();
        }

        private static string Generated(object value) => value is ParameterResource { Default: GenerateParameterDefault generate }
            ? $" (random, at least {generate.MinLength} characters)"
            : "";
    }
}
