using System.Globalization;
using System.Text.RegularExpressions;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;

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

    /// <summary>
    /// The <paramref name="index"/>-th occurrence (0 = the series start) of <paramref name="rule"/> for a series that
    /// starts at the local wall time <paramref name="start"/> in <paramref name="timeZone"/>; null when the series
    /// ends before it (COUNT, UNTIL). All-day series yield dates at local midnight.
    /// </summary>
    public static DateTimeOffset? Occurrence(string rule, DateTime start, string timeZone, bool allDay, int index)
    {
        var dtStart = allDay
            ? new CalDateTime(DateOnly.FromDateTime(start))
            : new CalDateTime(start.Year, start.Month, start.Day, start.Hour, start.Minute, start.Second, timeZone);
        var series = new CalendarEvent { DtStart = dtStart, RecurrenceRule = new RecurrencePattern(rule) };
        var occurrence = series.GetOccurrences(dtStart).Skip(index).Select(o => o.Period.StartTime).FirstOrDefault();
        if (occurrence is null) return null;
        if (allDay)
        {
            var midnight = occurrence.Date.ToDateTime(TimeOnly.MinValue);
            return new DateTimeOffset(midnight, TimeZoneInfo.FindSystemTimeZoneById(timeZone).GetUtcOffset(midnight));
        }
        return new DateTimeOffset(occurrence.AsUtc, TimeSpan.Zero);
    }
}
