using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using TaskFlow.IntegrationTests.Webhooks;
using TaskFlow.Messaging;
using TaskFlow.Tests.EndToEnd;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

using static TaskFlow.IntegrationTests.Clients.Instants;

namespace TaskFlow.Tests.Monitoring;

/// <summary>
/// The alert rules and the dashboard in deploy/monitoring/ (no promtool here): they parse, the two rules files agree,
/// every alert has its runbook section, and every metric and label they name reaches the OTLP data the end-to-end app's
/// services export (what the dashboard, or the collector in deploy/monitoring, receives), under the name the
/// OpenTelemetry Collector's prometheus exporter gives it.
/// </summary>
[Collection(TaskFlowAppCollection.Name)]
public sealed partial class MonitoringTests(TaskFlowApp app)
{
    private static readonly string Folder = Repository.PathOf("deploy", "monitoring");

    /// <summary>Labels Prometheus adds itself: the scrape's job (the service's name) and instance, a histogram's buckets.</summary>
    private static readonly HashSet<string> LabelsOfPrometheus = ["job", "instance", "le"];

    private static readonly HashSet<string> PromQlWords = ["by", "without", "and", "or", "unless", "on", "ignoring", "group_left", "group_right", "bool", "offset"];

    [Fact]
    public void The_rules_files_parse_hold_the_same_groups_and_every_alert_has_its_runbook_section()
    {
        var rules = ReadYaml<RulesFile>("prometheus-rules.yaml");
        var operatorRule = ReadYaml<PrometheusRule>("prometheus-rule.yaml");

        Assert.Equal("monitoring.coreos.com/v1", operatorRule.ApiVersion);
        Assert.Equal("PrometheusRule", operatorRule.Kind);
        Assert.Equal(JsonSerializer.Serialize(rules.Groups), JsonSerializer.Serialize(operatorRule.Spec.Groups));
        var runbook = File.ReadAllText(Repository.PathOf("docs", "RUNBOOK.md"));
        var alerts = rules.Groups.SelectMany(group => group.Rules).ToList();
        Assert.NotEmpty(alerts);
        Assert.Equal(alerts.Count, alerts.Select(rule => rule.Alert).Distinct().Count());
        foreach (var rule in alerts)
        {
            Assert.False(string.IsNullOrWhiteSpace(rule.Expr), $"{rule.Alert} has no expr");
            Assert.Matches("^[0-9]+[smhd]$", rule.For);
            Assert.Contains(rule.Labels["severity"], new[] { "critical", "warning", "info" });
            Assert.All(new[] { "summary", "description", "runbook" }, key => Assert.True(rule.Annotations.ContainsKey(key), $"{rule.Alert} has no {key}"));
            Assert.Equal($"docs/RUNBOOK.md#{rule.Alert.ToLowerInvariant()}", rule.Annotations["runbook"]);
            Assert.Contains($"\n### {rule.Alert}\n", runbook);
            Assert.Equal(Balanced(rule.Expr), rule.Expr.Length);
        }
    }

    [Fact]
    public async Task Every_metric_and_label_the_alerts_and_the_dashboard_name_reaches_the_OTLP_data_the_services_export()
    {
        var expressions = ReadYaml<RulesFile>("prometheus-rules.yaml").Groups.SelectMany(group => group.Rules).Select(rule => rule.Expr)
            .Concat(DashboardExpressions()).ToList();
        var wanted = expressions.SelectMany(Referenced).GroupBy(use => use.Metric)
            .ToDictionary(group => group.Key, group => group.SelectMany(use => use.Labels).Except(LabelsOfPrometheus).ToHashSet());

        // What makes every signal move: HTTP answers, a reminder firing, a webhook delivery, a message no consumer can read.
        await using var receiver = await WebhookReceiver.StartAsync(HttpStatusCode.NoContent);
        var user = await app.SignUpAsync();
        Assert.Equal(HttpStatusCode.OK, (await user.Http.PutAsJsonAsync("/api/me/webhook", new { url = receiver.Url, secret = "a-long-enough-webhook-secret" })).StatusCode);
        await user.CreateTaskIdAsync(new { title = "Remind me", remind_at = Iso(DateTimeOffset.UtcNow.AddSeconds(1)) });
        await ParkUnreadableMessageAsync();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        List<string> problems;
        while (true)
        {
            var exported = app.Telemetry.Metrics;
            problems = [.. wanted.SelectMany(use => Problems(exported, use.Key, use.Value))];
            if (problems.Count == 0 || DateTime.UtcNow > deadline) break;
            await Task.Delay(500);
        }
        Assert.True(problems.Count == 0, $"{string.Join("\n", problems)}\nexported: {string.Join("; ", app.Telemetry.Metrics.Select(m => $"{m.Service} {m.Name} [{string.Join(", ", m.AttributeKeys)}]"))}");
    }

    /// <summary>A message that is not an event envelope, on task-events: each consumer group parks it on task-events.dlq.</summary>
    private async Task ParkUnreadableMessageAsync()
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = app.KafkaBootstrap }).Build();
        await producer.ProduceAsync(Topics.TaskEvents, new Message<string, string> { Key = "monitoring-test", Value = "not an event" });
    }

    /// <summary>What is wrong with <paramref name="metric"/> (a Prometheus series name) in the export: missing, or without a label.</summary>
    private static IEnumerable<string> Problems(IReadOnlyList<ExportedMetric> exported, string metric, IReadOnlySet<string> labels)
    {
        // Each service exports its own instance of a framework instrument (http.server.request.duration): one series.
        var instances = exported.Where(m => PrometheusNames(m).Contains(metric)).ToList();
        if (instances.Count == 0)
        {
            yield return $"{metric}: no service exported a metric of this name";
            yield break;
        }
        var carried = instances.SelectMany(m => m.AttributeKeys).Select(key => key.Replace('.', '_')).ToHashSet();
        foreach (var label in labels.Where(label => !carried.Contains(label)))
            yield return $"{metric} ({instances[0].Name}): no exported point carried the label {label} yet";
    }

    /// <summary>
    /// The OpenTelemetry Collector's prometheus exporter's translation: dots to underscores, a unit suffix (none for
    /// a {annotation}), _total for a monotonic sum, a histogram's three series.
    /// </summary>
    private static string[] PrometheusNames(ExportedMetric metric)
    {
        var unit = metric.Unit switch { "s" => "_seconds", "ms" => "_milliseconds", "By" => "_bytes", _ => "" };
        var name = metric.Name.Replace('.', '_') + unit;
        return metric.Kind switch
        {
            MetricKind.MonotonicSum => [name + "_total"],
            MetricKind.Histogram => [name + "_bucket", name + "_sum", name + "_count"],
            _ => [name],
        };
    }

    private static IEnumerable<string> DashboardExpressions()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "grafana-dashboard.json")))!;
        var panels = dashboard["panels"]!.AsArray();
        Assert.NotEmpty(panels);
        foreach (var panel in panels)
        {
            var targets = panel!["targets"]!.AsArray();
            Assert.NotEmpty(targets);
            foreach (var target in targets) yield return target!["expr"]!.GetValue<string>();
        }
    }

    /// <summary>The metrics an expression reads, each with the labels it groups or matches by.</summary>
    private static IEnumerable<(string Metric, string[] Labels)> Referenced(string expression)
    {
        var labels = Grouping().Matches(expression).SelectMany(match => match.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Concat(Selectors().Matches(expression).SelectMany(match => Matcher().Matches(match.Value).Select(m => m.Groups[1].Value)))
            .ToArray();
        var bare = Ranges().Replace(Selectors().Replace(Grouping().Replace(Strings().Replace(expression, ""), ""), ""), "");
        var metrics = Identifier().Matches(bare).Where(match => !match.Groups["call"].Success && !PromQlWords.Contains(match.Groups["name"].Value))
            .Select(match => match.Groups["name"].Value).Distinct().ToList();
        Assert.True(metrics.Count > 0, $"no metric in {expression}");
        return metrics.Select(metric => (metric, labels));
    }

    private static int Balanced(string expression)
    {
        var depth = 0;
        foreach (var c in expression)
        {
            depth += c is '(' or '{' or '[' ? 1 : c is ')' or '}' or ']' ? -1 : 0;
            Assert.True(depth >= 0, $"unbalanced brackets in {expression}");
        }
        Assert.True(depth == 0, $"unbalanced brackets in {expression}");
        return expression.Length;
    }

    private static T ReadYaml<T>(string file) => new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build()
        .Deserialize<T>(File.ReadAllText(Path.Combine(Folder, file)));

    [GeneratedRegex(@"\b(?:by|without)\s*\(([^)]*)\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Selectors();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)")]
    private static partial Regex Matcher();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex("\"[^\"]*\"")]
    private static partial Regex Strings();

    [GeneratedRegex(@"(?<![0-9.])\b(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\b(?<call>\s*\()?")]
    private static partial Regex Identifier();

    private sealed class RulesFile
    {
        public List<RuleGroup> Groups { get; set; } = [];
    }

    private sealed class RuleGroup
    {
        public string Name { get; set; } = "";
        public List<AlertRule> Rules { get; set; } = [];
    }

    private sealed class AlertRule
    {
        public string Alert { get; set; } = "";
        public string Expr { get; set; } = "";
        public string For { get; set; } = "";
        public Dictionary<string, string> Labels { get; set; } = [];
        public Dictionary<string, string> Annotations { get; set; } = [];
    }

    private sealed class PrometheusRule
    {
        public string ApiVersion { get; set; } = "";
        public string Kind { get; set; } = "";
        public Dictionary<string, object> Metadata { get; set; } = [];
        public RulesFile Spec { get; set; } = new();
    }
}
