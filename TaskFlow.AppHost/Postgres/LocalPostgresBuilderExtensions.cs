using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace TaskFlow.AppHost;

public static class LocalPostgresBuilderExtensions
{
    private static readonly TimeSpan InitDbTimeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Adds postgres from this machine (newest /usr/lib/postgresql/*/bin, else PATH). The first start runs initdb on
    /// an empty data directory; data lives under LocalData:Path and survives restarts. As root, initdb and postgres run
    /// as the postgres OS user. Stops the AppHost with one sentence when a program it needs is missing.
    /// </summary>
    public static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(this IDistributedApplicationBuilder builder, string name, Infrastructure infrastructure)
    {
        var installation = LocalPostgresInstallation.Find();
        var dataDirectory = new LocalPostgresDataDirectory(infrastructure, installation.RunAs);
        var password = builder.AddParameter($"{name}-password", () => dataDirectory.Password, publishValueAsDefault: false, secret: true);

        var (postgres, postgresArgs) = installation.CommandLine(installation.Postgres);
        var (command, leadingArgs) = PostgresLauncher.Wrap(postgres, postgresArgs);
        var server = new LocalPostgresServerResource(name, command, dataDirectory, password.Resource);

        infrastructure.Note($"{name}: {installation.Postgres}{(installation.RunAs is null ? "" : $" as OS user {PostgresOsUser.Name}")}, data in {dataDirectory.DataDirectory}");

        // Not behind the orchestrator's proxy, which relayed every query of every service (in the tests it spent more CPU
        // than postgres itself); the port it picks stays the same when the resource restarts.
        return builder.AddResource(server)
            .WithEndpoint(name: LocalPostgresServerResource.EndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(context =>
            {
                foreach (var arg in leadingArgs)
                {
                    context.Args.Add(arg);
                }

                context.Args.Add("-D");
                context.Args.Add(dataDirectory.DataDirectory);
                context.Args.Add("-p");
                context.Args.Add(server.Endpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("-c");
                context.Args.Add("listen_addresses=localhost");
                // Every service instance keeps its own connection pool (up to 100 each); the default of 100 in all runs
                // out once a few replicas are busy, and a restarted service then cannot even open one to start.
                context.Args.Add("-c");
                context.Args.Add("max_connections=500");
                // TCP only: no socket file in /var/run/postgresql to collide with a system cluster.
                context.Args.Add("-c");
                context.Args.Add("unix_socket_directories=");
            })
            .OnBeforeResourceStarted((resource, e, cancellationToken) => InitializeClusterIfEmptyAsync(resource, installation, e.Services, cancellationToken))
            .WithHealthCheck($"{name}_postgres_select", new PostgresHealthCheck(server));
    }

    /// <summary>
    /// Adds a database that the AppHost creates (if missing) as soon as the server is healthy.
    /// Connection string: the server's plus ";Database=<paramref name="databaseName"/>".
    /// </summary>
    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(this IResourceBuilder<LocalPostgresServerResource> server, string name, string? databaseName = null)
    {
        var database = new LocalPostgresDatabaseResource(name, databaseName ?? name, server.Resource);

        return server.ApplicationBuilder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.NotStarted,
                Properties = [new("postgres.database", database.DatabaseName) { DisplayName = "Database" }],
            })
            .WithHealthCheck($"{name}_postgres_select", new PostgresHealthCheck(database))
            .OnInitializeResource(CreateWhenServerIsHealthyAsync)
            .WithManifestPublishingCallback(context =>
            {
                context.Writer.WriteString("type", "value.v0");
                context.WriteConnectionString(database);
            });
    }

    private static async Task InitializeClusterIfEmptyAsync(LocalPostgresServerResource server, LocalPostgresInstallation installation, IServiceProvider services, CancellationToken cancellationToken)
    {
        var dataDirectory = server.DataDirectory;
        _ = dataDirectory.Password; // creates the home folder and the password initdb reads
        if (dataDirectory.IsInitialized)
        {
            return;
        }

        var logger = services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
        logger.LogInformation("Creating a PostgreSQL cluster in {DataDirectory} (initdb, first start)", dataDirectory.DataDirectory);

        var (command, args) = installation.CommandLine(
            installation.InitDb,
            "-D", dataDirectory.DataDirectory,
            "-U", LocalPostgresServerResource.UserName,
            "--auth=scram-sha-256",
            $"--pwfile={dataDirectory.PasswordFile}",
            "--encoding=UTF8",
            "--locale=C");

        var start = new ProcessStartInfo(command, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataDirectory.Home,
        };

        using var initDb = new Process { StartInfo = start };
        initDb.OutputDataReceived += (_, line) => { if (line.Data is not null) { logger.LogInformation("{InitDb}", line.Data); } };
        initDb.ErrorDataReceived += (_, line) => { if (line.Data is not null) { logger.LogWarning("{InitDb}", line.Data); } };
        initDb.Start();
        initDb.BeginOutputReadLine();
        initDb.BeginErrorReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(InitDbTimeout);
        try
        {
            await initDb.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            initDb.Kill(entireProcessTree: true);
            throw;
        }

        if (initDb.ExitCode != 0)
        {
            throw new InvalidOperationException($"initdb exited with {initDb.ExitCode} for {dataDirectory.DataDirectory}; its output is in the {server.Name} log.");
        }
    }

    private static async Task CreateWhenServerIsHealthyAsync(LocalPostgresDatabaseResource database, InitializeResourceEvent e, CancellationToken cancellationToken)
    {
        await e.Notifications.PublishUpdateAsync(database, s => s with { State = KnownResourceStates.Waiting }).ConfigureAwait(false);
        try
        {
            await e.Notifications.WaitForResourceHealthyAsync(database.Parent.Name, WaitBehavior.StopOnResourceUnavailable, cancellationToken).ConfigureAwait(false);
            await CreateDatabaseIfMissingAsync(database, e.Logger, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            e.Logger.LogError(ex, "Database {Database} was not created", database.DatabaseName);
            await e.Notifications.PublishUpdateAsync(database, s => s with { State = KnownResourceStates.FailedToStart }).ConfigureAwait(false);
            return;
        }

        await e.Notifications.PublishUpdateAsync(database, s => s with { State = KnownResourceStates.Running, StartTimeStamp = DateTime.UtcNow }).ConfigureAwait(false);
    }

    private static async Task CreateDatabaseIfMissingAsync(LocalPostgresDatabaseResource database, ILogger logger, CancellationToken cancellationToken)
    {
        var serverConnectionString = await ((IResourceWithConnectionString)database.Parent).GetConnectionStringAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = database.DatabaseName } } };
        if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
        {
            logger.LogInformation("Database {Database} exists", database.DatabaseName);
            return;
        }

        var quotedName = "\"" + database.DatabaseName.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        await using var create = new NpgsqlCommand($"CREATE DATABASE {quotedName}", connection);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Created database {Database}", database.DatabaseName);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            logger.LogInformation("Database {Database} exists", database.DatabaseName);
        }
    }
}
