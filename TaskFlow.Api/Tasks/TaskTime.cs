namespace TaskFlow.Api.Tasks;

/// <summary>Dates and times in a task's own IANA time zone.</summary>
public static class TaskTime
{
    public const string DefaultTimeZone = "UTC";

    public const string UnknownZoneProblem = "The time_zone must be an IANA time zone name, like Europe/Berlin or UTC.";

    public static bool IsKnownTimeZone(string id) =>
        id.Length <= TaskLimits.TimeZoneMaxLength && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId;

    public static DateOnly LocalDate(DateTimeOffset instant, string timeZone) => DateOnly.FromDateTime(LocalTime(instant, timeZone));

    /// <summary>The wall-clock time of <paramref name="instant"/> in the zone.</summary>
    public static DateTime LocalTime(DateTimeOffset instant, string timeZone) =>
        TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.FindSystemTimeZoneById(timeZone)).DateTime;

    /// <summary>A task's due time as its zone sees it: due_at's wall-clock time, or midnight of due_date.</summary>
    public static DateTime? LocalDue(DateTimeOffset? dueAt, DateOnly? dueDate, string timeZone) =>
        dueAt is { } at ? LocalTime(at, timeZone) : dueDate?.ToDateTime(TimeOnly.MinValue);

    /// <summary>The first instant after <paramref name="date"/> ends in the zone: a date-only task is overdue from then.</summary>
    public static DateTimeOffset EndOfDay(DateOnly date, string timeZone)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        var nextMidnight = date.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // A midnight skipped by a DST jump does not exist locally; the day then ends an hour later.
        while (zone.IsInvalidTime(nextMidnight)) nextMidnight = nextMidnight.AddMinutes(30);
        return new DateTimeOffset(nextMidnight, zone.GetUtcOffset(nextMidnight)).ToUniversalTime();
    }
}
