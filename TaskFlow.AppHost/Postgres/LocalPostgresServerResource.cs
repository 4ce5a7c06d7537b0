namespace TaskFlow.AppHost;

/// <summary>
/// <c>postgres</c> from this machine, listening on loopback only, authenticating with scram-sha-256 and a generated
/// superuser password (kept next to the data, see <see cref="LocalPostgresDataDirectory"/>).
/// Connection string: Npgsql "Host=..;Port=..;Username=postgres;Password=..".
/// </summary>
public sealed class LocalPostgresServerResource(string name, string command, LocalPostgresDataDirectory dataDirectory, ParameterResource password)
    : ExecutableResource(name, command, dataDirectory.Home), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";
    public const string UserName = "postgres";

    private EndpointReference? _endpoint;

    public EndpointReference Endpoint => _endpoint ??= new(this, EndpointName);

    public LocalPostgresDataDirectory DataDirectory { get; } = dataDirectory;

    public ParameterResource PasswordParameter { get; } = password;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={Endpoint.Property(EndpointProperty.Host)};Port={Endpoint.Property(EndpointProperty.Port)};Username={UserName};Password={PasswordParameter}");
}
