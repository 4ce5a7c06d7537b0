using System.Text.Json.Serialization;

namespace TaskFlow.AppHost.Publishing;

/// <summary>kustomize's kustomization.yaml, as far as TaskFlow uses it (strict loading refuses any other field).</summary>
public sealed class Kustomization
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "kustomize.config.k8s.io/v1beta1";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "Kustomization";
    [JsonPropertyName("namespace")] public string? Namespace { get; set; }
    [JsonPropertyName("labels")] public List<KustomizeLabels>? Labels { get; set; }
    [JsonPropertyName("resources")] public List<string>? Resources { get; set; }
    [JsonPropertyName("images")] public List<KustomizeImage>? Images { get; set; }
    [JsonPropertyName("replicas")] public List<KustomizeReplicas>? Replicas { get; set; }
    [JsonPropertyName("secretGenerator")] public List<KustomizeSecret>? SecretGenerator { get; set; }
    [JsonPropertyName("generatorOptions")] public KustomizeGeneratorOptions? GeneratorOptions { get; set; }
}

public sealed class KustomizeLabels { [JsonPropertyName("pairs")] public Dictionary<string, string> Pairs { get; set; } = []; }

public sealed class KustomizeImage
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("newName")] public string? NewName { get; set; }
    [JsonPropertyName("newTag")] public string? NewTag { get; set; }
}

public sealed class KustomizeReplicas
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("count")] public int Count { get; set; }
}

public sealed class KustomizeSecret
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("envs")] public List<string> Envs { get; set; } = [];
}

public sealed class KustomizeGeneratorOptions { [JsonPropertyName("disableNameSuffixHash")] public bool DisableNameSuffixHash { get; set; } }
