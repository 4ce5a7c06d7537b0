namespace TaskFlow.AppHost.Publishing;

/// <summary>
/// The laptop's Dapr resources (the repository's dapr/ folder, which the AppHost's sidecars load): the one place the
/// components' settings, the Configuration and the Resiliency are written by hand. The deployments are made from a
/// fresh copy of them.
/// </summary>
internal sealed class DaprResources
{
    public const string ComponentsFolder = "components";
    public const string ConfigurationFile = "config.yaml";
    public const string ResiliencyFile = "resiliency.yaml";

    private readonly List<DaprComponent> _components;

    private DaprResources(List<DaprComponent> components, DaprConfiguration configuration, DaprResiliency resiliency)
    {
        _components = components;
        Configuration = configuration;
        Resiliency = resiliency;
    }

    public DaprConfiguration Configuration { get; }

    public DaprResiliency Resiliency { get; }

    public static DaprResources Load(string directory) => new(
        [.. Directory.EnumerateFiles(Path.Combine(directory, ComponentsFolder), "*.yaml").Order(StringComparer.Ordinal)
            .SelectMany(DaprKinds.LoadFile).OfType<DaprComponent>()],
        DaprKinds.LoadFile(Path.Combine(directory, ConfigurationFile)).OfType<DaprConfiguration>().Single(),
        DaprKinds.LoadFile(Path.Combine(directory, ResiliencyFile)).OfType<DaprResiliency>().Single());

    public DaprComponent Component(string name) =>
        _components.SingleOrDefault(component => component.Metadata.Name == name)
        ?? throw new InvalidOperationException($"The sidecars load the Dapr component {name}, which dapr/{ComponentsFolder}/ does not define.");
}
