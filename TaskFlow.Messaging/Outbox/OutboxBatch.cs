namespace TaskFlow.Messaging.Outbox;

/// <summary>Which messages of a relayed batch may be marked published.</summary>
public static class OutboxBatch
{
    /// <summary>
    /// The indexes (in batch order) of the messages the broker acknowledged, less every message of a key (topic and
    /// key) after that key's first failure in the batch: left unpublished, they are sent again in their order after the
    /// failed one on the retry (a consumer skips, by event id, those it already had).
    /// </summary>
    public static IEnumerable<int> Publishable(IReadOnlyList<OutboxMessage> batch, IReadOnlyList<Exception?> errors)
    {
        var failedKeys = new HashSet<(string Topic, string Key)>();
        for (var i = 0; i < batch.Count; i++)
        {
            var key = (batch[i].Topic, batch[i].Key);
            if (errors[i] is not null) failedKeys.Add(key);
            else if (!failedKeys.Contains(key)) yield return i;
        }
    }
}
