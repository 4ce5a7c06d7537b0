using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace TaskFlow.AppHost;

/// <summary>Finds the programs the local profile runs, and stops the AppHost with one sentence when one is missing.</summary>
public static class Prerequisites
{
    /// <summary>The full path of <paramref name="program"/> on PATH, or stops the AppHost naming it and its install command.</summary>
    public static string RequireOnPath(string program, string installCommand) =>
        FindOnPath(program) ?? Stop<string>($"{program} was not found on PATH; install it with: {installCommand}");

    public static string? FindOnPath(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(IsExecutableFile);
    }

    public static bool IsExecutableFile(string path) =>
        File.Exists(path)
        && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);

    /// <summary>
    /// Stops the AppHost with <paramref name="sentence"/>. Under <c>dotnet run</c> that is the only thing printed;
    /// when a test host runs the AppHost in-process (Aspire.Hosting.Testing) it is the message of the exception
    /// the test sees, since exiting would take the test run down with it.
    /// </summary>
    [DoesNotReturn]
    public static T Stop<T>(string sentence)
    {
        if (Assembly.GetEntryAssembly() == typeof(Prerequisites).Assembly)
        {
            Console.Error.WriteLine(sentence);
            Environment.Exit(1);
        }

        throw new InvalidOperationException(sentence);
    }
}
