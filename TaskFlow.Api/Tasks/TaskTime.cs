namespace TaskFlow.Api.Tasks;

/// <summary>Dates and times in a task's own IANA time zone.</summary>
public static class TaskTime
{
    public const string DefaultTimeZone = "UTC";

    public static bool IsKnownTimeZone(string id) =>
        id.Length <= TaskLimits.TimeZoneMaxLength && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId;

    public static DateOnly LocalDate(DateTimeOffset instant, string timeZone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.FindSystemTimeZoneById(timeZone)).DateTime);

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
