using Aspire.Hosting;

namespace TaskFlow.Tests.EndToEnd;

/// <summary>
/// The dead-letter commands on the workers resource, as the Aspire dashboard runs them: they reach the Workers' internal
/// endpoints with the AppHost's key and report what the Workers answer. (What the endpoints do with dead letters is the
/// middle tier's TaskFlow.IntegrationTests/Workers/DeadLetterTests.)
/// </summary>
[Collection(TaskFlowAppCollection.Name)]
public sealed class DeadLetterCommandTests(TaskFlowApp app)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Listing_reports_the_dead_letters()
    {
        using var timeout = new CancellationTokenSource(Timeout);

        var result = await app.App.ResourceCommands.ExecuteCommandAsync("workers", "dead-letters-list", timeout.Token);

        Assert.True(result.Success, result.Message);
        Assert.Matches("^(No dead letters\\.|\\d+ dead letter\\(s\\))$", result.Message);
    }

    [Fact]
    public async Task Purging_a_topic_reports_what_was_done_and_a_wrong_topic_is_named_back()
    {
        using var timeout = new CancellationTokenSource(Timeout);

        var purged = await app.App.ResourceCommands.ExecuteCommandAsync("workers", "dead-letters-purge", Topic("reminders"), timeout.Token);
        var wrong = await app.App.ResourceCommands.ExecuteCommandAsync("workers", "dead-letters-redrive", Topic("no-such-topic"), timeout.Token);

        Assert.True(purged.Success, purged.Message);
        Assert.False(wrong.Success);
        Assert.Contains("There is no topic 'no-such-topic'", wrong.Message);
    }

    private static InteractionInputCollection Topic(string name) =>
        new([new InteractionInput { Name = "topic", Label = "Topic", InputType = InputType.Text, Value = name }]);
}
