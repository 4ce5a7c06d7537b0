namespace TaskFlow.Workers.DeadLetters;

/// <summary>Who acts on dead letters, as the audit line and <c>dead_letter_actions</c> name them.</summary>
public static class DeadLetterOperator
{
    public const int MaxLength = 200;

    /// <summary>The name as given when it is one; otherwise why not.</summary>
    public static bool TryValidate(string? name, out string problem)
    {
        problem = string.IsNullOrWhiteSpace(name) ? "The operator's name is missing: say who acts, for the audit."
            : name.Length > MaxLength ? $"The operator's name is longer than {MaxLength} characters."
            : name.Any(char.IsControl) ? "The operator's name contains control characters."
            : "";
        return problem.Length == 0;
    }
}
