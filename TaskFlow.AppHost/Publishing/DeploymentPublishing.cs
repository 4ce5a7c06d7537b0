using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TaskFlow.AppHost.Publishing;

/// <summary>
/// `aspire publish -o DIR`: a step of Aspire's publish pipeline that writes, from the app model, DIR/kubernetes/
/// (<see cref="KubernetesDeployment"/>) and DIR/compose/ (<see cref="ComposeDeployment"/>), after Aspire's own manifest
/// step has written DIR/aspire-manifest.json, and says what it wrote and what to run next.
/// </summary>
public static class DeploymentPublishing
{
    public const string StepName = "publish-deployment";
    public const string KubernetesFolder = "kubernetes";
    public const string ComposeFolder = "compose";

    /// <summary>Aspire's step that writes aspire-manifest.json (registered by Aspire itself).</summary>
    public const string ManifestStepName = "publish-manifest";

    /// <summary>Where the pipeline writes without an output path (IPipelineOutputService's default).</summary>
    private const string DefaultOutputFolder = "aspire-output";

    /// <summary>Files of the user's own next to the generated ones, which a publish leaves alone.</summary>
    public static readonly string[] UserFiles = [KubernetesDeployment.SecretsFile, ComposeDeployment.EnvironmentFile];

    public static void AddDeploymentPublishing(this IDistributedApplicationBuilder builder, DaprSidecars dapr)
    {
        if (!builder.ExecutionContext.IsPublishMode) return;

#pragma warning disable ASPIREPIPELINES001 // Aspire's pipeline API is experimental in 13.x; the publish step is built on it.
        // The manifest step needs the output path spelled out: without -o, it writes where this step does.
        builder.Services.PostConfigure<PipelineOptions>(options => options.OutputPath ??= Path.Combine(builder.AppHostDirectory, DefaultOutputFolder));
        var images = ImageSettings.From(builder.Configuration);
        builder.Pipeline.AddStep(StepName, context => PublishAsync(context, images, dapr.ResourcesDirectory),
            dependsOn: ManifestStepName, requiredBy: WellKnownPipelineSteps.Publish);
#pragma warning restore ASPIREPIPELINES001
    }

#pragma warning disable ASPIREPIPELINES001, ASPIREPIPELINES004 // the pipeline's step context and output service, see above
    private static async Task PublishAsync(PipelineStepContext context, ImageSettings images, string daprResources)
    {
        var output = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
        var deployment = await Deployment.ReadAsync(context.Model, context.ExecutionContext, images, daprResources, context.CancellationToken);

        var kubernetes = await WriteAsync(context, Path.Combine(output, KubernetesFolder), "Kubernetes (kustomize)", KubernetesDeployment.Files(deployment));
        var compose = await WriteAsync(context, Path.Combine(output, ComposeFolder), "Docker Compose", ComposeDeployment.Files(deployment));

        var overlay = Path.Combine(kubernetes, "overlays", "dev");
        var secrets = Path.Combine(overlay, KubernetesDeployment.SecretsFile);
        var environment = Path.Combine(compose, ComposeDeployment.EnvironmentFile);
        var next = new[]
        {
            ("Kubernetes", $"cp {secrets}.example {secrets} (fill it in), then kubectl apply -k {overlay} (or overlays/dev-in-cluster)"),
            ("Docker Compose", $"cp {environment}.example {environment} (fill it in), then docker compose --project-directory {compose} up -d"),
            ("Aspire manifest", Path.Combine(output, "aspire-manifest.json")),
        };
        foreach (var (what, command) in next)
        {
            context.Logger.LogInformation("{What}: {Command}", what, command);
            context.Summary.Add(what, command);
        }
        await context.ReportingStep.SucceedAsync($"Wrote the Kubernetes and Docker Compose deployments to {output}", context.CancellationToken);
    }

    /// <returns>The folder written.</returns>
    private static async Task<string> WriteAsync(PipelineStepContext context, string folder, string what, IEnumerable<(string Path, string Text)> files)
    {
        var task = await context.ReportingStep.CreateTaskAsync($"Writing {what} to {folder}", context.CancellationToken);
        var written = 0;
        foreach (var (relative, text) in files)
        {
            var path = Path.Combine(folder, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, text, context.CancellationToken);
            context.Logger.LogInformation("Wrote {File}", path);
            written++;
        }
        await task.SucceedAsync($"{what}: {written} files in {folder}", context.CancellationToken);
        return folder;
    }
#pragma warning restore ASPIREPIPELINES001, ASPIREPIPELINES004
}

/// <summary>The comment every written YAML and env file starts with: that it is generated, and what it is for.</summary>
internal static class Header
{
    public static string Comment(string text) =>
        "# Written by `aspire publish` (TaskFlow.AppHost/Publishing/): change what it is made from and publish again, not this file.\n"
        + string.Concat(text.TrimEnd().Split('\n').Select(line => $"# {line.TrimEnd()}".TrimEnd() + "\n"));
}
