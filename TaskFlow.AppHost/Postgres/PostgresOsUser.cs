using System.Runtime.InteropServices;

namespace TaskFlow.AppHost;

/// <summary>
/// The <c>postgres</c> OS user. Postgres refuses to run as root, so an AppHost running as root runs initdb and
/// postgres as this user (via setpriv) and hands it the data directory.
/// </summary>
public sealed record PostgresOsUser(uint UserId, uint GroupId, string HomeDirectory)
{
    public const string Name = "postgres";

    public static bool CurrentUserIsRoot => !OperatingSystem.IsWindows() && Environment.IsPrivilegedProcess;

    /// <summary>Reads the user from /etc/passwd, where the postgresql package creates it.</summary>
    public static PostgresOsUser? Find()
    {
        const string passwd = "/etc/passwd";
        if (!File.Exists(passwd))
        {
            return null;
        }

        return File.ReadLines(passwd)
            .Select(line => line.Split(':'))
            .Where(fields => fields.Length >= 6 && fields[0] == Name)
            .Select(fields => new PostgresOsUser(uint.Parse(fields[2]), uint.Parse(fields[3]), fields[5]))
            .FirstOrDefault();
    }

    public void TakeOwnership(string path)
    {
        if (chown(path, UserId, GroupId) != 0)
        {
            throw new IOException($"chown {Name} {path} failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Whether this user can walk down to <paramref name="path"/>: every existing ancestor lets others traverse it.</summary>
    public static bool CanTraverseAncestorsOf(string path)
    {
        for (var directory = Path.GetDirectoryName(path); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (Directory.Exists(directory) && !OperatingSystem.IsWindows()
                && (File.GetUnixFileMode(directory) & UnixFileMode.OtherExecute) == 0)
            {
                return false;
            }
        }

        return true;
    }

    [DllImport("libc", SetLastError = true)]
#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code enabled for one call.
    private static extern int chown(string path, uint owner, uint group);
#pragma warning restore SYSLIB1054
}
