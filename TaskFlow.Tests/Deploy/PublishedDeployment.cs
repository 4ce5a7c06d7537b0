using System.Text.Json.Nodes;
using Aspire.Hosting.Testing;
using TaskFlow.AppHost.Publishing;

namespace TaskFlow.Tests.Deploy;

/// <summary>
/// One run of the publish pipeline as `aspire publish -o DIR` runs it (the AppHost with <see cref="Arguments"/>, in
/// publish mode: nothing starts), into a folder deleted afterwards. The parameters get values of the test's, so the
/// tests can tell that none of them is written out.
/// </summary>
public sealed class PublishedDeployment : IAsyncLifetime
{
    /// <summary>Values for every parameter of the model, none of which may appear in what is written.</summary>
    public static readonly IReadOnlyDictionary<string, string> ParameterValues = new Dictionary<string, string>
    {
        ["internal-api-key"] = "sentinel-internal-api-key-4c1d2f0b9e8a7d6c",
        ["postgres-password"] = "sentinel-postgres-password-5e4f3a2b1c",
        ["redis-password"] = "sentinel-redis-password-6a5b4c3d2e1f",
    };

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "taskflow-publish-" + Guid.NewGuid().ToString("N")[..8]);

    public string Kubernetes => Path.Combine(Directory, DeploymentPublishing.KubernetesFolder);

    public string Compose => Path.Combine(Directory, DeploymentPublishing.ComposeFolder);

    public JsonObject Manifest { get; private set; } = [];

    /// <summary>What the Aspire CLI passes the AppHost for `aspire publish -o DIR` (13.6.5, seen with --debug).</summary>
    public static string[] Arguments(string output) => ["--operation", "publish", "--step", "publish", "--output-path", output];

    public async ValueTask InitializeAsync()
    {
        await RunAsync(Directory, [.. ParameterValues.Select(parameter => $"--Parameters:{parameter.Key}={parameter.Value}")]);
        Manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Directory, "aspire-manifest.json")))!["resources"]!.AsObject();
    }

    public ValueTask DisposeAsync()
    {
        if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    /// <summary>Runs the AppHost's publish pipeline into <paramref name="output"/>, with more AppHost settings.</summary>
    public static async Task RunAsync(string output, params string[] settings)
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TaskFlow_AppHost>([.. Arguments(output), .. settings], cancellation.Token);
        await using var app = await builder.BuildAsync(cancellation.Token);
        await app.RunAsync(cancellation.Token);
    }

    /// <summary>Every file written under <paramref name="folder"/>, relative to it with '/'.</summary>
    public static List<string> FilesUnder(string folder) =>
        [.. System.IO.Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(folder, file).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];
}
