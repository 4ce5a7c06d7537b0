using System.Diagnostics;
using TaskFlow.AppHost;

namespace TaskFlow.Tests;

/// <summary>
/// machine-packages.sh, which the test command runs before any test, on a machine that lacks Chromium (the target then
/// stops with one sentence naming what "missing" still prints). apt-get, id and sudo are stand-ins on a PATH of their
/// own, so this machine's packages stay as they are; the stand-in apt-get logs its arguments and "installs" Chromium
/// by creating the file the check looks for.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // as the target that runs the script
public sealed class MachinePackagesTests : IDisposable
{
    private static readonly string Script = Repository.PathOf("TaskFlow.Tests", "machine-packages.sh");

    private readonly string _folder = Directory.CreateTempSubdirectory("taskflow-machine-packages-").FullName;

    private string Bin => Path.Combine(_folder, "bin");
    private string Chromium => Path.Combine(_folder, "chromium");
    private string AptLog => Path.Combine(_folder, "apt-get.log");

    public MachinePackagesTests()
    {
        Directory.CreateDirectory(Bin);
        // What the script needs besides the stand-ins (flock: it takes a lock); node and postgres are this machine's own
        // (the tests need them).
        foreach (var program in new[] { "env", "flock", "node", "npm" })
        {
            if (Prerequisites.FindOnPath(program) is { } path) File.CreateSymbolicLink(Path.Combine(Bin, program), path);
        }
    }

    [Fact]
    public async Task As_root_it_installs_what_is_missing_with_apt_get_and_says_so()
    {
        StandIn("id", "echo 0");
        StandIn("apt-get", $$"""echo "$*" >> '{{AptLog}}'; [ "$1" = update ] || { : > '{{Chromium}}'; /bin/chmod +x '{{Chromium}}'; }""");

        var installing = await RunAsync("install");

        Assert.Equal(["update -qq", "install -y -qq chromium-headless-shell"], File.ReadAllLines(AptLog));
        Assert.Equal(
            "TaskFlow.Tests: this machine lacks chromium-headless-shell, which the end-to-end tests run; installing: apt-get update, then apt-get install -y chromium-headless-shell\n" +
            "TaskFlow.Tests: installed chromium-headless-shell.\n", installing);
        Assert.Equal("\n", await RunAsync("missing"));
    }

    [Fact]
    public async Task Without_root_or_passwordless_sudo_it_installs_nothing_and_chromium_stays_missing()
    {
        StandIn("id", "echo 1000");
        StandIn("sudo", "exit 1"); // asks for a password: sudo -n refuses
        StandIn("apt-get", $"""echo "$*" >> '{AptLog}'""");

        Assert.Equal("", await RunAsync("install"));
        Assert.False(File.Exists(AptLog), "apt-get ran");
        Assert.Equal("chromium-headless-shell\n", await RunAsync("missing"));
    }

    [Fact]
    public async Task When_the_install_fails_apt_s_error_is_shown_and_chromium_stays_missing()
    {
        StandIn("id", "echo 0");
        StandIn("apt-get", """[ "$1" = update ] || { echo "E: Unable to locate package chromium-headless-shell" >&2; exit 100; }""");

        Assert.EndsWith("E: Unable to locate package chromium-headless-shell\n", await RunAsync("install"), StringComparison.Ordinal);
        Assert.Equal("chromium-headless-shell\n", await RunAsync("missing"));
    }

    private void StandIn(string program, string body)
    {
        var path = Path.Combine(Bin, program);
        File.WriteAllText(path, $"#!/bin/bash\n{body}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>What the script prints on stdout and stderr together, as the build output shows them.</summary>
    private async Task<string> RunAsync(string mode)
    {
        var start = new ProcessStartInfo("/bin/bash", ["-c", "/bin/bash \"$0\" \"$@\" 2>&1", Script, mode, Chromium]) { RedirectStandardOutput = true };
        start.Environment["PATH"] = Bin;
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return output;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
