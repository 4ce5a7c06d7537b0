namespace TaskFlow.AppHost;

public static class ProjectEndpointExtensions
{
    /// <summary>
    /// Ensures the project has an endpoint named "http" (from its launch profile, or added here) and sets its
    /// port when one is given. Launch profiles come and go as the projects evolve; the AppHost should not care.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithHttpEndpointNamedHttp(this IResourceBuilder<ProjectResource> project, int? port = null)
    {
        var existing = project.Resource.Annotations.OfType<EndpointAnnotation>().Any(e => e.Name == "http");
        return existing
            ? project.WithEndpoint("http", endpoint => endpoint.Port = port ?? endpoint.Port)
            : project.WithHttpEndpoint(port: port, name: "http");
    }
}
