namespace TaskFlow.UnitTests;

/// <summary>The clone the tests run from: files the tests read or keep current (schemas, deploy/, screenshots).</summary>
public static class Repository
{
    public static readonly string Root = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TaskFlow.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("TaskFlow.sln not found above " + AppContext.BaseDirectory);
    }
}
