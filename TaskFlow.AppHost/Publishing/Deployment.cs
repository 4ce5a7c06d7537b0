using System.Xml.Linq;
using Microsoft.Extensions.Configuration;

namespace TaskFlow.AppHost.Publishing;

/// <summary>
/// What the app model says to deploy, read in publish mode (which always describes the containers profile): each
/// service with its image, port, settings, waits and Dapr sidecar, and each container it runs on. The Kubernetes and
/// Compose writers take every name, image, port, variable and value from here.
/// </summary>
internal sealed class Deployment
{
    public required IReadOnlyList<ServiceDeployment> Services { get; init; }

    public required IReadOnlyList<ContainerDeployment> Containers { get; init; }

    public required ImageSettings Images { get; init; }

    /// <summary>The laptop's Dapr resources (dapr/), which the published ones are made from.</summary>
    public required string DaprResources { get; init; }

    public IEnumerable<SidecarDeployment> Sidecars => Services.Select(service => service.Sidecar).OfType<SidecarDeployment>();

    /// <summary>The containers the services wait for: what a cluster without them needs next to the services.</summary>
    public IEnumerable<ContainerDeployment> Infrastructure =>
        Containers.Where(container => Services.Any(service => service.WaitsFor.Contains(container.Resource)));

    public static async Task<Deployment> ReadAsync(DistributedApplicationModel model, DistributedApplicationExecutionContext execution,
        ImageSettings images, string daprResources, CancellationToken cancellationToken)
    {
        var sidecars = model.Resources.OfType<DaprSidecarDescription>().ToDictionary(sidecar => sidecar.Parent);
        var services = new List<ServiceDeployment>();
        foreach (var project in model.GetProjectResources())
        {
            var image = ProjectImage.Read(project);
            SidecarDeployment? sidecar = sidecars.TryGetValue(project, out var description)
                ? new(description, await EnvironmentOf(description, execution, cancellationToken), WaitsOf(description))
                : null;
            services.Add(new ServiceDeployment(project, image.Repository, image.Port, project.GetEndpoint("http").EndpointAnnotation,
                await EnvironmentOf(project, execution, cancellationToken), WaitsOf(project), sidecar));
        }

        var containers = new List<ContainerDeployment>();
        foreach (var container in model.Resources.OfType<ContainerResource>())
        {
            var args = new List<object>();
            foreach (var callback in container.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
            {
                await callback.Callback(new CommandLineArgsCallbackContext(args, container, cancellationToken) { ExecutionContext = execution });
            }
            containers.Add(new ContainerDeployment(container,
                container.Annotations.OfType<ContainerImageAnnotation>().Last(),
                args,
                await EnvironmentOf(container, execution, cancellationToken),
                [.. container.Annotations.OfType<EndpointAnnotation>()],
                [.. container.Annotations.OfType<ContainerMountAnnotation>().Where(mount => mount.Type == ContainerMountType.Volume).Select(mount => mount.Target)],
                WaitsOf(container)));
        }

        return new Deployment { Services = services, Containers = containers, Images = images, DaprResources = daprResources };
    }

    /// <summary>The port a project listens on, deployed: its image's (an endpoint of a project names none when published).</summary>
    public int PortOf(EndpointReference endpoint) =>
        Services.FirstOrDefault(service => service.Resource == endpoint.Resource)?.ContainerPort
        ?? endpoint.EndpointAnnotation.TargetPort
        ?? throw new InvalidOperationException($"{endpoint.Resource.Name}'s endpoint '{endpoint.EndpointName}' has no target port.");

    private static async Task<IReadOnlyList<Setting>> EnvironmentOf(IResource resource, DistributedApplicationExecutionContext execution, CancellationToken cancellationToken)
    {
        var variables = new Dictionary<string, object>();
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(new EnvironmentCallbackContext(execution, resource, variables, cancellationToken));
        }
        return [.. variables.Select(variable => new Setting(variable.Key, variable.Value))];
    }

    /// <summary>The containers <paramref name="resource"/> waits for: a database stands for the server it is on.</summary>
    private static IReadOnlyList<ContainerResource> WaitsOf(IResource resource) =>
        [.. resource.Annotations.OfType<WaitAnnotation>().Select(wait => ContainerBehind(wait.Resource)).OfType<ContainerResource>().Distinct()];

    private static ContainerResource? ContainerBehind(IResource resource) => resource switch
    {
        ContainerResource container => container,
        IResourceWithParent child => ContainerBehind(child.Parent),
        _ => null,
    };
}

/// <summary>One environment variable as the model gives it: a string, or a value of the model (see <see cref="ValueWriter"/>).</summary>
internal sealed record Setting(string Name, object Value);

internal sealed record ServiceDeployment(ProjectResource Resource, string Repository, int ContainerPort, EndpointAnnotation Http,
    IReadOnlyList<Setting> Environment, IReadOnlyList<ContainerResource> WaitsFor, SidecarDeployment? Sidecar)
{
    public string Name => Resource.Name;
}

internal sealed record SidecarDeployment(DaprSidecarDescription Resource, IReadOnlyList<Setting> Environment, IReadOnlyList<ContainerResource> WaitsFor)
{
    public string Name => Resource.Name;

    /// <summary>The app id is the service's name, as the dapr.v0 entry of the manifest says.</summary>
    public string AppId => Resource.Parent.Name;
}

internal sealed record ContainerDeployment(ContainerResource Resource, ContainerImageAnnotation Image, IReadOnlyList<object> Args,
    IReadOnlyList<Setting> Environment, IReadOnlyList<EndpointAnnotation> Endpoints, IReadOnlyList<string> VolumeTargets,
    IReadOnlyList<ContainerResource> WaitsFor)
{
    public string Name => Resource.Name;

    public string ImageReference => $"{Image.Registry}/{Image.Image}:{Image.Tag}";

    public string? Entrypoint => Resource.Entrypoint;

    public InfrastructureImage KnownImage => InfrastructureImage.For(Image);
}

/// <summary>
/// The image name and port the .NET SDK's container publish gives a project (`dotnet publish -t:PublishContainer`), from
/// its project file: ContainerRepository and ContainerPort.
/// </summary>
internal sealed record ProjectImage(string Repository, int Port)
{
    public static ProjectImage Read(ProjectResource project)
    {
        var path = project.GetProjectMetadata().ProjectPath;
        var file = XDocument.Load(path);
        var repository = file.Descendants("ContainerRepository").Select(element => element.Value.Trim()).LastOrDefault();
        var port = file.Descendants("ContainerPort").Select(element => (string?)element.Attribute("Include")).LastOrDefault();
        return repository is null || !int.TryParse(port, out var number)
            ? throw new InvalidOperationException(
                $"{Path.GetFileName(path)} must name its container image and port (ContainerRepository and a ContainerPort item) for `aspire publish` to deploy {project.Name}.")
            : new ProjectImage(repository, number);
    }
}

/// <summary>
/// Where the services' images come from, as publish settings (AppHost configuration, e.g.
/// <c>aspire publish -o DIR -- --Deployment:ImageRegistry=registry.example.com --Deployment:ImageTag=1.4.0</c>): the
/// registry the images were pushed to (none: the Docker host's own images) and their tag (default latest).
/// </summary>
public sealed record ImageSettings(string? Registry, string Tag)
{
    public const string RegistrySetting = "Deployment:ImageRegistry";
    public const string TagSetting = "Deployment:ImageTag";

    public static ImageSettings From(IConfiguration configuration) => new(
        string.IsNullOrWhiteSpace(configuration[RegistrySetting]) ? null : configuration[RegistrySetting]!.Trim().TrimEnd('/'),
        string.IsNullOrWhiteSpace(configuration[TagSetting]) ? "latest" : configuration[TagSetting]!.Trim());

    /// <summary>The repository's name in the registry, without the tag.</summary>
    public string Name(string repository) => Registry is null ? repository : $"{Registry}/{repository}";

    public string Reference(string repository) => $"{Name(repository)}:{Tag}";
}
