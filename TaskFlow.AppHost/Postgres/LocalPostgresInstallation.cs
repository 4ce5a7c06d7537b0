namespace TaskFlow.AppHost;

/// <summary>
/// The PostgreSQL server programs of this machine: the newest /usr/lib/postgresql/*/bin (Debian, Ubuntu),
/// else initdb and postgres on PATH. As root they run as the postgres OS user through setpriv.
/// </summary>
public sealed record LocalPostgresInstallation(string InitDb, string Postgres, PostgresOsUser? RunAs, string? Setpriv)
{
    private const string InstallCommand = "sudo apt-get install -y postgresql";

    public static LocalPostgresInstallation Find()
    {
        var (initDb, postgres) = FindPrograms()
            ?? Prerequisites.Stop<(string, string)>($"postgres (the PostgreSQL server) was not found in /usr/lib/postgresql/*/bin or on PATH; install it with: {InstallCommand}");

        if (!PostgresOsUser.CurrentUserIsRoot)
        {
            return new(initDb, postgres, RunAs: null, Setpriv: null);
        }

        var runAs = PostgresOsUser.Find()
            ?? Prerequisites.Stop<PostgresOsUser>($"the {PostgresOsUser.Name} OS user, which postgres runs as when the AppHost runs as root, does not exist; create it with: {InstallCommand}");
        var setpriv = Prerequisites.RequireOnPath("setpriv", "sudo apt-get install -y util-linux");
        return new(initDb, postgres, runAs, setpriv);
    }

    /// <summary>The command line that runs <paramref name="program"/> as the right OS user.</summary>
    public (string Command, IReadOnlyList<string> Args) CommandLine(string program, params IEnumerable<string> args) =>
        Setpriv is null
            ? (program, [.. args])
            : (Setpriv, [$"--reuid={PostgresOsUser.Name}", $"--regid={PostgresOsUser.Name}", "--init-groups", program, .. args]);

    private static (string InitDb, string Postgres)? FindPrograms()
    {
        const string debianRoot = "/usr/lib/postgresql";
        var newest = Directory.Exists(debianRoot)
            ? Directory.GetDirectories(debianRoot)
                .Select(directory => (Version: decimal.TryParse(Path.GetFileName(directory), System.Globalization.CultureInfo.InvariantCulture, out var version) ? version : -1, Bin: Path.Combine(directory, "bin")))
                .Where(v => v.Version >= 0 && Prerequisites.IsExecutableFile(Path.Combine(v.Bin, "postgres")) && Prerequisites.IsExecutableFile(Path.Combine(v.Bin, "initdb")))
                .OrderByDescending(v => v.Version)
                .Select(v => v.Bin)
                .FirstOrDefault()
            : null;

        if (newest is not null)
        {
            return (Path.Combine(newest, "initdb"), Path.Combine(newest, "postgres"));
        }

        return (Prerequisites.FindOnPath("initdb"), Prerequisites.FindOnPath("postgres")) is ({ } initDb, { } postgres)
            ? (initDb, postgres)
            : null;
    }
}
