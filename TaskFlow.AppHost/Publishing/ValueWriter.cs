using System.Globalization;

namespace TaskFlow.AppHost.Publishing;

/// <summary>
/// Writes a value of the app model (a string, a parameter, an endpoint's URL, host or port, a connection string, or an
/// expression of those) the way one deployment spells it. Every deployment reaches a resource under its name (a
/// Kubernetes Service, a Compose service) on the port it listens on; how literals and parameters are written is the
/// deployment's own.
/// </summary>
internal abstract class ValueWriter(Deployment deployment)
{
    public string Write(object? value) => value switch
    {
        null => "",
        string text => Literal(text),
        ParameterResource parameter => Parameter(parameter),
        ConnectionStringReference reference => Write(reference.Resource.ConnectionStringExpression),
        IResourceWithConnectionString resource => Write(resource.ConnectionStringExpression),
        ReferenceExpression { IsConditional: true } expression =>
            Write(string.Equals(Write(expression.Condition), expression.MatchValue, StringComparison.OrdinalIgnoreCase) ? expression.WhenTrue : expression.WhenFalse),
        ReferenceExpression expression when expression.StringFormats.All(format => format is null) =>
            string.Format(CultureInfo.InvariantCulture, Literal(expression.Format), [.. expression.ValueProviders.Select(Write)]),
        EndpointReference endpoint => Endpoint(endpoint, EndpointProperty.Url),
        EndpointReferenceExpression expression => Endpoint(expression.Endpoint, expression.Property),
        _ => throw new NotSupportedException(
            $"`aspire publish` cannot write {(value as IManifestExpressionProvider)?.ValueExpression ?? value.GetType().Name} for a deployment."),
    };

    protected abstract string Literal(string text);

    protected abstract string Parameter(ParameterResource parameter);

    private string Endpoint(EndpointReference endpoint, EndpointProperty property)
    {
        var annotation = endpoint.EndpointAnnotation;
        var host = endpoint.Resource.Name;
        var port = deployment.PortOf(endpoint).ToString(CultureInfo.InvariantCulture);
        return property switch
        {
            EndpointProperty.Url => $"{annotation.UriScheme}://{host}:{port}",
            EndpointProperty.Host or EndpointProperty.IPV4Host => host,
            EndpointProperty.Port or EndpointProperty.TargetPort => port,
            EndpointProperty.HostAndPort => $"{host}:{port}",
            EndpointProperty.Scheme => annotation.UriScheme,
            EndpointProperty.TlsEnabled => annotation.TlsEnabled.ToString(),
            _ => throw new NotSupportedException($"`aspire publish` cannot write the {property} of {endpoint.Resource.Name}'s endpoint '{endpoint.EndpointName}'."),
        };
    }

    /// <summary>The parameters <paramref name="value"/> is made of, however deep.</summary>
    public static IEnumerable<ParameterResource> ParametersIn(object? value) => value switch
    {
        ParameterResource parameter => [parameter],
        ConnectionStringReference reference => ParametersIn(reference.Resource.ConnectionStringExpression),
        IResourceWithConnectionString resource => ParametersIn(resource.ConnectionStringExpression),
        ReferenceExpression { IsConditional: true } expression => [.. ParametersIn(expression.WhenTrue), .. ParametersIn(expression.WhenFalse)],
        ReferenceExpression expression => expression.ValueProviders.SelectMany(ParametersIn),
        _ => [],
    };

    /// <summary>The resources other than the services whose endpoints <paramref name="value"/> names, however deep.</summary>
    public static IEnumerable<IResource> InfrastructureIn(object? value) => value switch
    {
        ConnectionStringReference reference => InfrastructureIn(reference.Resource.ConnectionStringExpression),
        IResourceWithConnectionString resource => InfrastructureIn(resource.ConnectionStringExpression),
        ReferenceExpression { IsConditional: true } expression => [.. InfrastructureIn(expression.WhenTrue), .. InfrastructureIn(expression.WhenFalse)],
        ReferenceExpression expression => expression.ValueProviders.SelectMany(InfrastructureIn),
        EndpointReference { Resource: not ProjectResource } endpoint => [endpoint.Resource],
        EndpointReferenceExpression { Endpoint.Resource: not ProjectResource } expression => [expression.Endpoint.Resource],
        _ => [],
    };
}
