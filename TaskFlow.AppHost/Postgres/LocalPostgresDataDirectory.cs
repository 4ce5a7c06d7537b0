using System.Security.Cryptography;
using System.Text;

namespace TaskFlow.AppHost;

/// <summary>
/// Where the local postgres keeps its cluster (<c>data/</c>) and the generated superuser password (<c>password</c>),
/// side by side so the password lives exactly as long as the data it protects.
/// Normally {LocalData:Path}/postgres. As root the postgres OS user must be able to reach it: the AppHost lets others
/// traverse (not list) the LocalData folder, and when a folder above it is closed (like /root, mode 700) it uses
/// the postgres user's home instead (/var/lib/postgresql/taskflow).
/// </summary>
public sealed class LocalPostgresDataDirectory
{
    private readonly string _localDataPath;
    private readonly PostgresOsUser? _owner;
    private readonly Lazy<string> _password;

    public LocalPostgresDataDirectory(Infrastructure infrastructure, PostgresOsUser? owner)
    {
        _localDataPath = infrastructure.LocalDataPath;
        _owner = owner;
        _password = new(ReadOrCreatePassword);

        var underLocalData = Path.Combine(_localDataPath, "postgres");
        Home = owner is null || PostgresOsUser.CanTraverseAncestorsOf(_localDataPath)
            ? underLocalData
            : Path.Combine(owner.HomeDirectory, infrastructure.LocalDataPathIsDefault ? "taskflow" : $"taskflow-{ShortHash(_localDataPath)}");
    }

    public string Home { get; }

    public string DataDirectory => Path.Combine(Home, "data");

    public string PasswordFile => Path.Combine(Home, "password");

    public bool IsInitialized => File.Exists(Path.Combine(DataDirectory, "PG_VERSION"));

    /// <summary>The superuser password; generated (and the home created) on first use.</summary>
    public string Password => _password.Value;

    private string ReadOrCreatePassword()
    {
        CreateHome();
        if (!File.Exists(PasswordFile))
        {
            // Letters and digits only: nothing to escape in a connection string or a pwfile.
            var password = RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 32);
            File.WriteAllText(PasswordFile, password);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            _owner?.TakeOwnership(PasswordFile);
        }

        return File.ReadAllText(PasswordFile).Trim();
    }

    private void CreateHome()
    {
        if (_owner is not null && Home.StartsWith(_localDataPath, StringComparison.Ordinal) && !OperatingSystem.IsWindows())
        {
            var localData = Directory.CreateDirectory(_localDataPath);
            localData.UnixFileMode |= UnixFileMode.OtherExecute;
        }

        if (Directory.Exists(Home))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(Home);
        }
        else
        {
            Directory.CreateDirectory(Home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        _owner?.TakeOwnership(Home);
    }

    private static string ShortHash(string path) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(path)))[..12];
}
