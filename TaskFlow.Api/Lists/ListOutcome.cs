namespace TaskFlow.Api.Lists;

/// <summary>
/// What a list operation came to: one closed set for all of them (the private constructor keeps anyone from adding a
/// case elsewhere); REST and MCP each turn it into their own kind of answer.
/// </summary>
public abstract record ListOutcome<T>
{
    private ListOutcome() { }

    public sealed record Done(T Value) : ListOutcome<T>;

    /// <summary>No such list (or invitation, or member) for this user: the same answer as one that does not exist.</summary>
    public sealed record NotFound(string What, object Id) : ListOutcome<T>;

    /// <summary>The user is a member but their role does not allow it; <see cref="Why"/> says what would.</summary>
    public sealed record Forbidden(string Why) : ListOutcome<T>;

    /// <summary>The request cannot apply to the list as it is (the Inbox, the owner leaving, a member invited again).</summary>
    public sealed record Conflict(string Why) : ListOutcome<T>;

    public sealed record Invalid(Dictionary<string, string[]> Errors) : ListOutcome<T>;
}

/// <summary>Nothing to answer but that it was done.</summary>
public readonly record struct Nothing;
