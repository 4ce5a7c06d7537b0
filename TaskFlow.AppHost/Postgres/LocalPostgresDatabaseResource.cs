namespace TaskFlow.AppHost;

/// <summary>
/// A database on the local postgres. It turns Running only after the AppHost has created it (CREATE DATABASE when
/// missing), and Healthy once a connection to it opens, so WaitFor(database) means the database exists.
/// </summary>
public sealed class LocalPostgresDatabaseResource(string name, string databaseName, LocalPostgresServerResource parent)
    : Resource(name), IResourceWithParent<LocalPostgresServerResource>, IResourceWithConnectionString
{
    public string DatabaseName { get; } = databaseName;

    public LocalPostgresServerResource Parent { get; } = parent;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={DatabaseName}");
}
