using Microsoft.Extensions.Configuration;

namespace TaskFlow.AppHost;

/// <summary>
/// Whether this run starts Dapr, why, and which programs it runs. Setting (AppHost configuration):
/// <c>Dapr:Enabled</c> = true|false; unset means "when daprd is on PATH or in ~/.dapr/bin" (where
/// <c>dapr init --slim</c> puts daprd and placement).
/// </summary>
public sealed class DaprInstallation
{
    public const string EnabledSetting = "Dapr:Enabled";
    private const string InstallHint = "install the Dapr CLI and run `dapr init --slim`";

    private DaprInstallation(bool enabled, string reason, string daprd, string placement)
    {
        Enabled = enabled;
        Reason = reason;
        Daprd = daprd;
        Placement = placement;
    }

    public bool Enabled { get; }

    public string Reason { get; }

    /// <summary>The daprd program: its full path when found, else the bare name.</summary>
    public string Daprd { get; }

    /// <summary>The placement program next to daprd, else the bare name.</summary>
    public string Placement { get; }

    /// <summary>The daprd program on PATH or in ~/.dapr/bin, or null.</summary>
    public static string? FindDaprd()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify);
        var daprBin = Path.Combine(home, ".dapr", "bin", "daprd");
        return Prerequisites.FindOnPath("daprd") ?? (Prerequisites.IsExecutableFile(daprBin) ? daprBin : null);
    }

    /// <summary>
    /// When <paramref name="publishing"/>, this machine's programs do not matter: Dapr is on unless configured off, since
    /// the published deployments always have sidecars (a cluster's control plane injects them; compose runs them).
    /// </summary>
    internal static DaprInstallation Find(IConfiguration configuration, bool publishing)
    {
        var setting = configuration[EnabledSetting];
        if (publishing)
        {
            return setting?.Trim().ToLowerInvariant() switch
            {
                "false" => new(false, $"{EnabledSetting}=false is configured", "daprd", "placement"),
                "true" or null or "" => new(true, "published for a cluster whose Dapr control plane injects the sidecars", "daprd", "placement"),
                _ => Prerequisites.Stop<DaprInstallation>($"The {EnabledSetting} setting must be true or false, not '{setting}'."),
            };
        }

        var found = FindDaprd();
        var placement = found is null ? null : Path.Combine(Path.GetDirectoryName(found)!, "placement");
        var daprd = found ?? "daprd";
        placement = placement is not null && Prerequisites.IsExecutableFile(placement) ? placement : "placement";

        return setting?.Trim().ToLowerInvariant() switch
        {
            "false" => new(false, $"{EnabledSetting}=false is configured", daprd, placement),
            "true" => new(true, found is null
                ? $"{EnabledSetting}=true is configured, but daprd was not found on PATH or in ~/.dapr/bin ({InstallHint})"
                : $"{EnabledSetting}=true is configured; daprd at {found}", daprd, placement),
            null or "" => found is null
                ? new(false, $"daprd was not found on PATH or in ~/.dapr/bin; {InstallHint} to get sidecars", daprd, placement)
                : new(true, $"daprd found at {found}", daprd, placement),
            _ => Prerequisites.Stop<DaprInstallation>($"The {EnabledSetting} setting must be true or false, not '{setting}'."),
        };
    }
}
