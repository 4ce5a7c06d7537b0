using System.Reflection;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using TaskFlow.AppHost.Publishing;
using TaskFlow.Messaging.Dapr;

namespace TaskFlow.Tests.Deploy;

/// <summary>
/// What `aspire publish -o DIR` writes, checked offline (no Docker, registry or cluster here): every YAML loads
/// strictly into typed models, the compose file follows the Compose Specification's schema, `kubectl kustomize` renders
/// each overlay, every service gets every setting and secret of the app model in both deployments, the ports are the
/// seed's, nothing of this machine and no secret is written, and the committed deploy/ is exactly this output.
/// </summary>
public sealed partial class PublishedDeploymentTests(PublishedDeployment published) : IClassFixture<PublishedDeployment>
{
    /// <summary>How deploy/ is made (from the repository root); without the Aspire CLI, the same run of the AppHost:
    /// dotnet run --project TaskFlow.AppHost -- --operation publish --step publish --output-path "$PWD/deploy".</summary>
    private const string Regenerate = "aspire publish -o deploy";

    private static readonly string[] Services = ["api", "workers"];

    [Fact]
    public void Aspire_publish_writes_the_kubernetes_and_compose_deployments_and_the_manifest()
    {
        Assert.True(File.Exists(Path.Combine(published.Kubernetes, "overlays", "dev", "kustomization.yaml")));
        Assert.True(File.Exists(Path.Combine(published.Kubernetes, "overlays", "dev-in-cluster", "kustomization.yaml")));
        Assert.True(File.Exists(Path.Combine(published.Compose, "docker-compose.yaml")));
        Assert.True(File.Exists(Path.Combine(published.Compose, ".env.example")));
        Assert.Equal(Services.Order(), published.Manifest.Where(r => r.Value!["type"]!.GetValue<string>() == "project.v0").Select(r => r.Key).Order());
    }

    [Fact]
    public void The_committed_deploy_folder_is_what_aspire_publish_writes()
    {
        var problems = new List<string>();
        foreach (var folder in new[] { DeploymentPublishing.KubernetesFolder, DeploymentPublishing.ComposeFolder })
        {
            var generated = PublishedDeployment.FilesUnder(Path.Combine(published.Directory, folder));
            var committedFolder = Repository.PathOf("deploy", folder);
            var committed = Directory.Exists(committedFolder)
                ? PublishedDeployment.FilesUnder(committedFolder).Where(file => !DeploymentPublishing.UserFiles.Contains(Path.GetFileName(file))).ToList()
                : [];
            problems.AddRange(generated.Except(committed).Select(file => $"deploy/{folder}/{file} is missing"));
            problems.AddRange(committed.Except(generated).Select(file => $"deploy/{folder}/{file} is not written by the publish any more"));
            problems.AddRange(generated.Intersect(committed)
                .Where(file => File.ReadAllText(Path.Combine(committedFolder, file)) != File.ReadAllText(Path.Combine(published.Directory, folder, file)))
                .Select(file => $"deploy/{folder}/{file} differs from what the app model publishes"));
        }
        Assert.True(problems.Count == 0,
            $"{string.Join("\n", problems)}\nRegenerate deploy/ from the repository root with `{Regenerate}` and commit it.");
    }

    [Fact]
    public void Every_yaml_written_and_in_dapr_loads_into_typed_models_with_only_known_fields()
    {
        var files = Directory.EnumerateFiles(published.Directory, "*.yaml", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Repository.PathOf("dapr"), "*.yaml", SearchOption.AllDirectories))
            .ToList();
        Assert.True(files.Count > 10, string.Join(", ", files));
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            switch (Path.GetFileName(file))
            {
                case "kustomization.yaml":
                    var kustomization = KubernetesYaml.Deserialize<Kustomization>(text, strict: true);
                    Assert.All(kustomization.Resources ?? [], resource => Assert.True(
                        Path.Exists(Path.Combine(Path.GetDirectoryName(file)!, resource)), $"{file} lists {resource}, which does not exist"));
                    break;
                case "docker-compose.yaml":
                    Assert.NotEmpty(ComposeFile.Load(text).Services);
                    break;
                default:
                    Assert.NotEmpty(DaprKinds.LoadFile(file));
                    break;
            }
        }
    }

    [Fact]
    public async Task The_compose_file_follows_the_compose_specification()
    {
        var errors = await ComposeSpecification.ErrorsAsync(File.ReadAllText(ComposeFilePath));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public async Task The_schema_check_refuses_a_compose_file_outside_the_specification()
    {
        var errors = await ComposeSpecification.ErrorsAsync("services:\n  api:\n    image: taskflow-api\n    restart_policy: always\n");
        Assert.NotEmpty(errors);
    }

    [Theory]
    [InlineData("api")]
    [InlineData("workers")]
    public void Each_service_gets_every_setting_and_secret_the_model_gives_it_in_both_deployments(string service)
    {
        var secrets = SecretsExample();
        var environment = EnvironmentExample();
        var container = Load<V1Deployment>("base", $"{service}.yaml").Single().Spec.Template.Spec.Containers.Single();
        var settings = Load<V1ConfigMap>("base", "settings.yaml").Single(map => container.EnvFrom.Any(from => from.ConfigMapRef?.Name == map.Metadata.Name));
        var composed = Compose().Services[service].Environment!;

        var model = published.Manifest[service]!["env"]!.AsObject().ToDictionary(e => e.Key, e => e.Value!.GetValue<string>());
        Assert.Equal(model.Keys.Order(), composed.Keys.Order());
        foreach (var (name, expression) in model)
        {
            var fromSecret = container.Env.SingleOrDefault(e => e.Name == name)?.ValueFrom?.SecretKeyRef;
            string onCluster;
            if (fromSecret is not null)
            {
                Assert.Equal(KubernetesDeployment.SecretName, fromSecret.Name);
                onCluster = secrets[fromSecret.Key];
            }
            else
            {
                Assert.True(settings.Data.TryGetValue(name, out var value), $"{service} lacks {name} on the cluster");
                onCluster = value;
            }
            var onHost = Interpolate(composed[name], environment);
            Assert.True(onCluster == onHost, $"{service} {name}: {onCluster} on the cluster, {onHost} with compose");

            switch (Reference().Match(expression))
            {
                case { Success: false }:
                    Assert.Equal(expression, onHost);
                    break;
                case { Groups: var g } when g["property"].Value == "connectionString":
                    Assert.Equal(g["resource"].Value, fromSecret?.Key);
                    break;
                case { Groups: var g } when g["property"].Value == "value":
                    Assert.Equal($"change-me-{g["resource"].Value}", onHost);
                    break;
                case { Groups: var g } when g["property"].Value == "bindings.http.url":
                    Assert.Equal($"http://{g["resource"].Value}:8080", onHost);
                    break;
                case { Groups: var g } when g["property"].Value == "bindings.http.targetPort":
                    Assert.Equal("8080", onHost);
                    break;
                default:
                    Assert.Fail($"{service} {name} = {expression}: a kind of value this test does not know");
                    break;
            }
        }
        Assert.Equal(["Dapr__SecretStore", "OTEL_EXPORTER_OTLP_ENDPOINT"],
            settings.Data.Keys.Concat(container.Env.Select(e => e.Name)).Except(model.Keys).Order());
        Assert.Equal("kubernetes", settings.Data[DaprSidecar.SecretStoreSetting.Replace(":", "__", StringComparison.Ordinal)]);
    }

    [Fact]
    public void The_sidecars_get_every_address_and_password_their_components_read_in_both_deployments()
    {
        var secrets = SecretsExample();
        var environment = EnvironmentExample();
        var onCluster = Load<DaprComponent>("base", "dapr.yaml").ToDictionary(component => component.Metadata.Name);
        Assert.Equal(new[] { DaprSidecar.PubSubName, DaprSidecar.StateStoreName }.Order(), onCluster.Keys.Order());

        var onHost = Directory.EnumerateFiles(Path.Combine(published.Compose, ComposeDeployment.DaprFolder, "components"))
            .SelectMany(DaprKinds.LoadFile).OfType<DaprComponent>().ToDictionary(component => component.Metadata.Name);
        var sidecars = Compose().Services.Where(s => s.Value.NetworkMode is not null).ToList();
        Assert.Equal(Services.Select(s => $"{s}-dapr").Order(), sidecars.Select(s => s.Key).Order());
        foreach (var (name, component) in onCluster)
        {
            Assert.NotEmpty(component.Scopes!);
            Assert.Equal("kubernetes", component.Auth?.SecretStore);
            foreach (var item in onHost[name].Spec.Metadata.Where(item => item.EnvRef is not null))
            {
                var key = component.Spec.Metadata.Single(i => i.Name == item.Name).SecretKeyRef!.Key;
                Assert.All(sidecars, sidecar => Assert.Equal(secrets[key], Interpolate(sidecar.Value.Environment![item.EnvRef!], environment)));
            }
        }
        // Dapr hands the app the token from the Secret the pod names; the app takes it as its internal API key.
        Assert.All(Services, service =>
        {
            var pod = Load<V1Deployment>("base", $"{service}.yaml").Single().Spec.Template;
            Assert.Equal(KubernetesDeployment.SecretName, pod.Metadata.Annotations["dapr.io/app-token-secret"]);
            Assert.Equal("token", pod.Spec.Containers.Single().Env.Single(e => e.Name == "Internal__ApiKey").ValueFrom.SecretKeyRef.Key);
            Assert.Equal(Compose().Services[service].Environment!["Internal__ApiKey"], Compose().Services[$"{service}-dapr"].Environment!["APP_API_TOKEN"]);
        });
    }

    [Fact]
    public void The_example_secrets_hold_exactly_the_keys_the_deployments_read()
    {
        var read = Directory.EnumerateFiles(published.Kubernetes, "*.yaml", SearchOption.AllDirectories)
            .Where(file => Path.GetFileName(file) != "kustomization.yaml")
            .SelectMany(DaprKinds.LoadFile)
            .SelectMany(SecretKeys)
            .Distinct();
        Assert.Equal(read.Order(), SecretsExample().Keys.Order());

        var variables = VariableReference().Matches(File.ReadAllText(ComposeFilePath)).Select(match => match.Groups["name"].Value).Distinct();
        Assert.Equal(variables.Append("COMPOSE_PROJECT_NAME").Order(), EnvironmentExample().Keys.Order());
    }

    [Theory]
    [InlineData("api")]
    [InlineData("workers")]
    public void Each_deployment_runs_non_root_with_limits_split_probes_and_its_dapr_app_id_on_the_image_port(string service)
    {
        var pod = Load<V1Deployment>("base", $"{service}.yaml").Single().Spec.Template;
        var container = pod.Spec.Containers.Single();

        Assert.True(pod.Spec.SecurityContext.RunAsNonRoot);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.NotNull(container.Resources.Requests["cpu"]);
        Assert.NotNull(container.Resources.Limits["memory"]);
        Assert.Equal("/health", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/alive", container.LivenessProbe.HttpGet.Path);
        Assert.Equal(8080, container.Ports.Single().ContainerPort);
        Assert.Equal($"taskflow-{service}", container.Image);
        Assert.Equal("true", pod.Metadata.Annotations["dapr.io/enabled"]);
        Assert.Equal(service, pod.Metadata.Annotations["dapr.io/app-id"]);
        Assert.Equal("8080", pod.Metadata.Annotations["dapr.io/app-port"]);
        Assert.Equal(Load<DaprConfiguration>("base", "dapr.yaml").Single().Metadata.Name, pod.Metadata.Annotations["dapr.io/config"]);
        Assert.Contains(Load<V1PodDisruptionBudget>("base", $"{service}.yaml"), budget => budget.Metadata.Name == service);
        Assert.Equal($"taskflow-{service}:latest", Compose().Services[service].Image);
    }

    [Fact]
    public void Only_the_external_api_scales_on_cpu()
    {
        Assert.Contains(Load<V2HorizontalPodAutoscaler>("base", "api.yaml"), hpa => hpa.Spec.ScaleTargetRef.Name == "api");
        Assert.Empty(Load<V2HorizontalPodAutoscaler>("base", "workers.yaml"));
    }

    [Fact]
    public void The_in_cluster_overlay_serves_every_host_the_example_secrets_name_and_reads_its_passwords_from_them()
    {
        var secrets = SecretsExample();
        var services = Load<V1Service>("overlays", "dev-in-cluster", "infrastructure.yaml").ToList();
        string[] addresses =
        [
            secrets["kafka"],
            secrets["redis-host"],
            secrets["redis"].Split(',')[0],
            new Uri(secrets["schema-registry"]).Authority,
            .. new[] { "tasksdb", "workersdb" }.Select(database =>
            {
                var parts = secrets[database].Split(';').Select(part => part.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
                return $"{parts["Host"]}:{parts["Port"]}";
            }),
        ];
        Assert.All(addresses, address =>
        {
            var (host, port) = (address.Split(':')[0], int.Parse(address.Split(':')[1]));
            Assert.Contains(services, service => service.Metadata.Name == host && service.Spec.Ports.Any(p => p.Port == port));
        });

        var statefulSets = Load<V1StatefulSet>("overlays", "dev-in-cluster", "infrastructure.yaml").ToList();
        Assert.Equal(["kafka", "postgres", "redis"], statefulSets.Select(s => s.Metadata.Name).Order());
        Assert.Equal(services.Select(s => s.Metadata.Name).Order(), statefulSets.Select(s => s.Metadata.Name).Order());
        Assert.All(statefulSets, s => Assert.True(s.Spec.Template.Spec.SecurityContext.RunAsNonRoot));
        Assert.All(statefulSets, s => Assert.NotNull(s.Spec.Template.Spec.Containers.Single().ReadinessProbe));
        // The same images as the model runs on a laptop and in compose.
        Assert.All(statefulSets, s => Assert.Equal(Compose().Services[s.Metadata.Name].Image, s.Spec.Template.Spec.Containers.Single().Image));
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("dev-in-cluster")]
    public async Task Kubectl_kustomize_renders_the_overlay_with_the_example_secrets(string overlay)
    {
        var copy = Path.Combine(Path.GetTempPath(), "taskflow-kustomize-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            CopyDirectory(published.Kubernetes, copy);
            File.Copy(Path.Combine(copy, "overlays", "dev", $"{KubernetesDeployment.SecretsFile}.example"), Path.Combine(copy, "overlays", "dev", KubernetesDeployment.SecretsFile));

            var (exitCode, output, error) = await Processes.RunAsync("kubectl", ["kustomize", Path.Combine(copy, "overlays", overlay)], TimeSpan.FromMinutes(1));
            Assert.True(exitCode == 0, $"kubectl kustomize overlays/{overlay} failed: {error}");

            var objects = KubernetesYaml.LoadAllFromString(output, DaprKinds.Types, strict: true);
            Assert.All(objects.OfType<IKubernetesObject<V1ObjectMeta>>(), o => Assert.Equal("taskflow-dev", o.Metadata.NamespaceProperty));
            var secret = objects.OfType<V1Secret>().Single();
            Assert.Equal(KubernetesDeployment.SecretName, secret.Metadata.Name);
            Assert.Equal(SecretsExample().Keys.Order(), secret.Data.Keys.Order());
            Assert.All(objects.OfType<V1Deployment>(), d => Assert.Equal(1, d.Spec.Replicas));
            Assert.Equal(Services.Select(s => $"taskflow-{s}:latest").Order(), objects.OfType<V1Deployment>().Select(d => d.Spec.Template.Spec.Containers.Single().Image).Order());
            Assert.Equal(overlay == "dev" ? 0 : 3, objects.OfType<V1StatefulSet>().Count());
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public async Task The_dead_letters_overlay_renders_the_workers_command_as_a_job_with_the_workers_image_settings_and_secrets()
    {
        var (exitCode, output, error) = await Processes.RunAsync("kubectl", ["kustomize", Path.Combine(published.Kubernetes, "overlays", "dead-letters")], TimeSpan.FromMinutes(1));
        Assert.True(exitCode == 0, $"kubectl kustomize overlays/dead-letters failed: {error}");

        var job = Assert.Single(KubernetesYaml.LoadAllFromString(output, DaprKinds.Types, strict: true).OfType<V1Job>());
        var workers = Load<V1Deployment>("base", "workers.yaml").Single().Spec.Template.Spec.Containers.Single();
        var container = job.Spec.Template.Spec.Containers.Single();
        Assert.Equal("taskflow-dev", job.Metadata.NamespaceProperty);
        Assert.Equal("Never", job.Spec.Template.Spec.RestartPolicy);
        Assert.Equal("taskflow-workers:latest", container.Image);
        Assert.Equal(["dlq", "list"], container.Args);
        Assert.Equal(workers.EnvFrom.Single().ConfigMapRef.Name, container.EnvFrom.Single().ConfigMapRef.Name);
        Assert.Equal(workers.Env.Select(e => (e.Name, e.ValueFrom.SecretKeyRef.Key)), container.Env.Select(e => (e.Name, e.ValueFrom.SecretKeyRef.Key)));
        Assert.True(job.Spec.Template.Spec.SecurityContext.RunAsNonRoot);
    }

    [Fact]
    public void The_compose_ports_are_the_seeds()
    {
        var services = Compose().Services;
        int[] Published(string service) => [.. (services[service].Ports ?? []).Select(port => port.Published)];

        Assert.Contains(8000, Published("api"));
        // The Api's sidecar shares the api container's network, so the api container publishes its port.
        Assert.Contains(3500, Published("api"));
        Assert.Contains("3500", services["api-dapr"].Command!.SkipWhile(arg => arg != "--dapr-http-port").Skip(1).Take(1));
        Assert.Equal([19092, 18081], Published("kafka"));
        Assert.Equal([8080], Published("kafka-console"));
        Assert.Equal([6379], Published("redis"));
        Assert.Equal([50006], Published("placement"));
        Assert.Equal("service:api", services["api-dapr"].NetworkMode);
        // Only the Api is reachable from other machines.
        Assert.All(services.Where(s => s.Key != "api").SelectMany(s => s.Value.Ports ?? []), port => Assert.Equal("127.0.0.1", port.HostIp));
    }

    [Fact]
    public void Compose_starts_each_service_after_what_it_waits_for_is_healthy()
    {
        var services = Compose().Services;
        foreach (var service in Services)
        {
            Assert.NotNull(services[service].Healthcheck);
            var waits = services[service].DependsOn!;
            Assert.All(waits, wait =>
            {
                Assert.Equal(ComposeDependency.Healthy, wait.Value.Condition);
                Assert.NotNull(services[wait.Key].Healthcheck);
            });
            Assert.Contains("kafka", waits.Keys);
            Assert.Contains("redis", waits.Keys);
            Assert.Contains("postgres", waits.Keys);
            Assert.Contains(service, services[$"{service}-dapr"].DependsOn!.Keys);
            Assert.Contains("placement", services[$"{service}-dapr"].DependsOn!.Keys);
        }
    }

    [Fact]
    public void Nothing_written_holds_a_path_of_this_machine_or_a_secret()
    {
        string[] machine = [Repository.Root, published.Directory, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)];
        foreach (var file in Directory.EnumerateFiles(published.Directory, "*", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            Assert.All(PublishedDeployment.ParameterValues.Values, secret => Assert.DoesNotContain(secret, text, StringComparison.Ordinal));
            if (Path.GetFileName(file) == "aspire-manifest.json")
            {
                // Aspire's manifest names each project by its path relative to the manifest; PublishedManifestTests check the rest.
                continue;
            }
            Assert.All(machine, path => Assert.DoesNotContain(path, text, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_apphost_run_as_the_aspire_cli_runs_it_writes_the_same_deployment()
    {
        var output = Path.Combine(Path.GetTempPath(), "taskflow-cli-publish-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var configuration = typeof(PublishedDeploymentTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
            var (exitCode, stdout, error) = await Processes.RunAsync("dotnet",
                ["run", "--no-build", "--no-launch-profile", "-c", configuration, "--project", Repository.PathOf("TaskFlow.AppHost", "TaskFlow.AppHost.csproj"),
                    "--", .. PublishedDeployment.Arguments(output)],
                TimeSpan.FromMinutes(3));
            Assert.True(exitCode == 0, $"the AppHost's publish failed:\n{stdout}\n{error}");
            Assert.Contains("kubectl apply -k", stdout, StringComparison.Ordinal);
            Assert.Contains("docker compose", stdout, StringComparison.Ordinal);

            Assert.True(File.Exists(Path.Combine(output, "aspire-manifest.json")));
            foreach (var folder in new[] { DeploymentPublishing.KubernetesFolder, DeploymentPublishing.ComposeFolder })
            {
                var files = PublishedDeployment.FilesUnder(Path.Combine(output, folder));
                Assert.Equal(PublishedDeployment.FilesUnder(Path.Combine(published.Directory, folder)), files);
                Assert.All(files, file => Assert.Equal(File.ReadAllText(Path.Combine(published.Directory, folder, file)), File.ReadAllText(Path.Combine(output, folder, file))));
            }
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public async Task The_transport_and_the_images_are_publish_settings()
    {
        var output = Path.Combine(Path.GetTempPath(), "taskflow-publish-settings-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await PublishedDeployment.RunAsync(output, "--Messaging:Transport=dapr",
                $"--{ImageSettings.RegistrySetting}=registry.example.test/team", $"--{ImageSettings.TagSetting}=1.4.0");
            var compose = ComposeFile.Load(File.ReadAllText(Path.Combine(output, DeploymentPublishing.ComposeFolder, "docker-compose.yaml")));
            var settings = KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine(output, DeploymentPublishing.KubernetesFolder, "base", "settings.yaml")))
                .OfType<V1ConfigMap>().ToList();
            var images = KubernetesYaml.Deserialize<Kustomization>(
                File.ReadAllText(Path.Combine(output, DeploymentPublishing.KubernetesFolder, "overlays", "dev", "kustomization.yaml")), strict: true).Images!;

            Assert.All(Services, service =>
            {
                Assert.Equal("dapr", compose.Services[service].Environment!["Messaging__Transport"]);
                Assert.Equal($"registry.example.test/team/taskflow-{service}:1.4.0", compose.Services[service].Image);
                var image = images.Single(i => i.Name == $"taskflow-{service}");
                Assert.Equal(($"registry.example.test/team/taskflow-{service}", "1.4.0"), (image.NewName, image.NewTag));
            });
            Assert.All(settings, map => Assert.Equal("dapr", map.Data["Messaging__Transport"]));
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public async Task Without_dapr_the_deployments_have_no_sidecars()
    {
        var output = Path.Combine(Path.GetTempPath(), "taskflow-publish-nodapr-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await PublishedDeployment.RunAsync(output, "--Dapr:Enabled=false");
            var kubernetes = Path.Combine(output, DeploymentPublishing.KubernetesFolder);
            var compose = ComposeFile.Load(File.ReadAllText(Path.Combine(output, DeploymentPublishing.ComposeFolder, "docker-compose.yaml")));

            Assert.False(File.Exists(Path.Combine(kubernetes, "base", "dapr.yaml")));
            Assert.DoesNotContain("dapr.io", File.ReadAllText(Path.Combine(kubernetes, "base", "api.yaml")), StringComparison.Ordinal);
            Assert.DoesNotContain("token", File.ReadAllText(Path.Combine(kubernetes, "overlays", "dev", $"{KubernetesDeployment.SecretsFile}.example")), StringComparison.Ordinal);
            Assert.Equal(["api", "kafka", "kafka-console", "postgres", "redis", "workers"], compose.Services.Keys.Order());
            Assert.False(Directory.Exists(Path.Combine(output, DeploymentPublishing.ComposeFolder, ComposeDeployment.DaprFolder)));
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    private string ComposeFilePath => Path.Combine(published.Compose, "docker-compose.yaml");

    private ComposeFile Compose() => ComposeFile.Load(File.ReadAllText(ComposeFilePath));

    private IEnumerable<T> Load<T>(params string[] path) => DaprKinds.LoadFile(Path.Combine([published.Kubernetes, .. path])).OfType<T>();

    /// <summary>overlays/dev/secrets.env.example as key → value.</summary>
    private Dictionary<string, string> SecretsExample() => KeyValues(Path.Combine(published.Kubernetes, "overlays", "dev", $"{KubernetesDeployment.SecretsFile}.example"));

    /// <summary>compose/.env.example as variable → value.</summary>
    private Dictionary<string, string> EnvironmentExample() => KeyValues(Path.Combine(published.Compose, $"{ComposeDeployment.EnvironmentFile}.example"));

    private static Dictionary<string, string> KeyValues(string file) =>
        File.ReadAllLines(file).Where(line => line.Contains('=') && !line.StartsWith('#'))
            .ToDictionary(line => line[..line.IndexOf('=')], line => line[(line.IndexOf('=') + 1)..]);

    /// <summary>A compose value as compose reads it with <paramref name="variables"/> as its .env.</summary>
    private static string Interpolate(string value, Dictionary<string, string> variables) =>
        VariableReference().Replace(value, match => variables[match.Groups["name"].Value]).Replace("$$", "$", StringComparison.Ordinal);

    private static IEnumerable<string> SecretKeys(object kubernetesObject) => kubernetesObject switch
    {
        V1Deployment deployment => deployment.Spec.Template.Spec.Containers.SelectMany(c => c.Env ?? []).Select(e => e.ValueFrom?.SecretKeyRef?.Key).OfType<string>()
            .Concat(deployment.Spec.Template.Metadata.Annotations?.ContainsKey("dapr.io/app-token-secret") == true ? ["token"] : []),
        V1StatefulSet statefulSet => statefulSet.Spec.Template.Spec.Containers.SelectMany(c => c.Env ?? []).Select(e => e.ValueFrom?.SecretKeyRef?.Key).OfType<string>(),
        DaprComponent component => component.Spec.Metadata.Select(item => item.SecretKeyRef?.Key).OfType<string>(),
        _ => [],
    };

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in PublishedDeployment.FilesUnder(from))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, file))!);
            File.Copy(Path.Combine(from, file), Path.Combine(to, file));
        }
    }

    /// <summary>A manifest expression: {resource.property}.</summary>
    [GeneratedRegex(@"^\{(?<resource>[a-z0-9-]+)\.(?<property>[a-zA-Z.]+)\}$")]
    private static partial Regex Reference();

    /// <summary>${NAME} or ${NAME:?message} in a compose value (never $${...}, an escaped literal).</summary>
    [GeneratedRegex(@"(?<!\$)\$\{(?<name>[A-Z0-9_]+)(:\?[^}]*)?\}")]
    private static partial Regex VariableReference();
}
