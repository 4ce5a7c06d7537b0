using System.Globalization;
using System.Text.RegularExpressions;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Evaluation;

namespace TaskFlow.Api.Tasks;

/// <summary>
/// Task recurrence as RFC 5545 RRULEs, computed by Ical.Net (calendars, month ends, time zones and DST are its
/// job, not ours). Friendly presets are accepted and stored as the RRULE they stand for.
/// </summary>
public static partial class Recurrence
{
    private static readonly Dictionary<string, string> Presets = new(StringComparer.OrdinalIgnoreCase)
    {
        ["daily"] = "FREQ=DAILY",
        ["weekdays"] = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        ["weekly"] = "FREQ=WEEKLY",
        ["monthly"] = "FREQ=MONTHLY",
        ["yearly"] = "FREQ=YEARLY",
    };

    private static readonly FrequencyType[] AllowedFrequencies =
        [FrequencyType.Daily, FrequencyType.Weekly, FrequencyType.Monthly, FrequencyType.Yearly];

    public const string Help =
        "Use daily, weekdays, weekly, monthly, yearly, \"every N days|weeks|months\", or an RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=MO,TH;COUNT=10.";

    [GeneratedRegex(@"^every\s+(\d{1,3})\s+(day|week|month)s?$", RegexOptions.IgnoreCase)]
    private static partial Regex EveryN();

    /// <summary>Turns a preset or RRULE into the RRULE stored on the task; <paramref name="error"/> says what is wrong otherwise.</summary>
    public static bool TryNormalize(string text, out string rule, out string error)
    {
        rule = "";
        text = text.Trim();
        if (Presets.TryGetValue(text, out var preset)) text = preset;
        else if (EveryN().Match(text) is { Success: true } every)
        {
            var interval = int.Parse(every.Groups[1].Value, CultureInfo.InvariantCulture);
            if (interval is < 1 or > 365)
            {
                error = "The interval of \"every N ...\" must be from 1 to 365.";
                return false;
            }
            var frequency = every.Groups[2].Value.ToLowerInvariant() switch { "day" => "DAILY", "week" => "WEEKLY", _ => "MONTHLY" };
            text = $"FREQ={frequency};INTERVAL={interval}";
        }
        else if (text.StartsWith("RRULE:", StringComparison.OrdinalIgnoreCase)) text = text[6..];

        RecurrencePattern pattern;
        try
        {
            pattern = new RecurrencePattern(text);
        }
        // OverflowException: a number beyond 32 bits (INTERVAL=2147483648, BYMONTHDAY=99999999999).
        catch (Exception exception) when (exception is ArgumentException or FormatException or OverflowException)
        {
            error = $"'{text}' is not a recurrence TaskFlow understands ({exception.Message.Split(" (Parameter")[0]}). {Help}";
            return false;
        }
        if (!AllowedFrequencies.Contains(pattern.Frequency))
        {
            error = $"Tasks repeat at most daily: FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY, not {pattern.Frequency.ToString().ToUpperInvariant()}.";
            return false;
        }
        if (pattern.Count is < 1)
        {
            error = "COUNT must be at least 1.";
            return false;
        }
        rule = pattern.ToString() ?? text;
        error = "";
        return true;
    }

    /// <summary>The last year a task may be due in (TaskInput's bound): a series reaching past it ends there.</summary>
    private const int LastYear = 8999;

    /// <summary>
    /// How many periods without a match the rule engine looks through before it calls a rule one that never matches
    /// (FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30): enough for FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29 (1,461 days), still
    /// milliseconds.
    /// </summary>
    private static readonly EvaluationOptions Evaluation = new() { MaxUnmatchedIncrementsLimit = 50_000 };

    /// <summary>
    /// The <paramref name="index"/>-th occurrence (0 = the series start) of <paramref name="rule"/> for a series that
    /// starts at the local wall time <paramref name="start"/> in <paramref name="timeZone"/>; null when the series
    /// ends before it (COUNT, UNTIL, a rule with no more matches, or past the year 8999). All-day series yield dates at
    /// local midnight. The start is the first occurrence even when the rule would not produce it (RFC 5545 leaves
    /// that undefined; Ical.Net starts at the first match, which made every later index skip one occurrence).
    /// </summary>
    public static DateTimeOffset? Occurrence(string rule, DateTime start, string timeZone, bool allDay, int index)
    {
        var dtStart = Start(start, timeZone, allDay);
        if (index == 0) return Instant(dtStart, timeZone, allDay);
        var series = new CalendarEvent { DtStart = dtStart, RecurrenceRule = new RecurrencePattern(rule) };
        CalDateTime? occurrence;
        try
        {
            occurrence = series.GetOccurrences(dtStart, Evaluation)
                .Select(o => o.Period.StartTime)
                .Where(o => allDay ? o.Date > dtStart.Date : o.AsUtc > dtStart.AsUtc)
                .TakeWhile(o => o.Year <= LastYear)
                .Skip(index - 1)
                .FirstOrDefault();
        }
        // No match within the limit, or none before the calendar's end: a rule that never matches again.
        catch (Exception exception) when (exception is EvaluationLimitExceededException or EvaluationOutOfRangeException)
        {
            return null;
        }
        return occurrence is null ? null : Instant(occurrence, timeZone, allDay);
    }

    /// <summary>
    /// What makes <paramref name="rule"/> unusable for a series starting at <paramref name="start"/>: an UNTIL before
    /// the start, or no occurrence after it at all (February 30th); null when the series has a next occurrence.
    /// </summary>
    public static string? SeriesProblem(string rule, DateTime start, string timeZone, bool allDay)
    {
        var pattern = new RecurrencePattern(rule);
        if (pattern.Until is { } until && (allDay ? until.Date < DateOnly.FromDateTime(start) : until.AsUtc < Start(start, timeZone, allDay).AsUtc))
            return $"The recurrence's UNTIL ({until}) is before the series starts ({start:yyyy-MM-dd HH:mm}, its due time): the series would have no occurrence.";
        if (pattern.Count is not 1 && Occurrence(rule, start, timeZone, allDay, 1) is null)
            return $"The recurrence '{rule}' produces no date after the series starts ({start:yyyy-MM-dd}) before the year {LastYear + 1}: it can never match (such as February 30th).";
        return null;
    }

    private static CalDateTime Start(DateTime start, string timeZone, bool allDay) =>
        allDay
            ? new CalDateTime(DateOnly.FromDateTime(start))
            : new CalDateTime(start.Year, start.Month, start.Day, start.Hour, start.Minute, start.Second, timeZone);

    private static DateTimeOffset Instant(CalDateTime occurrence, string timeZone, bool allDay)
    {
        if (allDay)
        {
            var midnight = occurrence.Date.ToDateTime(TimeOnly.MinValue);
            return new DateTimeOffset(midnight, TimeZoneInfo.FindSystemTimeZoneById(timeZone).GetUtcOffset(midnight));
        }
        return new DateTimeOffset(occurrence.AsUtc, TimeSpan.Zero);
    }
}
