using TaskFlow.ServiceDefaults.WorkersApi;

namespace TaskFlow.Api.Tasks;

// What each task operation can come to, one closed set per operation (the private constructors keep anyone from
// adding a case elsewhere): REST and MCP each turn them into their own kind of answer, and a switch over one names
// only what that operation can answer.

/// <summary>What adding a task came to.</summary>
public abstract record TaskCreation
{
    private TaskCreation() { }

    public sealed record Created(TaskItem Task) : TaskCreation;

    /// <summary>The idempotency key was used before with the same body: <see cref="Earlier"/> is the first answer.</summary>
    public sealed record Replayed(IdempotencyRecord Earlier) : TaskCreation;

    /// <summary>The idempotency key was used before with a different body: nothing was added.</summary>
    public sealed record KeyReused : TaskCreation;

    public sealed record Invalid(IDictionary<string, string[]> Errors) : TaskCreation;

    /// <summary>The user is no member of the list named (or there is none): nothing was added.</summary>
    public sealed record ListNotFound(int ListId) : TaskCreation;

    /// <summary>The user only views the list named: nothing was added.</summary>
    public sealed record Forbidden(int ListId) : TaskCreation;
}

/// <summary>What creating the next occurrence of a recurring task came to.</summary>
public abstract record NextOccurrence
{
    private NextOccurrence() { }

    public sealed record Created(TaskItem Task) : NextOccurrence;

    /// <summary>An earlier call with the same key created it (a redelivered or repeated completion).</summary>
    public sealed record AlreadyCreated : NextOccurrence;

    /// <summary>The task no longer repeats, or its series has ended.</summary>
    public sealed record NoneFollows : NextOccurrence;

    public sealed record TaskNotFound : NextOccurrence;
}

/// <summary>What changing a task (update, complete, reopen, snooze) came to.</summary>
public abstract record TaskChange
{
    private TaskChange() { }

    /// <summary>The task as it is now (unchanged when the change was nothing new).</summary>
    public sealed record Done(TaskItem Task) : TaskChange;

    public sealed record Invalid(IDictionary<string, string[]> Errors) : TaskChange;

    /// <summary>If-Match named a version that is no longer the current one.</summary>
    public sealed record Stale : TaskChange;

    public sealed record NotFound : TaskChange;

    /// <summary>The user sees the task but only views its list (or, moving it, the list it was to go to).</summary>
    public sealed record Forbidden : TaskChange;

    /// <summary>The task was to move to a list the user is no member of (or that does not exist).</summary>
    public sealed record ListNotFound(int ListId) : TaskChange;
}

/// <summary>What deleting a task came to.</summary>
public abstract record TaskDeletion
{
    private TaskDeletion() { }

    public sealed record Deleted(TaskItem Task) : TaskDeletion;

    /// <summary>If-Match named a version that is no longer the current one.</summary>
    public sealed record Stale : TaskDeletion;

    public sealed record NotFound : TaskDeletion;

    /// <summary>The user sees the task but only views its list.</summary>
    public sealed record Forbidden : TaskDeletion;
}

/// <summary>What asking for a task's audit history came to.</summary>
public abstract record TaskHistory
{
    private TaskHistory() { }

    public sealed record Found(IReadOnlyList<TaskHistoryEntry> Entries) : TaskHistory;

    /// <summary>The Workers' audit service did not answer.</summary>
    public sealed record Unavailable : TaskHistory;

    public sealed record NotFound : TaskHistory;
}
