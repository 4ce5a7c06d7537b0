using Microsoft.EntityFrameworkCore;
using Npgsql;
using TaskFlow.Messaging;
using TaskFlow.Messaging.DeadLetters;
using TaskFlow.Messaging.Kafka;
using TaskFlow.Workers.Data;

namespace TaskFlow.Workers.DeadLetters;

/// <summary>Whether a dead letter still waits for an operator.</summary>
public enum DeadLetterState
{
    Parked,
    Redriven,
    Purged,
}

/// <summary>A dead letter with what became of it.</summary>
public sealed record DeadLetterView(DeadLetter Letter, DeadLetterState State, string? HandledBy, DateTimeOffset? HandledAt);

/// <summary>The dead letters an action is for: one, or every one still parked on a topic.</summary>
public sealed record DeadLetterSelection(TopicDefinition Topic, DeadLetterId? Only)
{
    public static DeadLetterSelection One(DeadLetterId id) =>
        new(Topics.Find(id.Topic) ?? throw new ArgumentException($"{id.Topic} is no catalog topic's dead-letter topic.", nameof(id)), id);

    public static DeadLetterSelection AllParkedOn(TopicDefinition topic) => new(topic, null);

    /// <summary>A catalog topic named by itself (<c>task-events</c>) or by its dead-letter topic (<c>task-events.dlq</c>).</summary>
    public static bool TryFindTopic(string? name, out TopicDefinition topic, out string problem)
    {
        topic = Topics.Find(name)!;
        problem = topic is null ? $"There is no topic '{name}': one of {string.Join(", ", Topics.Catalog.Select(t => t.Name))}." : "";
        return topic is not null;
    }
}

public enum DeadLetterOutcome
{
    Redriven,
    Purged,

    /// <summary>Re-driving would park it again at once (no service reads its type or version): left where it is.</summary>
    StillParked,
    AlreadyHandled,
    NotFound,
}

public sealed record DeadLetterActionResult(DeadLetterId Id, DeadLetterOutcome Outcome, string Detail)
{
    public bool Succeeded => Outcome is DeadLetterOutcome.Redriven or DeadLetterOutcome.Purged;
}

/// <summary>
/// What an operator does with dead letters, whichever door they use (the Workers' <c>dlq</c> command, its internal
/// endpoints, the Aspire dashboard's commands): list, show, re-drive, purge. The letters are read from Kafka each time;
/// what was done with them is kept in <c>dead_letter_actions</c>, one row per letter, so two operators acting at once
/// cannot both re-drive it. Every action writes one log line naming the operator.
/// </summary>
public sealed partial class DeadLetterOperations(KafkaDeadLetters kafka, WorkersDbContext db, TimeProvider clock, ILogger<DeadLetterOperations> logger)
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The dead letters of <paramref name="topic"/> (every catalog topic when null), parked ones only unless <paramref name="includeHandled"/>.</summary>
    public async Task<IReadOnlyList<DeadLetterView>> ListAsync(TopicDefinition? topic, bool includeHandled, CancellationToken cancellationToken)
    {
        var topics = topic is null ? Topics.Catalog : [topic];
        var views = new List<DeadLetterView>();
        foreach (var definition in topics)
        {
            var parked = await ReadAsync(definition);
            var actions = await ActionsAsync(definition, cancellationToken);
            views.AddRange(parked.Select(p => View(p.Letter, actions)).Where(v => includeHandled || v.State == DeadLetterState.Parked));
        }
        return views;
    }

    /// <summary>
    /// How many letters on <paramref name="topic"/>'s dead-letter topic wait for an operator: what its partitions hold,
    /// less those an operator dealt with (counting only actions on offsets retention has not removed yet).
    /// </summary>
    public async Task<long> CountParkedAsync(TopicDefinition topic, CancellationToken cancellationToken)
    {
        var extents = await Task.Run(() => kafka.Extents(topic.DeadLetterName, ReadTimeout), cancellationToken);
        var actions = await db.DeadLetterActions.AsNoTracking().Where(a => a.Topic == topic.DeadLetterName)
            .Select(a => new { a.Partition, a.Offset }).ToListAsync(cancellationToken);
        return extents.Sum(extent => extent.High - extent.Low
            - actions.Count(a => a.Partition == extent.Partition && a.Offset >= extent.Low && a.Offset < extent.High));
    }

    public async Task<DeadLetterView?> ShowAsync(DeadLetterId id, CancellationToken cancellationToken)
    {
        var selection = DeadLetterSelection.One(id);
        var letter = (await ReadAsync(selection.Topic)).SingleOrDefault(p => p.Letter.Id == id)?.Letter;
        return letter is null ? null : View(letter, await ActionsAsync(selection.Topic, cancellationToken));
    }

    /// <summary>
    /// Sends each selected letter back to its source topic, with its key, event id and trace context: every consumer
    /// group that handled the event before skips it by id, the one that parked it handles it again.
    /// </summary>
    public Task<IReadOnlyList<DeadLetterActionResult>> RedriveAsync(DeadLetterSelection selection, string @operator, CancellationToken cancellationToken) =>
        ActAsync(selection, DeadLetterActionKind.Redriven, @operator, cancellationToken);

    /// <summary>Drops each selected letter from the parked ones (it stays on the topic until retention removes it).</summary>
    public Task<IReadOnlyList<DeadLetterActionResult>> PurgeAsync(DeadLetterSelection selection, string @operator, CancellationToken cancellationToken) =>
        ActAsync(selection, DeadLetterActionKind.Purged, @operator, cancellationToken);

    private async Task<IReadOnlyList<DeadLetterActionResult>> ActAsync(DeadLetterSelection selection, DeadLetterActionKind action, string @operator, CancellationToken cancellationToken)
    {
        var parked = (await ReadAsync(selection.Topic)).Where(p => selection.Only is null || p.Letter.Id == selection.Only).ToList();
        if (selection.Only is { } only && parked.Count == 0)
            return [new DeadLetterActionResult(only, DeadLetterOutcome.NotFound, $"{only} is not on {only.Topic} (a wrong id, or retention removed it).")];

        var actions = await ActionsAsync(selection.Topic, cancellationToken);
        var results = new List<DeadLetterActionResult>(parked.Count);
        foreach (var letter in parked)
        {
            var id = letter.Letter.Id;
            if (actions.TryGetValue(id, out var done))
            {
                // Asked for one by id, say what became of it; "all parked" passes the handled ones by.
                if (selection.Only is not null)
                    results.Add(new(id, DeadLetterOutcome.AlreadyHandled, $"{id} was {Describe(done.Action)} by {done.Operator} at {done.At:O}."));
                continue;
            }
            results.Add(await ActOnAsync(letter, action, @operator, cancellationToken));
        }
        return results;
    }

    private async Task<DeadLetterActionResult> ActOnAsync(KafkaDeadLetters.Parked parked, DeadLetterActionKind action, string @operator, CancellationToken cancellationToken)
    {
        var letter = parked.Letter;
        if (action == DeadLetterActionKind.Redriven && parked.Unreadable is { } reason)
        {
            LogStillParked(logger, letter.Id.ToString(), @operator, reason);
            return new(letter.Id, DeadLetterOutcome.StillParked, $"{letter.Id} stays parked: {reason}");
        }

        // The row first, in a transaction held open while the message goes out: a second operator's insert waits for
        // it and then finds the letter handled; a failed send rolls the row back and the letter stays parked.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.DeadLetterActions.Add(new DeadLetterAction
        {
            Topic = letter.Id.Topic,
            Partition = letter.Id.Partition,
            Offset = letter.Id.Offset,
            EventId = letter.EventId,
            Action = action,
            Operator = @operator,
            At = clock.GetUtcNow(),
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return new(letter.Id, DeadLetterOutcome.AlreadyHandled, $"{letter.Id} was dealt with by someone else a moment ago.");
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
        if (action == DeadLetterActionKind.Redriven) await kafka.RedriveAsync(parked, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        LogActed(logger, letter.Id.ToString(), letter.EventType, letter.EventId, Describe(action), letter.SourceTopic, @operator);
        return action == DeadLetterActionKind.Redriven
            ? new(letter.Id, DeadLetterOutcome.Redriven, $"{letter.Id} re-driven onto {letter.SourceTopic}.")
            : new(letter.Id, DeadLetterOutcome.Purged, $"{letter.Id} purged.");
    }

    private Task<IReadOnlyList<KafkaDeadLetters.Parked>> ReadAsync(TopicDefinition topic) =>
        Task.Run(() => kafka.Read(topic.DeadLetterName, ReadTimeout));

    private async Task<Dictionary<DeadLetterId, DeadLetterAction>> ActionsAsync(TopicDefinition topic, CancellationToken cancellationToken) =>
        (await db.DeadLetterActions.AsNoTracking().Where(a => a.Topic == topic.DeadLetterName).ToListAsync(cancellationToken))
            .ToDictionary(a => new DeadLetterId(a.Topic, a.Partition, a.Offset));

    private static DeadLetterView View(DeadLetter letter, Dictionary<DeadLetterId, DeadLetterAction> actions) =>
        actions.TryGetValue(letter.Id, out var action)
            ? new(letter, action.Action == DeadLetterActionKind.Redriven ? DeadLetterState.Redriven : DeadLetterState.Purged, action.Operator, action.At)
            : new(letter, DeadLetterState.Parked, null, null);

    private static string Describe(DeadLetterActionKind action) => action == DeadLetterActionKind.Redriven ? "re-driven" : "purged";

    [LoggerMessage(LogLevel.Information, "Dead letter {DeadLetterId} ({EventType} {EventId}) of {SourceTopic}: {Action} by {Operator}.")]
    private static partial void LogActed(ILogger logger, string deadLetterId, string? eventType, Guid? eventId, string action, string sourceTopic, string @operator);

    [LoggerMessage(LogLevel.Warning, "Dead letter {DeadLetterId} not re-driven for {Operator}: {Reason}")]
    private static partial void LogStillParked(ILogger logger, string deadLetterId, string @operator, string reason);
}
