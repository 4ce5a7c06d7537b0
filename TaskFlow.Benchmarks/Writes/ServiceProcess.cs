using System.Globalization;

namespace TaskFlow.Benchmarks.Writes;

/// <summary>A service's own process as Linux shows it under /proc.</summary>
public static class ServiceProcess
{
    /// <summary>
    /// VmRSS in bytes of the service that the resource's process runs; null while there is none (or off Linux).
    /// Outside an IDE, Aspire starts a project as <c>dotnet run --no-build ...</c>: the resource's process id is then
    /// that of the dotnet CLI, and the service is its child.
    /// </summary>
    public static long? ResidentBytes(int resourcePid)
    {
        try
        {
            var pid = IsDotnetRun(resourcePid) ? OnlyChild(resourcePid) : resourcePid;
            if (pid is null) return null;
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// CPU time used so far by the service the resource runs (as <see cref="ResidentBytes"/> finds it), its live
    /// descendants and the descendants it has reaped (a Postgres backend that ended); null while there is none.
    /// </summary>
    public static TimeSpan? CpuTime(int resourcePid)
    {
        try
        {
            var pid = IsDotnetRun(resourcePid) ? OnlyChild(resourcePid) : resourcePid;
            if (pid is null) return null;
            var ticks = 0L;
            var pending = new Stack<int>([pid.Value]);
            while (pending.TryPop(out var next))
            {
                ticks += CpuTicks(File.ReadAllText($"/proc/{next}/stat"), withReapedChildren: true);
                foreach (var child in Children(next)) pending.Push(child);
            }
            return FromTicks(ticks);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// The CPU ticks in a /proc stat line (of a process or a thread): utime and stime, plus cutime and cstime (what its
    /// reaped children used) when asked; they are the 12th-15th fields after the command's closing parenthesis.
    /// </summary>
    public static long CpuTicks(string stat, bool withReapedChildren)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields[11..(withReapedChildren ? 15 : 13)].Sum(f => long.Parse(f, CultureInfo.InvariantCulture));
    }

    /// <summary>Ticks as time: USER_HZ is 100 on Linux.</summary>
    public static TimeSpan FromTicks(long ticks) => TimeSpan.FromMilliseconds(ticks * 10);

    private static IEnumerable<int> Children(int pid) =>
        Directory.GetDirectories($"/proc/{pid}/task")
            .SelectMany(thread => File.ReadAllText(Path.Combine(thread, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(child => int.Parse(child, CultureInfo.InvariantCulture))
            .Distinct();

    private static bool IsDotnetRun(int pid) =>
        File.ReadAllText($"/proc/{pid}/cmdline").Split('\0') is [var program, "run", ..] && Path.GetFileName(program) == "dotnet";

    /// <summary>Children are listed per thread of the parent; null unless there is exactly one.</summary>
    private static int? OnlyChild(int pid)
    {
        var children = Children(pid).ToList();
        return children.Count == 1 ? children[0] : null;
    }
}
