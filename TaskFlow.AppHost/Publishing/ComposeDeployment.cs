using System.Globalization;
using System.Text;

namespace TaskFlow.AppHost.Publishing;

/// <summary>
/// compose/: TaskFlow on one Docker host, in the shape of the system it started from. Every container of the model
/// with its image, arguments, settings and volumes; the Dapr placement service; each service with a daprd sidecar in
/// its network namespace (its localhost is the app's), loading a copy of the repository's dapr/ the way the AppHost's
/// sidecars do. Secrets come from .env (keys in .env.example); health checks and depends_on conditions, from the
/// model's waits, start everything in order with one `docker compose up -d`.
/// </summary>
public static class ComposeDeployment
{
    /// <summary>The user's own copy of .env.example, which compose reads; never written by `aspire publish`.</summary>
    public const string EnvironmentFile = ".env";

    public const string DaprFolder = "dapr";

    /// <summary>The Dapr runtime the sidecars and placement run (on a cluster, its control plane's version decides).</summary>
    private const string DaprVersion = "1.16.0";

    private const string PlacementName = "placement";
    private const string DaprMountPath = "/dapr";

    /// <summary>Where a published port listens on the host: everything but the services' external endpoints stays local to it.</summary>
    private const string HostOnly = "127.0.0.1";

    internal static IEnumerable<(string Path, string Text)> Files(Deployment deployment)
    {
        var values = new ComposeValues(deployment);
        var compose = new ComposeFile { Volumes = [] };
        foreach (var container in deployment.Containers)
        {
            compose.Services[container.Name] = Container(container, values);
            foreach (var volume in VolumeNames(container)) compose.Volumes[volume] = new ComposeVolume();
        }
        if (deployment.Sidecars.Any())
        {
            compose.Services[PlacementName] = new ComposeService
            {
                Image = $"daprio/placement:{DaprVersion}",
                Entrypoint = ["/placement"],
                Command = ["--port", DaprBuilderExtensions.PlacementPort.ToString(CultureInfo.InvariantCulture)],
                Ports = [new ComposePort { Target = DaprBuilderExtensions.PlacementPort, Published = DaprBuilderExtensions.PlacementPort, HostIp = HostOnly }],
                Restart = "unless-stopped",
            };
        }
        foreach (var service in deployment.Services)
        {
            compose.Services[service.Name] = Service(service, deployment, values);
            if (service.Sidecar is { } sidecar) compose.Services[sidecar.Name] = Sidecar(service, sidecar, values);
        }

        yield return ("docker-compose.yaml", Header.Comment(
            $"""
            TaskFlow on one Docker host. Build the images first (README, "Deploying"), then, in this folder:
              cp {EnvironmentFile}.example {EnvironmentFile}   # and put secrets of your own in it
              docker compose up -d
            Published ports: {string.Join(", ", PublishedPorts(compose, deployment))}.
            Everything but the services' external endpoints listens on {HostOnly} only.
            """) + compose.ToYaml());
        yield return ($"{EnvironmentFile}.example", values.Example());
        foreach (var file in DaprFiles(deployment)) yield return file;
    }

    private static ComposeService Container(ContainerDeployment container, ComposeValues values)
    {
        var fixedPorts = container.Endpoints.Where(endpoint => endpoint.Port is not null).ToList();
        return new ComposeService
        {
            Image = container.ImageReference,
            Entrypoint = container.Entrypoint is null ? null : [container.Entrypoint],
            Command = container.Args.Count == 0 ? null : [.. container.Args.Select(values.Write)],
            Environment = Environment(container.Environment, values),
            // The model's fixed host ports; a container with none (Redis, Postgres) on its own ports, as on a laptop.
            Ports = [.. (fixedPorts.Count > 0 ? fixedPorts : container.Endpoints).Select(endpoint => new ComposePort
            {
                Target = endpoint.TargetPort!.Value,
                Published = endpoint.Port ?? endpoint.TargetPort!.Value,
                HostIp = HostOnly,
            })],
            Volumes = container.VolumeTargets.Count == 0 ? null
                : [.. VolumeNames(container).Zip(container.VolumeTargets, (volume, target) => $"{volume}:{target}")],
            DependsOn = DependsOn(container.WaitsFor),
            Healthcheck = container.KnownImage.ReadyCommand is { } ready ? Check(ready) : null,
            Restart = "unless-stopped",
        };
    }

    private static ComposeService Service(ServiceDeployment service, Deployment deployment, ComposeValues values)
    {
        var ports = new List<ComposePort>();
        if (service.Http.IsExternal)
        {
            ports.Add(new ComposePort { Target = service.ContainerPort, Published = service.Http.Port ?? service.ContainerPort });
        }
        if (service.Sidecar?.Resource.HttpPort is { } sidecarPort)
        {
            // The sidecar lives in this container's network namespace, so its port is published here.
            ports.Add(new ComposePort { Target = sidecarPort, Published = sidecarPort, HostIp = HostOnly });
        }
        return new ComposeService
        {
            Image = deployment.Images.Reference(service.Repository),
            Environment = Environment(service.Environment, values),
            Ports = ports.Count == 0 ? null : ports,
            DependsOn = DependsOn(service.WaitsFor),
            // ServiceDefaults' /health (migrated and connected); the .NET images have bash but no HTTP client.
            Healthcheck = Check(["bash", "-c",
                $"exec 3<>/dev/tcp/127.0.0.1/{service.ContainerPort} && printf 'GET /health HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3"]),
            Restart = "unless-stopped",
        };
    }

    private static ComposeService Sidecar(ServiceDeployment service, SidecarDeployment sidecar, ComposeValues values)
    {
        var dependsOn = DependsOn(sidecar.WaitsFor) ?? [];
        dependsOn[service.Name] = new ComposeDependency { Condition = ComposeDependency.Started };
        dependsOn[PlacementName] = new ComposeDependency { Condition = ComposeDependency.Started };
        return new ComposeService
        {
            Image = $"daprio/daprd:{DaprVersion}",
            Entrypoint = ["/daprd"],
            Command = [.. DaprBuilderExtensions.SidecarArguments(sidecar.AppId, service.ContainerPort,
                    $"{PlacementName}:{DaprBuilderExtensions.PlacementPort}", sidecar.Resource.HttpPort)
                .Select(argument => Convert.ToString(argument, CultureInfo.InvariantCulture)!)],
            WorkingDir = DaprMountPath,
            NetworkMode = $"service:{service.Name}",
            Volumes = [$"./{DaprFolder}:{DaprMountPath}:ro"],
            Environment = Environment(sidecar.Environment, values),
            DependsOn = dependsOn,
            Restart = "unless-stopped",
        };
    }

    private static Dictionary<string, string>? Environment(IReadOnlyList<Setting> settings, ComposeValues values) =>
        settings.Count == 0 ? null : settings.ToDictionary(setting => setting.Name, setting => values.Write(setting.Value));

    /// <summary>The model's waits: for a container's health check when it has one, else for it to start.</summary>
    private static Dictionary<string, ComposeDependency>? DependsOn(IReadOnlyList<ContainerResource> waitsFor) =>
        waitsFor.Count == 0 ? null : waitsFor.ToDictionary(container => container.Name, container => new ComposeDependency
        {
            Condition = InfrastructureImage.For(container.Annotations.OfType<ContainerImageAnnotation>().Last()).ReadyCommand is null
                ? ComposeDependency.Started
                : ComposeDependency.Healthy,
        });

    /// <summary>Every 5 s, for up to two and a half minutes: long enough for a first start that initializes its data.</summary>
    private static ComposeHealthcheck Check(IEnumerable<string> command) => new()
    {
        Test = ["CMD", .. command.Select(ComposeValues.Escape)],
        Interval = "5s",
        Timeout = "5s",
        Retries = 30,
        StartPeriod = "10s",
    };

    private static IEnumerable<string> VolumeNames(ContainerDeployment container) =>
        container.VolumeTargets.Select((_, index) => index == 0 ? $"{container.Name}-data" : $"{container.Name}-data-{index}");

    /// <summary>"19092 kafka", ...; a sidecar's port is published by its app's container but named after the sidecar.</summary>
    private static IEnumerable<string> PublishedPorts(ComposeFile compose, Deployment deployment) =>
        compose.Services.SelectMany(service => (service.Value.Ports ?? []).Select(port =>
            $"{port.Published} {deployment.Services.FirstOrDefault(s => s.Name == service.Key && s.Sidecar?.Resource.HttpPort == port.Target)?.Sidecar!.Name ?? service.Key}"));

    /// <summary>
    /// dapr/ for the sidecars: the repository's components and Resiliency as they are (their envRef variables are set
    /// on each sidecar, as the AppHost sets them) and its Configuration without tracing, as this host has no collector.
    /// </summary>
    private static IEnumerable<(string Path, string Text)> DaprFiles(Deployment deployment)
    {
        if (!deployment.Sidecars.Any()) yield break;

        var source = deployment.DaprResources;
        var copied = Directory.EnumerateFiles(Path.Combine(source, DaprResources.ComponentsFolder), "*.yaml")
            .Append(Path.Combine(source, DaprResources.ResiliencyFile))
            .Concat(Directory.EnumerateFiles(source, "*.json"))
            .Order(StringComparer.Ordinal);
        foreach (var file in copied)
        {
            var relative = Path.GetRelativePath(source, file).Replace('\\', '/');
            var text = File.ReadAllText(file);
            yield return ($"{DaprFolder}/{relative}", file.EndsWith(".json", StringComparison.Ordinal)
                ? text
                : Header.Comment($"The repository's dapr/{relative}, as the laptop's sidecars load it.") + text);
        }

        var configuration = DaprResources.Load(source).Configuration;
        configuration.Spec.Tracing = null;
        yield return ($"{DaprFolder}/{DaprResources.ConfigurationFile}",
            Header.Comment($"The repository's dapr/{DaprResources.ConfigurationFile} without tracing: this host has no collector.")
            + k8s.KubernetesYaml.Serialize(configuration).TrimEnd('\n') + "\n");
    }

    /// <summary>
    /// Values written for compose: a service reaches another under its name, on the port it listens on; a parameter is
    /// a variable of .env, required; a literal <c>$</c> is doubled, so compose does not read it as a variable.
    /// </summary>
    private sealed class ComposeValues(Deployment deployment) : ValueWriter(deployment)
    {
        private readonly List<ParameterResource> _parameters = [];

        public static string Escape(string text) => text.Replace("$", "$$", StringComparison.Ordinal);

        protected override string Literal(string text) => Escape(text);

        protected override string Parameter(ParameterResource parameter)
        {
            if (!_parameters.Contains(parameter)) _parameters.Add(parameter);
            return $"${{{Variable(parameter)}:?set {Variable(parameter)} in {EnvironmentFile}}}";
        }

        private static string Variable(ParameterResource parameter) => parameter.Name.ToUpperInvariant().Replace('-', '_');

        /// <summary>.env.example: the project's name for compose, then every parameter the file reads, with a placeholder.</summary>
        public string Example()
        {
            var text = new StringBuilder(Header.Comment(
                $"""
                Copy to {EnvironmentFile} next to docker-compose.yaml and put secrets of your own in it; compose reads it
                and refuses to start while one is missing. {EnvironmentFile} stays on this host (never commit it).
                """));
            text.Append("# The name compose gives the containers, volumes and network.\nCOMPOSE_PROJECT_NAME=taskflow\n");
            foreach (var parameter in _parameters)
            {
                var length = parameter.Default is GenerateParameterDefault generate ? $", random, at least {generate.MinLength} characters" : "";
                text.Append(CultureInfo.InvariantCulture, $"# The app model's parameter {parameter.Name}{length}.\n");
                text.Append(CultureInfo.InvariantCulture, $"{Variable(parameter)}=change-me-{parameter.Name}\n");
            }
            return text.ToString();
        }
    }
}
