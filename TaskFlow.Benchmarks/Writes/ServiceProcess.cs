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

    private static bool IsDotnetRun(int pid) =>
        File.ReadAllText($"/proc/{pid}/cmdline").Split('\0') is [var program, "run", ..] && Path.GetFileName(program) == "dotnet";

    /// <summary>Children are listed per thread of the parent; null unless there is exactly one.</summary>
    private static int? OnlyChild(int pid)
    {
        var children = Directory.GetDirectories($"/proc/{pid}/task")
            .SelectMany(thread => File.ReadAllText(Path.Combine(thread, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(child => int.Parse(child, CultureInfo.InvariantCulture))
            .ToList();
        return children.Count == 1 ? children[0] : null;
    }
}
